"""Opening-range breakout: the range, wick vs close, one per session and direction, filters,
no look-ahead, and the session counts of wave2-references.md reproduced from the real files."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analytics.detections import HitRate, wilson_interval
from analytics.detectors.opening_range_breakout import opening_range_breakout, orb_outcomes
from analytics.detectors.session_bars import SessionBars
from data.models import Bars, Timeframe
from tests.analytics.detector_checks import assert_no_look_ahead, needs_ibkr, real_session_bars

ET = ZoneInfo("America/New_York")


def _bars(rows: list[tuple[str, float, float, float, float, float]], symbol: str = "SPY") -> SessionBars:
    ts = [int(datetime.fromisoformat(t).replace(tzinfo=ET).timestamp()) for t, *_ in rows]
    cols = list(zip(*[r[1:] for r in rows], strict=True))
    return SessionBars.from_bars(Bars(symbol, Timeframe.M5, np.array(ts), *(np.array(c) for c in cols)))


def _day(bars: list[tuple[str, float, float, float, float, float]]) -> SessionBars:
    return _bars(bars)


# a 15-minute range 100–101 from the 09:30, 09:35, 09:40 bars; the 09:45 bar is the first allowed
RANGE = [("2026-03-02 09:30", 100.5, 101.0, 100.0, 100.6, 1000.0),
         ("2026-03-02 09:35", 100.6, 100.9, 100.2, 100.4, 800.0),
         ("2026-03-02 09:40", 100.4, 100.8, 100.1, 100.7, 900.0)]


def test_the_range_is_the_bars_starting_in_the_first_n_minutes_and_the_next_bar_may_break() -> None:
    bars = _day([*RANGE, ("2026-03-02 09:45", 100.7, 101.6, 100.6, 101.5, 2700.0)])
    (d,) = opening_range_breakout(bars, 15)
    assert (d.direction, d.levels) == ("long", {"or_high": 101.0, "or_low": 100.0})
    assert d.entry == 101.5 and d.stop == 100.0 and d.targets == (103.0, 104.5) and d.risk_reward == 1.0
    assert d.time == int(datetime(2026, 3, 2, 9, 50, tzinfo=ET).timestamp())  # the breaking bar's close
    assert 0 < d.confidence <= 1 and {p.name for p in d.parts} == {"volume", "strength", "time"}
    assert "opening range (100.00–101.00)" in d.evidence and "3.0x" in d.evidence


def test_wick_and_close_differ_and_each_direction_fires_once_per_session() -> None:
    wick_only = ("2026-03-02 09:45", 100.7, 101.3, 100.5, 100.9, 900.0)  # trades above, closes inside
    later = [("2026-03-02 09:50", 100.9, 101.6, 100.8, 101.4, 900.0),
             ("2026-03-02 09:55", 101.4, 101.9, 101.2, 101.8, 900.0),  # a second close above: no second long
             ("2026-03-02 10:00", 101.0, 101.0, 99.5, 99.6, 900.0)]  # and a break down: one short
    bars = _day([*RANGE, wick_only, *later])
    by_close = opening_range_breakout(bars, 15, by="close")
    by_wick = opening_range_breakout(bars, 15, by="wick")
    assert [(d.direction, d.bar_index) for d in by_close] == [("long", 4), ("short", 6)]
    assert [(d.direction, d.bar_index) for d in by_wick] == [("long", 3), ("short", 6)]
    assert by_wick[0].entry == 101.0  # the range edge on a wick break


def test_filters_latest_entry_and_range_width() -> None:
    late = _day([*RANGE, ("2026-03-02 15:05", 100.7, 101.6, 100.6, 101.5, 2700.0)])
    assert opening_range_breakout(late, 15) == []  # the last hour: no entry
    wide = _day([("2026-03-02 09:30", 100, 110, 95, 105, 1000.0),
                 ("2026-03-02 09:45", 105, 112, 104, 111, 2000.0)])
    assert opening_range_breakout(wide, 15) == []  # a 15 % range is not an opening range to trade


def test_a_half_day_ends_entries_an_hour_before_its_1300_close() -> None:
    from analytics.levels import SessionHours

    day = datetime(2026, 11, 27).toordinal() - datetime(1970, 1, 1).toordinal()
    hours = SessionHours(np.array([day]), np.array([570]), np.array([780]))
    noon = ("2026-03-02 12:05", 100.7, 101.6, 100.6, 101.5, 2700.0)
    rows = [(t.replace("03-02", "11-27"), *v) for t, *v in [*RANGE, noon]]
    raw = _bars(rows)
    bars = SessionBars.from_bars(
        Bars("SPY", Timeframe.M5, raw.ts, raw.open, raw.high, raw.low, raw.close, raw.volume), hours)
    assert opening_range_breakout(bars, 15) == []  # 12:05 is within the last hour of a 13:00 close
    assert opening_range_breakout(raw, 15) != []  # on a full day's hours the same bar may break


@needs_ibkr
@pytest.mark.parametrize(("symbol", "minutes", "by", "double", "up", "down"), [
    ("SPY", 5, "wick", 66, 12, 8), ("SPY", 15, "wick", 55, 18, 13), ("SPY", 15, "close", 41, 26, 19),
    ("SPY", 30, "wick", 40, 25, 21), ("QQQ", 15, "wick", 45, 23, 18), ("NVDA", 15, "wick", 28, 31, 27)])
def test_session_outcomes_reproduce_the_reference_counts(symbol: str, minutes: int, by: str, double: int,
                                                         up: int, down: int) -> None:
    labels = orb_outcomes(real_session_bars(symbol), minutes, by)
    assert (labels.count("double"), labels.count("up"), labels.count("down"), labels.count("none")) == \
        (double, up, down, 0)


@needs_ibkr
def test_no_look_ahead_on_real_sessions() -> None:
    bars = real_session_bars("SPY")
    full = opening_range_breakout(bars, 15)
    assert len(full) > 50
    assert_no_look_ahead(lambda b: opening_range_breakout(b, 15), bars, full)


def test_hit_rates_are_hidden_below_30_cases_with_a_wilson_interval() -> None:
    assert not HitRate(29, 20).shown and HitRate(30, 20).shown
    low, high = wilson_interval(55, 86)  # SPY 15-min double breaks: 53–73 % in the reference
    assert round(low, 2) == 0.53 and round(high, 2) == 0.73
