"""Volume climax: both directions, too little volume, an index without volume, one per session
and direction, and no look-ahead on a real SPY file."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analytics.detectors.session_bars import SessionBars
from analytics.detectors.volume_climax import volume_climax
from data.models import Bars, Timeframe
from tests.analytics.detector_checks import assert_no_look_ahead, needs_ibkr, real_session_bars

ET = ZoneInfo("America/New_York")
Row = tuple[float, float, float, float, float]  # open, high, low, close, volume


def _bars(rows: list[Row], start: str = "2026-03-02 09:30", symbol: str = "SPY") -> SessionBars:
    t0 = datetime.fromisoformat(start).replace(tzinfo=ET)
    ts = [int((t0 + timedelta(minutes=5 * i)).timestamp()) for i in range(len(rows))]
    cols = list(zip(*rows, strict=True))
    return SessionBars.from_bars(Bars(symbol, Timeframe.M5, np.array(ts), *(np.array(c) for c in cols)))


def _trend(count: int, sign: float, start: float = 100.0) -> list[Row]:
    """A steady leg: each bar opens at the last close and moves 0.1 in ``sign``'s direction."""
    rows = []
    for t in range(count):
        o = start + sign * 0.1 * t
        c = o + sign * 0.1
        rows.append((o, max(o, c) + 0.1, min(o, c) - 0.1, c, 1000.0))
    return rows


def test_a_high_volume_wide_bar_closing_high_after_a_fall_is_a_long_reversal() -> None:
    leg = _trend(24, -1.0)  # last close 97.6
    bars = _bars([*leg, (97.6, 97.7, 96.2, 97.4, 5000.0)])
    (d,) = volume_climax(bars)
    assert (d.direction, d.bar_index, d.entry) == ("long", 24, 97.4)
    assert 96.1 < d.stop < 96.2 and d.targets == pytest.approx((97.4 + d.risk, 97.4 + 2 * d.risk))
    assert d.time == int(datetime(2026, 3, 2, 11, 35, tzinfo=ET).timestamp())  # the climax bar's close
    assert "5.0x" in d.evidence and {p.name for p in d.parts} == {"volume", "range", "close"}
    assert 0 < d.confidence <= 1


def test_the_mirror_after_a_rise_is_a_short_reversal() -> None:
    leg = _trend(24, 1.0)  # last close 102.4
    bars = _bars([*leg, (102.4, 103.8, 102.3, 102.6, 5000.0)])
    (d,) = volume_climax(bars)
    assert (d.direction, d.entry) == ("short", 102.6) and 103.8 < d.stop < 103.9
    assert d.targets[0] < d.entry and d.targets[1] < d.targets[0]


def test_not_enough_volume_range_or_close_position_is_no_climax() -> None:
    leg = _trend(24, -1.0)
    assert volume_climax(_bars([*leg, (97.6, 97.7, 96.2, 97.4, 2900.0)])) == []  # 2.9x < 3x
    assert volume_climax(_bars([*leg, (97.6, 97.7, 97.3, 97.6, 5000.0)])) == []  # a narrow bar
    assert volume_climax(_bars([*leg, (97.6, 97.7, 96.2, 96.4, 5000.0)])) == []  # closes low: no rejection
    assert volume_climax(_bars([*leg[:18], (98.2, 98.3, 96.8, 98.0, 9000.0)])) == []  # < 20 earlier bars


def test_no_entry_in_the_last_30_minutes() -> None:
    leg = _trend(24, -1.0)
    late = _bars([*leg, (97.6, 97.7, 96.2, 97.4, 5000.0)], start="2026-03-02 13:30")  # climax 15:30–15:35
    assert volume_climax(late) == [] and volume_climax(late, last_entry_before_close=25) != []


def test_an_index_without_volume_has_no_detections() -> None:
    leg = [(*r[:4], 0.0) for r in _trend(24, -1.0)]
    assert volume_climax(_bars([*leg, (97.6, 97.7, 96.2, 97.4, 0.0)], symbol="SPX")) == []


def test_one_per_direction_per_session_and_the_next_session_may_fire_again() -> None:
    leg = _trend(24, -1.0)
    climax = (97.6, 97.7, 96.2, 97.4, 5000.0)
    again = [(97.4, 97.5, 97.2, 97.3, 1000.0), (97.3, 97.4, 95.8, 97.2, 9000.0)]  # a second climax
    day = [*leg, climax, *again]
    assert [d.bar_index for d in volume_climax(_bars(day))] == [24]
    first, later = _bars(day), _bars(day, start="2026-03-03 09:30")
    two_days = SessionBars.from_bars(Bars("SPY", Timeframe.M5, np.r_[first.ts, later.ts],
                                          *(np.r_[getattr(first, a), getattr(later, a)]
                                            for a in ("open", "high", "low", "close", "volume"))))
    assert [(d.direction, d.bar_index) for d in volume_climax(two_days)] == [("long", 24), ("long", 51)]


@needs_ibkr
def test_no_look_ahead_on_real_sessions() -> None:
    bars = real_session_bars("SPY")
    full = volume_climax(bars)
    assert full and len({(bars.day[d.bar_index], d.direction) for d in full}) == len(full)
    assert_no_look_ahead(volume_climax, bars, full)
