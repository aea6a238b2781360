"""Impact per symbol, checked against a plain loop on real daily bars (^GSPC, Yahoo) and the Fed's
real 2025–2026 FOMC decision days (the schedule file)."""

from __future__ import annotations

import csv
import math
import statistics
from datetime import date, datetime, time

import numpy as np

from analytics.macro_impact import ORDINARY, macro_impact
from data.macro.fomc import load_schedule
from data.market_calendar import ET
from data.models import Bars, Timeframe
from tests.conftest import shared_path

# CPI release days of 2025 as BLS published them (the October 2025 shutdown moved September's to Oct 24)
CPI_2025 = [date(2025, 1, 15), date(2025, 2, 12), date(2025, 3, 12), date(2025, 4, 10), date(2025, 5, 13),
            date(2025, 6, 11), date(2025, 7, 15), date(2025, 8, 12), date(2025, 9, 11), date(2025, 10, 24)]


def gspc_rows(start: date, end: date) -> list[tuple[date, float, float]]:
    path = shared_path("data", "bars_daily", "yfinance_index", "GSPC_daily.csv")
    with path.open() as f:
        rows = [(date.fromisoformat(r["Date"][:10]), float(r["Open"]), float(r["Close"])) for r in csv.DictReader(f)]
    return [r for r in rows if start <= r[0] <= end]


def gspc_bars(start: date, end: date) -> Bars:
    """The rows as daily bars stamped at each session's 09:30 ET open."""
    rows = gspc_rows(start, end)
    ts = [int(datetime.combine(d, time(9, 30), ET).timestamp()) for d, _o, _c in rows]
    o, c = [r[1] for r in rows], [r[2] for r in rows]
    return Bars("^GSPC", Timeframe.D1, ts, o, np.maximum(o, c), np.minimum(o, c), c, [0.0] * len(rows))


def plain(rows: list[tuple[date, float, float]], days: set[date], busy: set[date]):
    """Mean and median |open→close| and |close→close| % by loops, for ``days`` and for ordinary days."""
    def moves(pick):
        oc, cc = [], []
        for i, (d, o, c) in enumerate(rows):
            if pick(d):
                oc.append(abs(c / o - 1) * 100)
                if i > 0:
                    cc.append(abs(c / rows[i - 1][2] - 1) * 100)
        return oc, cc

    return moves(lambda d: d in days), moves(lambda d: d not in busy)


def test_fomc_and_cpi_days_vs_ordinary_match_a_plain_loop() -> None:
    rows = gspc_rows(date(2024, 8, 1), date(2026, 8, 14))
    fomc_days = {m.decision_day for m in load_schedule().meetings if m.decision_day <= date(2026, 8, 14)}
    cpi = set(CPI_2025)
    busy = fomc_days | cpi
    result, ordinary = macro_impact(np.array([d.toordinal() for d, _o, _c in rows]), np.array([r[1] for r in rows]),
                                    np.array([r[2] for r in rows]),
                                    {"fomc": [d.toordinal() for d in fomc_days], "cpi": [d.toordinal() for d in cpi]},
                                    [d.toordinal() for d in busy])
    by_kind = {r.kind: r for r in result}
    assert [r.kind for r in result] == ["fomc", "cpi"] and ordinary.kind == ORDINARY
    (f_oc, f_cc), (o_oc, o_cc) = plain(rows, fomc_days, busy)
    assert by_kind["fomc"].n == len(f_oc) == 13  # 8 in 2025, 5 in 2026 up to July 29
    assert math.isclose(by_kind["fomc"].mean_oc, statistics.fmean(f_oc), rel_tol=1e-12)
    assert math.isclose(by_kind["fomc"].median_oc, statistics.median(f_oc), rel_tol=1e-12)
    assert math.isclose(by_kind["fomc"].mean_cc, statistics.fmean(f_cc), rel_tol=1e-12)
    assert math.isclose(by_kind["fomc"].median_cc, statistics.median(f_cc), rel_tol=1e-12)
    assert ordinary.n == len(o_oc) == len(rows) - 23
    assert math.isclose(ordinary.mean_oc, statistics.fmean(o_oc), rel_tol=1e-12)
    assert math.isclose(ordinary.mean_cc, statistics.fmean(o_cc), rel_tol=1e-12)
    assert math.isclose(by_kind["fomc"].ratio_oc, statistics.fmean(f_oc) / statistics.fmean(o_oc), rel_tol=1e-12)
    (_c_oc, c_cc), _ = plain(rows, cpi, busy)
    assert by_kind["cpi"].n == 10
    assert math.isclose(by_kind["cpi"].ratio_cc, statistics.fmean(c_cc) / statistics.fmean(o_cc), rel_tol=1e-12)
    # 2025 on the S&P 500: CPI mornings moved it more than an ordinary day (April 10: −3.5 % close to close)
    assert by_kind["cpi"].ratio_cc > 1.0


def test_unsorted_bars_missing_days_and_bad_prices() -> None:
    days = np.array([3, 1, 2, 5])
    opens, closes = np.array([100.0, 100.0, 0.0, 100.0]), np.array([103.0, 100.0, 101.0, 99.0])
    [cpi, nothing], ordinary = macro_impact(days, opens, closes, {"cpi": [3, 9], "nfp": [7]}, [3, 7])
    assert cpi.n == 1 and math.isclose(cpi.mean_oc, 3.0)  # day 9 has no bar
    assert math.isclose(cpi.mean_cc, abs(103 / 101 - 1) * 100)  # the previous bar after sorting is day 2
    assert nothing.n == 0 and math.isnan(nothing.mean_oc) and math.isnan(nothing.ratio_oc)
    assert ordinary.n == 3 and math.isclose(ordinary.mean_oc, 0.5)  # day 2's open is unusable: (0 + 1) / 2
    assert math.isclose(cpi.ratio_oc, 6.0)
