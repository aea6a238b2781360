"""Trend-line alerts: the level is the line's value at each tick's time (extended both ways), so a
price that stays flat fires when a rising line reaches it; a repeating one re-arms once price is
away from the line where it is then."""

from __future__ import annotations

from datetime import UTC, datetime

from app.core.alerts import AlertEvaluator
from data.store.records import TREND, Alert

T0 = 1_764_600_000.0  # the line's first point


def _alert(repeat: bool = False) -> Alert:
    # rising 1.00 per minute from 100 at T0
    return Alert(1, "SPY", TREND, 100.0, repeat, "active", "drawing", "", datetime(2026, 12, 1, tzinfo=UTC), None,
                 (T0, 100.0, T0 + 600, 110.0))


def test_level_is_the_line_at_the_tick_time_extended_both_ways() -> None:
    alert = _alert()
    assert alert.level_at(T0 + 300) == 105.0
    assert alert.level_at(T0 + 1200) == 120.0  # past the second point
    assert alert.level_at(T0 - 60) == 99.0
    assert alert.level_at(None) == 100.0


def test_a_rising_line_reaching_a_flat_price_fires_once() -> None:
    ev = AlertEvaluator()
    ev.set_alerts([_alert()])
    assert ev.on_price("SPY", 104.5, T0) == []  # above the line (100)
    assert ev.on_price("SPY", 104.5, T0 + 240) == []  # line 104: still above
    assert [a.id for a in ev.on_price("SPY", 104.5, T0 + 300)] == [1]  # line 105: crossed without price moving
    assert ev.on_price("SPY", 104.0, T0 + 360) == []  # disarmed


def test_a_repeating_trend_alert_re_arms_away_from_the_line_where_it_is_then() -> None:
    ev = AlertEvaluator()
    ev.set_alerts([_alert(repeat=True)])
    ev.on_price("SPY", 99.0, T0)
    assert ev.on_price("SPY", 101.0, T0 + 30) != []  # line 100.5: crossed up
    assert ev.on_price("SPY", 110.0, T0 + 60) == []  # far above the line (101): re-armed
    assert ev.on_price("SPY", 101.0, T0 + 90) != []  # line 101.5: crossed down
