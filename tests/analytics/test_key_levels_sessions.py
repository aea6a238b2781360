"""Key levels by each session's own hours (half days, late opens) and by chart timeframe."""

from __future__ import annotations

from datetime import date, datetime, time

import numpy as np
import pytest

from analytics.chart_overlays import compute_overlays, for_timeframe, key_level_list
from analytics.levels import SessionHours, key_levels, prior_week_levels, week_of
from data.bar_aggregation import et_day_and_minute
from data.market_calendar import ET
from data.models import Bars, Timeframe

HALF_CLOSE = 13 * 60  # 13:00 ET


def _day_number(day: date) -> int:
    return day.toordinal() - date(1970, 1, 1).toordinal()


def _bars(day: date, start: time, end: time, price: float, timeframe: Timeframe = Timeframe.M1) -> Bars:
    step = timeframe.minutes * 60
    first = int(datetime.combine(day, start, ET).timestamp())
    ts = np.arange(first, int(datetime.combine(day, end, ET).timestamp()), step, dtype=np.int64)
    close = np.full(len(ts), price)
    return Bars("NVDA", timeframe, ts, close, close + 0.5, close - 0.5, close, np.full(len(ts), 1000.0))


HALF, NEXT = date(2026, 11, 27), date(2026, 11, 30)


def _half_day_then_monday() -> Bars:
    """Fri Nov 27 2026 regular 09:30-13:00 at 131, after hours 13:00-17:00 at 132; Monday's
    pre-market 08:00 at 134 and its first 30 regular minutes at 133."""
    return _bars(HALF, time(9, 30), time(13, 0), 131.0).concat(
        _bars(HALF, time(13, 0), time(17, 0), 132.0), _bars(NEXT, time(8, 0), time(9, 30), 134.0),
        _bars(NEXT, time(9, 30), time(10, 0), 133.0))


def _hours(*sessions: tuple[date, int, int]) -> SessionHours:
    days, opens, closes = zip(*sessions, strict=True)
    return SessionHours(np.array([_day_number(d) for d in days]), np.array(opens), np.array(closes))


HALF_HOURS = _hours((HALF, 570, HALF_CLOSE), (NEXT, 570, 960))


def test_session_hours_per_bar_default_to_the_regular_session_for_unlisted_days() -> None:
    days = np.array([_day_number(HALF), _day_number(NEXT), _day_number(date(2026, 12, 1))])
    opens, closes = HALF_HOURS.per_bar(days)
    assert opens.tolist() == [570, 570, 570] and closes.tolist() == [780, 960, 960]
    assert SessionHours.regular().per_bar(days)[1].tolist() == [960] * 3


def test_after_a_half_day_the_prior_levels_end_at_its_13_00_close() -> None:
    bars = _half_day_then_monday()
    levels = dict(key_level_list(bars, 15, HALF_HOURS))
    assert levels["PDC"] == 131.0 and levels["PDH"] == 131.5 and levels["PDL"] == 130.5
    assert levels["PMH"] == 134.5 and levels["PML"] == 133.5
    assert levels["P"] == pytest.approx((131.5 + 130.5 + 131.0) / 3)
    wrong = dict(key_level_list(bars, 15))  # 09:30-16:00 for every day: after-hours prints counted
    assert wrong["PDC"] == 132.0 and wrong["PDH"] == 132.5


def test_the_session_vwap_and_opening_range_stop_at_a_half_days_close() -> None:
    bars = _half_day_then_monday()
    day, minute = et_day_and_minute(bars.ts)
    after = (day == _day_number(HALF)) & (minute >= HALF_CLOSE)
    overlays = compute_overlays(bars, 15, None, HALF_HOURS)
    assert np.isnan(overlays.vwap[after]).all() and np.isnan(overlays.or_high[after]).all()
    assert np.isfinite(overlays.vwap[~after & (minute >= 570)]).all()
    assert np.isfinite(compute_overlays(bars, 15).vwap[after & (minute < 960)]).all()  # a fixed 16:00 close


def test_the_pre_market_and_opening_range_start_at_the_sessions_own_open() -> None:
    # a late open at 10:30: 09:30-10:29 is still pre-market, the opening range starts 10:30
    bars = _bars(HALF, time(9, 30), time(16, 0), 100.0).concat(
        _bars(NEXT, time(9, 0), time(10, 30), 105.0), _bars(NEXT, time(10, 30), time(11, 0), 102.0))
    day, minute = et_day_and_minute(bars.ts)
    opens, closes = _hours((HALF, 570, 960), (NEXT, 630, 960)).per_bar(day)
    kl = key_levels(day, minute, bars.high, bars.low, bars.close, bars.volume, 15, opens, closes)
    assert kl.premarket_high == 105.5 and kl.premarket_low == 104.5
    assert kl.or_high == 102.5 and kl.or_low == 101.5 and kl.vwap == pytest.approx(102.0)


def test_a_day_without_a_session_is_never_the_prior_day() -> None:
    # stray prints on a closed day (Thanksgiving) between two sessions
    thu, wed = date(2026, 11, 26), date(2026, 11, 25)
    bars = _bars(wed, time(9, 30), time(16, 0), 100.0).concat(
        _bars(thu, time(10, 0), time(11, 0), 999.0), _bars(HALF, time(9, 30), time(10, 0), 101.0))
    day, minute = et_day_and_minute(bars.ts)
    opens, closes = _hours((wed, 570, 960), (thu, 0, 0), (HALF, 570, HALF_CLOSE)).per_bar(day)
    kl = key_levels(day, minute, bars.high, bars.low, bars.close, bars.volume, 15, opens, closes)
    assert kl.prior_close == 100.0 and kl.prior_high == 100.5


def test_levels_by_timeframe() -> None:
    levels = key_level_list(_half_day_then_monday(), 15, HALF_HOURS)
    labels = [label for label, _v in levels]
    assert labels == ["PDH", "PDL", "PDC", "PMH", "PML", "P", "R1", "S1", "R2", "S2"]
    for tf in (Timeframe.M1, Timeframe.M5, Timeframe.M15, Timeframe.H1):
        assert for_timeframe(levels, tf) == levels
    assert [label for label, _v in for_timeframe(levels, Timeframe.H4)] == [
        "PDH", "PDL", "PDC", "P", "R1", "S1", "R2", "S2"]
    assert for_timeframe(levels, Timeframe.D1) == ()


def _daily(days: list[date], highs: list[float], lows: list[float], closes: list[float]) -> Bars:
    ts = np.array([int(datetime.combine(d, time(0, 0), ET).timestamp()) for d in days], dtype=np.int64)
    return Bars("NVDA", Timeframe.D1, ts, np.array(closes), np.array(highs), np.array(lows), np.array(closes),
                np.full(len(days), 1e6))


def test_a_daily_chart_draws_the_prior_weeks_levels() -> None:
    # week of Nov 16 2026 (Mon-Fri), then Thanksgiving week (Thu closed, Fri half day), then Mon-Tue
    days = [date(2026, 11, d) for d in (16, 17, 18, 19, 20, 23, 24, 25, 27, 30)] + [date(2026, 12, 1)]
    highs = [101, 102, 103, 104, 105, 110, 111, 112, 113, 120, 121]
    lows = [99, 98, 97, 96, 95, 108, 107, 106, 105, 118, 117]
    closes = [100, 101, 102, 103, 104, 109, 110, 111, 112, 119, 120]
    daily = _daily(days, highs, lows, closes)
    overlays = compute_overlays(daily)
    levels = dict(overlays.levels)
    assert list(levels) == ["PWH", "PWL", "PWC", "WP", "WR1", "WS1"]
    assert (levels["PWH"], levels["PWL"], levels["PWC"]) == (113.0, 105.0, 112.0)  # Nov 23-27, half day's close
    assert levels["WP"] == pytest.approx((113 + 105 + 112) / 3)
    assert levels["WR1"] == pytest.approx(2 * levels["WP"] - 105)
    assert levels["WS1"] == pytest.approx(2 * levels["WP"] - 113)
    day = np.array([_day_number(d) for d in days])
    assert week_of(day)[0] == week_of(day)[4] != week_of(day)[5]  # weeks start on Monday
    assert prior_week_levels(day[:5], daily.high[:5], daily.low[:5], daily.close[:5]) is None  # one week only
    assert compute_overlays(daily.slice(0, 3)).levels == ()
