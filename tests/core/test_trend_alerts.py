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
                 {"line": [T0, 100.0, T0 + 600, 110.0]})


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


def _kind(condition: str, price: float, params: dict | None = None, repeat: bool = False) -> Alert:
    return Alert(2, "SPY", condition, price, repeat, "active", "chart", "", datetime(2026, 12, 1, tzinfo=UTC), None,
                 params)


def test_vwap_and_key_level_alerts_cross_the_level_as_it_is_then_and_wait_while_it_is_unknown() -> None:
    from data.store.records import LEVEL_CROSS, VWAP_CROSS

    ev = AlertEvaluator()
    ev.set_alerts([_kind(VWAP_CROSS, 600.0), Alert(3, "SPY", LEVEL_CROSS, 600.0, False, "active", "chart", "",
                                                    datetime(2026, 12, 1, tzinfo=UTC), None, {"level": "PDH"})])
    assert ev.on_price("SPY", 600.0, T0) == [] and ev.on_price("SPY", 603.0, T0 + 1) == []  # no levels yet
    ev.set_levels("SPY", {"VWAP": 602.0, "PDH": 605.0})
    assert [a.id for a in ev.on_price("SPY", 601.0, T0 + 2)] == [2]  # 603 → 601 crossed VWAP 602 down
    ev.set_levels("SPY", {"VWAP": 601.5, "PDH": 604.0})  # the next minute's VWAP and a level (not moved by price)
    assert [a.id for a in ev.on_price("SPY", 604.5, T0 + 62)] == [3]  # crossed PDH up


def test_a_percent_move_from_the_prior_close_fires_either_way_and_from_a_reference() -> None:
    from data.store.records import PCT_MOVE

    ev = AlertEvaluator()
    ev.set_alerts([_kind(PCT_MOVE, 2.0), Alert(4, "QQQ", PCT_MOVE, 1.0, False, "active", "chart", "",
                                                datetime(2026, 12, 1, tzinfo=UTC), None, {"reference": 500.0})])
    assert ev.on_price("SPY", 609.0, T0, prev_close=600.0) == []  # +1.5 %
    assert [a.id for a in ev.on_price("SPY", 588.0, T0 + 1, prev_close=600.0)] == [2]  # −2.0 %
    assert ev.on_price("SPY", 580.0, T0 + 2, prev_close=600.0) == []  # fired once
    assert ev.on_price("QQQ", 504.0, T0, prev_close=490.0) == []  # 0.8 % from the reference (not 2.9 % from close)
    assert [a.id for a in ev.on_price("QQQ", 505.0, T0 + 1, prev_close=490.0)] == [4]
    assert ev.on_price("IWM", 200.0, T0, prev_close=None) == []  # no prior close, no reference: waits


def test_the_monitor_s_levels_come_from_the_one_minute_bars() -> None:
    import numpy as np

    from app.core.alert_levels import levels_now
    from data.models import Bars, Timeframe

    day1 = 1_796_135_400  # Tue 2026-12-01 09:30 ET (14:30 UTC); the day before is Mon 2026-11-30
    ts = np.r_[np.arange(day1 - 86400, day1 - 86400 + 390 * 60, 60), np.arange(day1, day1 + 30 * 60, 60)]
    close = np.linspace(600, 610, len(ts))
    bars = Bars("SPY", Timeframe.M1, ts, close, close + 0.5, close - 0.5, close, np.full(len(ts), 1000.0))
    levels = levels_now(bars, datetime.fromtimestamp(int(ts[-1]) + 60, UTC), 15)
    assert {"PDH", "PDL", "PDC", "ORH", "ORL", "VWAP"} <= set(levels)
    first_day = slice(0, 390)
    assert levels["PDH"] == round(float(close[first_day].max() + 0.5), 4)


def test_options_alerts_the_gex_flip_as_a_level_and_thresholds_on_each_refresh() -> None:
    from data.store.records import EM_USED, IV_RANK_BELOW, LEVEL_CROSS

    made = datetime(2026, 12, 1, tzinfo=UTC)
    flip = Alert(5, "SPX", LEVEL_CROSS, 6500.0, False, "active", "chart", "", made, None, {"level": "FLIP"})
    used = Alert(6, "SPX", EM_USED, 80.0, True, "active", "chart", "", made, None)
    low_rank = Alert(7, "SPX", IV_RANK_BELOW, 30.0, False, "active", "chart", "", made, None)
    ev = AlertEvaluator()
    ev.set_alerts([flip, used, low_rank])
    ev.set_levels("SPX", {"FLIP": 6490.0})
    ev.on_price("SPX", 6480.0, T0)
    assert [a.id for a in ev.on_price("SPX", 6495.0, T0 + 1)] == [5]  # up through the flip
    assert ev.on_price("SPX", 6700.0, T0 + 2) == []  # thresholds are not judged on ticks
    assert ev.on_values("SPX", {"EM_USED": 79.0, "IV_RANK": 31.0}) == []
    assert [a.id for a in ev.on_values("SPX", {"EM_USED": 81.0, "IV_RANK": 29.0})] == [6, 7]
    assert ev.on_values("SPX", {"EM_USED": 90.0}) == []  # fired; re-arms only below 76 (5 % away)
    assert ev.on_values("SPX", {"EM_USED": 70.0}) == []
    assert [a.id for a in ev.on_values("SPX", {"EM_USED": 85.0})] == [6]
    assert used.describe(fired=True) == "expected move used reached 80 %"
    assert low_rank.describe() == "IV rank falls to 30 or below"
