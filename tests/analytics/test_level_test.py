"""Level test: a resistance rejection with levels computed from the bars, a support hold, a break
through, the tolerance's edge, one per level, direction and session, and no look-ahead on a real
SPY file."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analytics.detectors.level_test import level_test, session_levels
from analytics.detectors.session_bars import SessionBars
from data.models import Bars, Timeframe
from tests.analytics.detector_checks import IBKR, assert_no_look_ahead, needs_ibkr, real_session_bars

ET = ZoneInfo("America/New_York")
Row = tuple[str, float, float, float, float, float]  # ET start, open, high, low, close, volume


def _bars(rows: list[Row], symbol: str = "SPY") -> SessionBars:
    ts = [int(datetime.fromisoformat(t).replace(tzinfo=ET).timestamp()) for t, *_ in rows]
    cols = list(zip(*[r[1:] for r in rows], strict=True))
    return SessionBars.from_bars(Bars(symbol, Timeframe.M5, np.array(ts), *(np.array(c) for c in cols)))


# day 1: high 102, low 98, close 101 → pivot 100.333, R1 102.667, S1 98.667
DAY1 = [("2026-03-02 09:30", 100.0, 102.0, 99.5, 101.5, 1000.0),
        ("2026-03-02 09:35", 101.5, 101.6, 98.0, 101.0, 1000.0)]
# day 2: a pre-market bar (high 101.8, low 101.0) and an opening range 100.6–101.2
DAY2 = [("2026-03-03 09:00", 101.1, 101.8, 101.0, 101.3, 100.0),
        ("2026-03-03 09:30", 101.0, 101.2, 100.6, 101.1, 1000.0),
        ("2026-03-03 09:35", 101.1, 101.2, 100.8, 101.0, 1000.0),
        ("2026-03-03 09:40", 101.0, 101.1, 100.7, 100.9, 1000.0)]


def test_the_levels_are_known_before_the_session_opens() -> None:
    bars = _bars([*DAY1, *DAY2])
    got = session_levels(bars, 3)  # the first regular bar of day 2
    assert got == pytest.approx({"prior_high": 102.0, "prior_low": 98.0, "prior_close": 101.0,
                                 "premarket_high": 101.8, "premarket_low": 101.0, "pivot": 301 / 3,
                                 "r1": 2 * 301 / 3 - 98, "s1": 2 * 301 / 3 - 102})
    assert session_levels(bars, 0) == {}  # no prior session: no levels


def test_a_touch_of_the_prior_high_from_below_closing_back_under_is_a_short() -> None:
    touch = ("2026-03-03 09:45", 101.6, 101.97, 101.5, 101.6, 2000.0)  # 0.03 under 102 (tol 0.051)
    bars = _bars([*DAY1, *DAY2, touch])
    (d,) = [d for d in level_test(bars) if "prior_high" in d.levels]
    assert (d.direction, d.bar_index, d.entry) == ("short", 6, 101.6)
    assert d.stop == pytest.approx(102.051)  # one tolerance above the level
    assert d.targets == (101.2, 101.0)  # the opening-range high, then the prior close
    assert d.time == int(datetime(2026, 3, 3, 9, 50, tzinfo=ET).timestamp())
    assert "the prior-day high 102.00" in d.evidence
    assert {p.name for p in d.parts} == {"rejection", "precision", "volume"}


def test_a_hold_of_a_support_level_is_a_long_with_1r_2r_without_a_level_ahead() -> None:
    rows = [("2026-03-03 09:30", 100.5, 100.6, 100.3, 100.4, 1000.0),
            ("2026-03-03 09:35", 100.4, 100.45, 99.98, 100.3, 1000.0)]  # low 0.02 above 100
    (d,) = level_test(_bars(rows), levels={_day("2026-03-03"): {"s1": 100.0}})
    assert (d.direction, d.bar_index, d.levels) == ("long", 1, {"s1": 100.0})
    assert d.stop == pytest.approx(99.93) and d.targets == pytest.approx((100.67, 101.04))  # 1R, 2R


def _day(iso: str) -> int:
    return datetime.fromisoformat(iso).toordinal() - datetime(1970, 1, 1).toordinal()


def test_a_break_through_or_a_close_too_near_the_level_is_no_test() -> None:
    day = {_day("2026-03-03"): {"r1": 100.0}}
    lead = ("2026-03-03 09:30", 99.5, 99.7, 99.4, 99.6, 1000.0)
    closes_above = ("2026-03-03 09:35", 99.6, 100.04, 99.5, 100.02, 1000.0)
    pokes_through = ("2026-03-03 09:35", 99.6, 100.3, 99.5, 99.6, 1000.0)  # high beyond the tolerance
    weak = ("2026-03-03 09:35", 99.6, 100.0, 99.5, 99.9, 1000.0)  # closes only 0.2 of its range under
    for bar in (closes_above, pokes_through, weak):
        assert level_test(_bars([lead, bar]), levels=day) == []


def test_the_tolerance_edge_is_005_percent_of_the_level() -> None:
    day = {_day("2026-03-03"): {"r1": 100.0}}
    lead = ("2026-03-03 09:30", 99.5, 99.7, 99.4, 99.6, 1000.0)
    inside = ("2026-03-03 09:35", 99.6, 99.951, 99.5, 99.55, 1000.0)  # 0.049 under: a touch
    outside = ("2026-03-03 09:35", 99.6, 99.949, 99.5, 99.55, 1000.0)  # 0.051 under: no touch
    assert len(level_test(_bars([lead, inside]), levels=day)) == 1
    assert level_test(_bars([lead, outside]), levels=day) == []
    assert len(level_test(_bars([lead, outside]), levels=day, tolerance_pct=0.0006)) == 1


def test_one_per_level_direction_and_session() -> None:
    lead = ("09:30", 99.5, 99.7, 99.4, 99.6, 1000.0)
    touch = ("09:35", 99.6, 99.98, 99.5, 99.55, 1000.0)
    again = ("09:40", 99.55, 99.99, 99.5, 99.6, 1000.0)
    rows = [(f"{d} {t}", *v) for d in ("2026-03-03", "2026-03-04") for t, *v in (lead, touch, again)]
    levels = {_day(d): {"r1": 100.0} for d in ("2026-03-03", "2026-03-04")}
    assert [(d.direction, d.bar_index) for d in level_test(_bars(rows), levels=levels)] == \
        [("short", 1), ("short", 4)]


@needs_ibkr
def test_no_look_ahead_on_real_sessions() -> None:
    bars = real_session_bars("SPY")
    full = level_test(bars)
    keys = [(int(bars.day[d.bar_index]), next(iter(d.levels)), d.direction) for d in full]
    assert len(full) > 50 and len(set(keys)) == len(keys)
    assert_no_look_ahead(level_test, bars, full)


def test_the_grids_levels_are_key_levels_on_real_and_extended_hours_sessions() -> None:
    from analytics.detectors.level_test import level_grid
    from tests.analytics.test_decide_from import _extended_hours

    cases = [_extended_hours(seed) for seed in (1, 4)]
    if IBKR.exists():
        cases.append(real_session_bars("SPY"))
    for bars in cases:
        grid = level_grid(bars, None, 15)
        firsts = grid.rows[grid.bounds[:-1]]
        assert grid.base == [session_levels(bars, int(i)) for i in firsts]
        assert sum("premarket_high" in b for b in grid.base) >= (0 if bars.symbol == "SPY" else 4)
