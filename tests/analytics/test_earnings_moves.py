"""Historical earnings moves on the real benkaiser events and daily bars (PROVENANCE §4)."""

from __future__ import annotations

import csv
import math
from datetime import UTC, date, datetime

import numpy as np
import pytest

from analytics.earnings_moves import EarningsMove, historical_moves, summarize
from analytics.option_time import ET
from data.models import Bars, Timeframe
from tests.conftest import shared_path

REFERENCE_MEAN_8 = {"AAPL": 2.62, "MSFT": 3.29, "AMD": 8.12, "NVDA": 9.31, "META": 10.64, "TSLA": 12.28}
EXAMPLES = {("AAPL", "2024-10-31"): -1.33, ("AAPL", "2024-08-01"): 0.69, ("AAPL", "2024-05-02"): 5.98,
            ("NVDA", "2024-08-28"): -6.38, ("NVDA", "2024-02-21"): 16.41, ("TSLA", "2024-10-23"): 21.92}


def _session_open(ts: int) -> bool:
    t = datetime.fromtimestamp(ts, UTC).astimezone(ET)
    return (t.hour, t.minute) == (9, 30)


@pytest.fixture(scope="module")
def benkaiser():
    bars_file = shared_path("data", "earnings", "benkaiser_earnings_window_daily_bars.csv")
    events_file = shared_path("data", "earnings", "benkaiser_earnings_events.csv")
    by_ticker: dict[str, dict[str, tuple]] = {}
    with bars_file.open(newline="") as f:
        for r in csv.DictReader(f):
            ts = int(r["bar_timestamp_unix"])
            if not _session_open(ts):  # the partial 2024-11-04 bar, taken intraday
                continue
            row = (ts, *(float(r[k]) for k in ("open", "high", "low", "close", "volume")))
            by_ticker.setdefault(r["ticker"], {})[r["bar_date"]] = row  # windows overlap: one bar per date
    with events_file.open(newline="") as f:
        events = [(r["ticker"], date.fromisoformat(r["earnings_date"])) for r in csv.DictReader(f)]
    out = {}
    for ticker, rows in by_ticker.items():
        a = np.array(sorted(rows.values()))
        bars = Bars(ticker, Timeframe.D1, a[:, 0].astype(np.int64), a[:, 1], a[:, 2], a[:, 3], a[:, 4], a[:, 5])
        out[ticker] = (bars, [(d, "amc") for t, d in events if t == ticker])  # all AMC (PROVENANCE)
    return out


@pytest.mark.parametrize("ticker", sorted(REFERENCE_MEAN_8))
def test_mean_absolute_move_of_the_last_8_reports(benkaiser, ticker):
    bars, events = benkaiser[ticker]
    summary = summarize(historical_moves(bars, events), last=8)
    assert summary.count == 8
    # the references average moves rounded to 0.01 (TSLA: 12.274 exact, 12.275 from rounded moves)
    assert summary.mean_abs_close_pct == pytest.approx(REFERENCE_MEAN_8[ticker], abs=0.01)


@pytest.mark.parametrize(("key", "move"), sorted(EXAMPLES.items()))
def test_single_reports(benkaiser, key, move):
    ticker, day = key
    bars, events = benkaiser[ticker]
    row = next(m for m in historical_moves(bars, events) if m.report_date == date.fromisoformat(day))
    assert round(row.close_pct, 2) == move
    assert row.before_date == row.report_date and row.reaction_date > row.report_date  # by date, not by label


def test_nvda_reaction_is_the_bar_after_the_report_date_not_post_plus_one(benkaiser):
    bars, events = benkaiser["NVDA"]
    row = next(m for m in historical_moves(bars, events) if m.report_date == date(2024, 2, 21))
    assert row.reaction_date == date(2024, 2, 22)  # the window's post +2 (post +1 is the report date)
    assert row.gap_pct == pytest.approx(100 * (row.open_after / row.close_before - 1))


def test_bmo_uses_the_previous_close_and_the_report_session(benkaiser):
    bars, _ = benkaiser["AAPL"]
    amc = historical_moves(bars, [(date(2024, 8, 1), "amc")])[0]
    bmo = historical_moves(bars, [(date(2024, 8, 2), "bmo")])[0]
    assert (bmo.before_date, bmo.reaction_date) == (date(2024, 8, 1), date(2024, 8, 2))
    assert bmo.close_pct == amc.close_pct
    unknown = historical_moves(bars, [(date(2024, 8, 1), "unknown")])[0]
    assert unknown.assumed and unknown.reaction_date == date(2024, 8, 2) and not amc.assumed


def test_reports_without_bars_or_incomplete_are_left_out(benkaiser):
    bars, _ = benkaiser["AAPL"]
    assert historical_moves(bars, [(date(2015, 6, 1), "amc")]) == []  # no window around it
    assert historical_moves(bars, [(date(2024, 10, 31), "amc")], last_complete=date(2024, 10, 31)) == []


def _move(day, close_pct, implied=None):
    return EarningsMove(day, "amc", False, day, day, 100.0, 100.0, 100.0 + close_pct, implied)


def test_summary_exceedance_per_report_or_against_today():
    moves = [_move(date(2024, m, 1), pct, imp) for m, pct, imp in ((1, 5.0, 4.0), (2, -3.0, 4.0), (3, 8.0, 6.0))]
    s = summarize(moves)
    assert (s.compared, s.exceeded, s.basis) == (3, 2, "implied move at each report")
    assert s.mean_abs_close_pct == pytest.approx(16 / 3) and s.median_abs_close_pct == pytest.approx(5.0)
    bare = [_move(m.report_date, m.close_pct) for m in moves]
    assert summarize(bare, current_implied_pct=4.5).exceeded == 2
    none = summarize(bare)
    assert none.compared == 0 and math.isnan(none.exceeded_rate) and none.basis == ""
    assert summarize(bare, last=2).count == 2 and summarize(bare, last=2).mean_abs_close_pct == pytest.approx(5.5)
