"""Break and retest: the acceptance cases of wave2-references.md § 1.2 (ATR 1.00, level 100.00,
short side), an opening-range break computed from the bars, one per level, direction and
session, the last hour, and no look-ahead on real sessions."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analytics.detectors.break_and_retest import break_and_retest
from analytics.detectors.session_bars import SessionBars
from data.models import Bars, Timeframe
from tests.analytics.detector_checks import assert_no_look_ahead, needs_ibkr, real_session_bars

ET = ZoneInfo("America/New_York")
Row = tuple[str, float, float, float, float, float]  # ET start, open, high, low, close, volume
DAY = "2026-03-03"


def _bars(rows: list[Row], symbol: str = "SPY") -> SessionBars:
    ts = [int(datetime.fromisoformat(t).replace(tzinfo=ET).timestamp()) for t, *_ in rows]
    cols = list(zip(*[r[1:] for r in rows], strict=True))
    return SessionBars.from_bars(Bars(symbol, Timeframe.M5, np.array(ts), *(np.array(c) for c in cols)))


def _at(minute: int) -> str:
    return f"{DAY} {minute // 60:02d}:{minute % 60:02d}"


def _day(iso: str) -> int:
    return datetime.fromisoformat(iso).toordinal() - datetime(1970, 1, 1).toordinal()


LEVEL = {_day(DAY): {"s1": 100.0}}
# 15 bars with a true range of exactly 1.00 above the level (the low touches it, no close under)
LEAD = [(100.5, 101.0, 100.0, 100.5, 1000.0)] * 15
BREAK = (100.5, 100.6, 99.7, 99.8, 2000.0)  # closes 0.20 ATR under 100
RETEST = (99.8, 99.95, 99.75, 99.9, 1000.0)  # high 0.05 under the level, closes under it
REJECT = (99.9, 99.92, 99.5, 99.6, 1000.0)  # closes under the retest bar's low


def _session(*bars: tuple[float, float, float, float, float], start: int = 570) -> SessionBars:
    return _bars([(_at(start + 5 * k), *b) for k, b in enumerate([*LEAD, *bars])])


def test_break_retest_and_rejection_is_a_short_with_the_stop_beyond_the_retest() -> None:
    (d,) = break_and_retest(_session(BREAK, RETEST, REJECT), levels=LEVEL)
    assert (d.direction, d.bar_index, d.entry, d.levels) == ("short", 17, 99.6, {"s1": 100.0})
    assert d.stop == pytest.approx(100.3)  # the level (above the 99.95 retest high) + 0.3 ATR
    assert d.targets == pytest.approx((98.9, 98.2))  # no other level ahead: 1R and 2R
    assert d.time == int(datetime(2026, 3, 3, 11, 0, tzinfo=ET).timestamp())  # the 10:55 bar's close
    assert {p.name for p in d.parts} == {"break", "retest", "volume", "time"} and 0 < d.confidence <= 1
    assert sum(p.weight for p in d.parts) == pytest.approx(1.0)
    assert d.evidence == ("SPY broke below the S1 pivot 100.00 on the 10:45 bar, came back to 99.95 on the 10:50 bar "
                          "and closed 99.60, below the retest bar's low.")


def test_no_signal_without_a_break_a_clean_retest_or_in_time() -> None:
    weak_break = (100.5, 100.6, 99.85, 99.9, 2000.0)  # 0.10 ATR: no break
    assert break_and_retest(_session(weak_break, RETEST, REJECT), levels=LEVEL) == []
    deep = (99.8, 100.35, 99.75, 99.9, 1000.0)  # 0.35 ATR back through the level: invalidated
    assert break_and_retest(_session(BREAK, deep, REJECT), levels=LEVEL) == []
    away = (99.6, 99.65, 99.4, 99.5, 1000.0)  # stays 0.35 under: no retest
    assert break_and_retest(_session(BREAK, *[away] * 8, RETEST, REJECT), levels=LEVEL) == []  # retest on bar 9
    assert len(break_and_retest(_session(BREAK, *[away] * 7, RETEST, REJECT), levels=LEVEL)) == 1  # on bar 8
    back_above = (99.9, 100.2, 99.8, 100.1, 1000.0)  # closes back over 100 before the rejection
    assert break_and_retest(_session(BREAK, RETEST, back_above, REJECT), levels=LEVEL) == []
    idle = (99.85, 99.95, 99.8, 99.9, 1000.0)  # no close under the retest low within 4 bars
    assert break_and_retest(_session(BREAK, RETEST, *[idle] * 4, REJECT), levels=LEVEL) == []


def test_one_per_level_direction_and_session_and_none_in_the_last_hour() -> None:
    again = [(99.6, 100.3, 99.5, 100.2, 1000.0), (100.2, 100.4, 100.1, 100.3, 1000.0)]  # back above
    twice = break_and_retest(_session(BREAK, RETEST, REJECT, *again, BREAK, RETEST, REJECT), levels=LEVEL)
    assert [(d.direction, d.bar_index) for d in twice] == [("short", 17)]
    # the rejection bar is the 18th: starting at 14:55 it ends at 15:00, the last entry minute
    assert len(break_and_retest(_session(BREAK, RETEST, REJECT, start=14 * 60 + 55 - 85), levels=LEVEL)) == 1
    assert break_and_retest(_session(BREAK, RETEST, REJECT, start=15 * 60 - 85), levels=LEVEL) == []


def test_an_opening_range_break_computed_from_the_bars_is_a_long() -> None:
    rows = [(f"{DAY} 09:30", 100.5, 101.0, 100.0, 100.6, 1000.0),
            (f"{DAY} 09:35", 100.6, 100.9, 100.2, 100.4, 800.0),
            (f"{DAY} 09:40", 100.4, 100.8, 100.1, 100.7, 900.0),  # the 15-minute range 100.0-101.0
            (f"{DAY} 09:45", 100.7, 101.35, 100.6, 101.3, 2700.0),  # closes 0.30 above it
            (f"{DAY} 09:50", 101.3, 101.4, 101.03, 101.2, 900.0),  # back to within 0.0505 of 101.0
            (f"{DAY} 09:55", 101.2, 101.6, 101.15, 101.5, 900.0)]  # closes above the retest high
    (d,) = break_and_retest(_bars(rows))
    assert (d.direction, d.bar_index, d.entry, d.levels) == ("long", 5, 101.5, {"or_high": 101.0})
    assert d.stop == pytest.approx(101.0 - 0.0505)  # no ATR yet: 0.05 % of the level
    assert d.targets == pytest.approx((101.5 + 0.5505, 101.5 + 2 * 0.5505))


@needs_ibkr
@pytest.mark.parametrize("symbol", ["SPY", "AAPL"])
def test_real_sessions_plans_and_no_look_ahead(symbol: str) -> None:
    bars = real_session_bars(symbol)
    full = break_and_retest(bars)
    keys = [(int(bars.day[d.bar_index]), next(iter(d.levels)), d.direction) for d in full]
    assert len(full) > 50 and len(set(keys)) == len(keys)
    for d in full:
        sign = 1 if d.direction == "long" else -1
        assert sign * (d.entry - d.stop) > 0 and all(sign * (t - d.entry) > 0 for t in d.targets)
        assert 0 <= d.confidence <= 1 and bars.regular[d.bar_index]
        assert bars.minute[d.bar_index] + 5 <= bars.close_minute[d.bar_index] - 60
    assert_no_look_ahead(break_and_retest, bars, full)
