"""Gap fill: gap up / down fades, the minimum gap, an already filled gap, the first hour, a half
day's 13:00 close as the prior close, one per session, and no look-ahead on a real file."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analytics.detectors.gap_fill import gap_fill, session_gaps
from analytics.detectors.session_bars import SessionBars
from analytics.levels import SessionHours
from data.models import Bars, Timeframe
from tests.analytics.detector_checks import assert_no_look_ahead, needs_ibkr, real_session_bars

ET = ZoneInfo("America/New_York")

Row = tuple[float, float, float, float, float]  # open, high, low, close, volume
PRIOR: Row = (99.8, 100.1, 99.7, 100.0, 1000.0)  # the prior session's last bar (15:55): close 100
UP = [(101.0, 101.5, 100.9, 101.3, 1000.0),  # a 1 % gap up; the opening bar closes above the open
      (101.3, 101.4, 100.6, 100.8, 2000.0)]  # 09:35 closes below the 101 open: the fade


def _bars(sessions: list[tuple[str, list[Row]]], hours: SessionHours | None = None,
          symbol: str = "SPY") -> SessionBars:
    """Each session: (its first bar's ET start "YYYY-MM-DD HH:MM", consecutive 5-minute bars)."""
    ts, cols = [], []
    for start, rows in sessions:
        first = datetime.fromisoformat(start).replace(tzinfo=ET)
        ts += [int((first + timedelta(minutes=5 * n)).timestamp()) for n in range(len(rows))]
        cols += rows
    o, h, lo, c, v = (np.array(col, float) for col in zip(*cols, strict=True))
    return SessionBars.from_bars(Bars(symbol, Timeframe.M5, np.array(ts), o, h, lo, c, v), hours)


def _mirror(rows: list[Row]) -> list[Row]:
    """Price p → 200 − p (high and low swap): a gap up becomes a gap down."""
    return [(200 - o, 200 - lo, 200 - h, 200 - c, v) for o, h, lo, c, v in rows]


def _two_days(today: list[Row], prior: Row = PRIOR) -> SessionBars:
    return _bars([("2026-03-02 15:55", [prior]), ("2026-03-03 09:30", today)])


def test_a_gap_up_that_fades_is_a_short_toward_the_prior_close() -> None:
    (d,) = gap_fill(_two_days(UP))
    # the midpoint 100.5 is 0.43 R (risk 0.7) beyond the entry: under half the risk, dropped
    assert (d.direction, d.bar_index, d.entry, d.stop, d.targets) == ("short", 2, 100.8, 101.5, (100.0,))
    (wide,) = gap_fill(_two_days(UP), min_target_r=0.4)
    assert wide.targets == (100.5, 100.0)
    assert d.levels == {"prior_close": 100.0, "open": 101.0, "gap_mid": 100.5}
    assert d.time == int(datetime(2026, 3, 3, 9, 40, tzinfo=ET).timestamp())  # the fading bar's close
    assert {p.name for p in d.parts} == {"fade", "volume", "time"} and 0 < d.confidence <= 1
    assert "gapped up 1.00%" in d.evidence


def test_a_gap_down_that_fades_is_a_long() -> None:
    (d,) = gap_fill(_two_days(_mirror(UP), _mirror([PRIOR])[0]))
    assert (d.direction, d.entry, d.stop) == ("long", 99.2, 98.5)
    assert d.targets == pytest.approx((100.0,))


def test_too_small_a_gap_is_no_setup() -> None:
    small = [(100.2, 100.3, 100.15, 100.25, 1000.0), (100.25, 100.28, 100.1, 100.12, 2000.0)]  # a 0.2 % gap
    assert gap_fill(_two_days(small)) == []
    assert len(gap_fill(_two_days(small), min_gap=0.001)) == 1


def test_an_already_filled_gap_and_a_fade_after_the_first_hour_give_nothing() -> None:
    filled = [(101.0, 101.5, 99.9, 101.3, 1000.0), UP[1]]  # the opening bar traded back to 100
    assert gap_fill(_two_days(filled)) == []
    drifting = [UP[0]] * 12 + [UP[1]]  # the first close below the open starts at 10:30
    assert gap_fill(_two_days(drifting)) == []
    assert len(gap_fill(_two_days(drifting), first_minutes=65)) == 1


def test_a_fill_paying_less_than_half_the_risk_is_no_trade() -> None:
    deep = [UP[0], (101.3, 101.4, 100.2, 100.3, 2000.0), UP[1]]  # closes past the midpoint, 1.2 from its stop
    assert gap_fill(_two_days(deep)) == []  # the prior close is 0.25 R away; one per session: bar 3 is not tried
    (d,) = gap_fill(_two_days(deep), min_target_r=0.2)
    assert (d.bar_index, d.targets) == (2, (100.0,))


def test_a_half_day_prior_session_closes_at_1300() -> None:
    day = datetime(2026, 11, 27).toordinal() - datetime(1970, 1, 1).toordinal()
    hours = SessionHours(np.array([day]), np.array([570]), np.array([780]))
    sessions = [("2026-11-27 12:55", [PRIOR]), ("2026-11-30 09:30", UP)]
    (d,) = gap_fill(_bars(sessions, hours))
    assert d.levels["prior_close"] == 100.0 and d.direction == "short"
    assert gap_fill(_bars(sessions)) == []  # on full-day hours a 12:55 bar is not the prior close


@needs_ibkr
def test_at_most_once_per_real_gap_session() -> None:
    bars = real_session_bars("SPY")
    gapped = {int(bars.day[rows[0]]) for rows, prior, opened in session_gaps(bars)
              if abs(opened - prior) / prior >= 0.003}
    found = gap_fill(bars)
    days = [int(bars.day[d.bar_index]) for d in found]
    assert len(gapped) >= 20 and 0 < len(found) <= len(gapped)
    assert len(set(days)) == len(days) and set(days) <= gapped


@needs_ibkr
def test_no_look_ahead_on_real_sessions() -> None:
    bars = real_session_bars("SPY")
    full = gap_fill(bars, min_gap=0.001)
    assert len(full) > 20
    assert_no_look_ahead(lambda b: gap_fill(b, min_gap=0.001), bars, full)
