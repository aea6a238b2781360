"""The chart's key levels from ChartDataService: each session's own calendar hours (a half
day closes at 13:00), the rollover at a new session, and the levels each timeframe draws."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import numpy as np
import pytest

from app.core.chart_data import ChartDataService, session_hours
from data.bar_aggregation import aggregate, et_day_and_minute
from data.market_calendar import ET, MarketCalendar
from data.models import Bars, Timeframe
from data.providers.replay.recording import load_recording
from tests.conftest import shared_path

SYMBOL = "NVDA"


class FakeClock:
    simulated, speed, paused = True, 1.0, False

    def __init__(self, now: datetime) -> None:
        self.moment = now

    def now(self) -> datetime:
        return self.moment


class FakeProvider:
    """Canned bars of the finest timeframe, served as a live provider would at ``clock.now()``:
    only the bars closed by then, aggregated to the timeframe asked; without extended hours
    only each session's regular hours (a half day's ends at 13:00)."""

    name = "fake"

    def __init__(self, finest: Bars, now: datetime, calendar: MarketCalendar) -> None:
        self.finest, self.finest_timeframe = finest, finest.timeframe
        self.clock = FakeClock(now)
        self.calendar = calendar
        self.calls = 0

    async def get_bars(self, symbol: str, timeframe: Timeframe, start: datetime | None = None,
                       end: datetime | None = None, *, extended: bool = False) -> Bars:
        self.calls += 1
        step = self.finest.timeframe.minutes * 60
        mask = self.finest.ts + step <= self.clock.now().timestamp()
        if start is not None:
            mask &= self.finest.ts >= start.timestamp()
        bars = self.finest.take(mask)
        if not extended and len(bars):
            day, minute = et_day_and_minute(bars.ts)
            opens, closes = session_hours(self.calendar, day).per_bar(day)
            bars = bars.take((minute >= opens) & (minute < closes))
        return aggregate(bars, timeframe)


def _minutes(day: date, start: time, end: time, price: float) -> Bars:
    """1-minute bars from ``start`` to ``end`` (exclusive) ET at a flat ``price`` ± 0.5."""
    first = datetime.combine(day, start, ET).timestamp()
    n = int((datetime.combine(day, end, ET).timestamp() - first) // 60)
    ts = (first + 60 * np.arange(n)).astype(np.int64)
    close = np.full(n, price)
    return Bars(SYMBOL, Timeframe.M1, ts, close, close + 0.5, close - 0.5, close, np.full(n, 1000.0))


def _session(day: date, price: float, close: time = time(16, 0), after_price: float | None = None) -> Bars:
    """Pre-market 08:00 at ``price - 1``, the regular session at ``price`` (its last minute at
    ``price + 0.25``), after hours to 17:00 at ``after_price``."""
    pre = _minutes(day, time(8, 0), time(9, 30), price - 1)
    regular = _minutes(day, time(9, 30), close, price)
    last = len(regular) - 1
    closes = regular.close.copy()
    closes[last] += 0.25
    regular = Bars(SYMBOL, Timeframe.M1, regular.ts, regular.open, np.maximum(regular.high, closes),
                   regular.low, closes, regular.volume)
    after = _minutes(day, close, time(17, 0), after_price if after_price is not None else price)
    return pre.concat(regular, after)


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), ET).astimezone(UTC)


D0, D1, D2 = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)  # Mon-Wed, full sessions


def _three_days() -> Bars:
    return _session(D0, 100.0).concat(_session(D1, 110.0), _session(D2, 120.0))


async def test_levels_roll_over_to_the_new_session_at_its_first_bar(calendar) -> None:
    provider = FakeProvider(_three_days(), _at(D1, 12, 0), calendar)
    service = ChartDataService(provider, calendar)
    snap = await service.load(SYMBOL, Timeframe.M5)
    assert dict(snap.overlays.levels)["PDH"] == 100.5 and dict(snap.overlays.levels)["PDC"] == 100.25
    provider.clock.moment = _at(D1, 15, 0)
    day1 = await provider.get_bars(SYMBOL, Timeframe.M5)
    calls = provider.calls
    levels = dict((await service.overlays_for(day1)).levels)
    assert levels["PDH"] == 100.5 and levels["PDL"] == 99.5 and levels["PDC"] == 100.25  # day 0's
    assert levels["PMH"] == 109.5 and provider.calls == calls  # kept: no new fetch within the session
    provider.clock.moment = _at(D2, 9, 35)
    day2 = await provider.get_bars(SYMBOL, Timeframe.M5)
    assert et_day_and_minute(day2.ts[-1:])[0][0] > et_day_and_minute(day1.ts[-1:])[0][0]
    levels = dict((await service.overlays_for(day2)).levels)
    assert levels["PDH"] == 110.5 and levels["PDL"] == 109.5 and levels["PDC"] == 110.25  # now day 1's
    assert levels["PMH"] == 119.5 and levels["PML"] == 118.5
    assert levels["P"] == pytest.approx((110.5 + 109.5 + 110.25) / 3)


async def test_pre_market_levels_follow_the_pre_market_until_the_open(calendar) -> None:
    provider = FakeProvider(_three_days(), _at(D2, 8, 30), calendar)
    service = ChartDataService(provider, calendar)
    await service.load(SYMBOL, Timeframe.M1, extended=True)
    provider.clock.moment = _at(D2, 9, 0)
    bars = await provider.get_bars(SYMBOL, Timeframe.M1, extended=True)
    first = await service.overlays_for(bars)
    assert dict(first.levels)["PDC"] == 110.25 and dict(first.levels)["PMH"] == 119.5
    calls = provider.calls
    await service.overlays_for(bars)
    assert provider.calls == calls + 1  # still in the pre-market: recomputed at every bar
    provider.clock.moment = _at(D2, 9, 31)
    await service.overlays_for(await provider.get_bars(SYMBOL, Timeframe.M1, extended=True))
    provider.clock.moment = _at(D2, 9, 40)
    calls = provider.calls
    await service.overlays_for(await provider.get_bars(SYMBOL, Timeframe.M1, extended=True))
    assert provider.calls == calls + 1  # one fetch for the chart's bars only: the levels are settled


HALF, NEXT = date(2026, 11, 27), date(2026, 11, 30)  # day after Thanksgiving closes 13:00 ET


async def test_after_a_half_day_the_prior_close_is_the_13_00_close(calendar) -> None:
    assert calendar.session(HALF).is_half_day
    finest = _session(HALF, 131.0, close=time(13, 0), after_price=132.0).concat(_session(NEXT, 133.0))
    provider = FakeProvider(finest, _at(NEXT, 10, 0), calendar)
    levels = dict((await ChartDataService(provider, calendar).load(SYMBOL, Timeframe.M5)).overlays.levels)
    assert levels["PDC"] == 131.25 and levels["PDH"] == 131.5 and levels["PDL"] == 130.5
    assert levels["P"] == pytest.approx((131.5 + 130.5 + 131.25) / 3)
    # without the calendar 13:00-15:59 counted as regular: the bug of issue #13
    fixed = dict((await ChartDataService(provider).load(SYMBOL, Timeframe.M5)).overlays.levels)
    assert fixed["PDC"] == 132.0 and fixed["PDH"] == 132.5


async def test_each_timeframe_draws_its_own_levels(calendar) -> None:
    finest = _three_days()
    for day, price in ((date(2026, 11, 16), 90.0), (date(2026, 11, 18), 95.0), (date(2026, 11, 20), 80.0)):
        finest = _session(day, price).concat(finest)  # the week before, out of order on purpose
    finest = finest.take(np.argsort(finest.ts))
    provider = FakeProvider(finest, _at(D2, 11, 0), calendar)
    service = ChartDataService(provider, calendar)
    labels = {tf: [label for label, _v in (await service.load(SYMBOL, tf)).overlays.levels]
              for tf in (Timeframe.M5, Timeframe.H1, Timeframe.H4, Timeframe.D1)}
    intraday = ["PDH", "PDL", "PDC", "PMH", "PML", "P", "R1", "S1", "R2", "S2"]
    assert labels[Timeframe.M5] == labels[Timeframe.H1] == intraday
    assert labels[Timeframe.H4] == ["PDH", "PDL", "PDC", "P", "R1", "S1", "R2", "S2"]
    assert labels[Timeframe.D1] == ["PWH", "PWL", "PWC", "WP", "WR1", "WS1"]
    daily = dict((await service.load(SYMBOL, Timeframe.D1)).overlays.levels)
    assert daily["PWH"] == 95.5 and daily["PWL"] == 79.5 and daily["PWC"] == 80.25  # Nov 16-20, not this week
    h4 = await service.overlays_for(await provider.get_bars(SYMBOL, Timeframe.H4))
    assert "PMH" not in dict(h4.levels) and dict(h4.levels)["PDC"] == 110.25
    d1 = await service.overlays_for(await provider.get_bars(SYMBOL, Timeframe.D1))
    assert d1.levels == tuple((await service.load(SYMBOL, Timeframe.D1)).overlays.levels)


def test_session_hours_come_from_the_calendar(calendar) -> None:
    days = et_day_and_minute(np.array([int(_at(d, 12, 0).timestamp()) for d in (HALF, NEXT, date(2026, 11, 26))]))[0]
    hours = session_hours(calendar, days)
    assert hours.per_bar(days)[0].tolist() == [570, 570, 0] and hours.per_bar(days)[1].tolist() == [780, 960, 0]
    assert session_hours(None, days) is None
    early = et_day_and_minute(np.array([int(_at(date(2004, 6, 1), 12, 0).timestamp())]))[0]
    assert session_hours(calendar, early).per_bar(early)[1].tolist() == [960]  # before the calendar: 16:00


async def test_real_half_day_prior_close_is_the_last_bar_before_13_00(calendar) -> None:
    """NVDA, IBKR 5-minute regular-session bars, 2025-07-03 (a 13:00 half day) then 07-07."""
    path = shared_path("data", "bars_intraday", "ibkr_rth_5min_2025", "NVDA_5min_20250512_20250912.csv")
    real = load_recording(path).bars
    day, minute = et_day_and_minute(real.ts)
    half = int(et_day_and_minute(np.array([int(_at(date(2025, 7, 3), 12, 0).timestamp())]))[0][0])
    rows = np.flatnonzero(day == half)
    assert calendar.session(date(2025, 7, 3)).is_half_day and minute[rows[-1]] == 12 * 60 + 55
    # the file holds the regular session only; add the after-hours prints a live feed has
    # (synthetic, 1.00 above the close) to prove they stay out of the levels
    ts = real.ts[rows[-1]] + 300 * np.arange(1, 48)
    after = Bars(SYMBOL, Timeframe.M5, ts, *(np.full(len(ts), real.close[rows[-1]] + 1.0),) * 4, np.full(len(ts), 1e4))
    finest = real.concat(after)
    finest = finest.take(np.argsort(finest.ts))
    provider = FakeProvider(finest, _at(date(2025, 7, 7), 10, 0), calendar)
    snap = await ChartDataService(provider, calendar).load(SYMBOL, Timeframe.M5)
    levels = dict(snap.overlays.levels)
    assert levels["PDC"] == real.close[rows[-1]] == 159.27  # the 12:55 bar's close
    assert levels["PDH"] == real.high[rows].max() and levels["PDL"] == real.low[rows].min()
    weekly = dict((await ChartDataService(provider, calendar).load(SYMBOL, Timeframe.D1)).overlays.levels)
    week = (day >= half - 3) & (day <= half)  # Mon Jun 30 - Thu Jul 3 (Jul 4 closed)
    assert weekly["PWC"] == 159.27 and weekly["PWH"] == real.high[week].max() and weekly["PWL"] == real.low[week].min()
