"""Bars and overlays for the chart, prepared off the event loop.

One request = the timeframe's bars (cleaned: sorted, unique, finite; drops counted), the
overlays from ``analytics`` and the 1-minute bars of the still-forming last bar, so live
minute updates rebuild it exactly.

Session hours come from the exchange calendar (``SessionHours`` for the days the bars cover):
key levels, VWAP and the opening range count each day's own regular session, so after a half
day the prior close is the 13:00 close. Without a calendar every day is 09:30–16:00.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from analytics.chart_overlays import ChartOverlays, Levels, compute_overlays, key_level_list
from analytics.levels import SessionHours
from app.core.provider_indicators import AlignedIndicator, provider_indicator, serves
from app.core.snapshots import ChartSnapshot
from data.bar_aggregation import bucket_start, et_day_and_minute
from data.bar_cleaning import clean_bars
from data.market_calendar import ET, REGULAR_OPEN_MINUTE, MarketCalendar, market_date
from data.models import Bar, Bars, Timeframe
from data.providers.base import MarketDataProvider

LEVEL_LOOKBACK = timedelta(days=5)  # enough 1-minute history for prior-day and pre-market levels
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()  # ET day numbers of et_day_and_minute count from here


@dataclass(frozen=True, slots=True)
class _KeptLevels:
    key: tuple[str, str, int, int]  # symbol, timeframe, the clock's session day, OR minutes
    levels: Levels
    settled: bool  # computed after that session's pre-market: nothing more to add until a new one


def session_hours(calendar: MarketCalendar | None, days: np.ndarray) -> SessionHours | None:
    """Each ET day's regular session from ``calendar`` (open == close == 0 on a day without
    one; a day before the calendar's first keeps 09:30–16:00); None without a calendar."""
    if calendar is None:
        return None
    first = calendar.first_day.toordinal() - EPOCH_ORDINAL
    if len(days) and np.all(days[1:] >= days[:-1]):  # sorted (bars are): runs, not a sort
        days = days[np.r_[True, days[1:] != days[:-1]]]
    else:
        days = np.unique(days)
    days = days[days >= first].astype(np.int64)
    hours = [_day_hours(calendar, int(d)) for d in days]
    return SessionHours(days, np.array([h[0] for h in hours], np.int64), np.array([h[1] for h in hours], np.int64))


_DAY_HOURS: dict[tuple[int, int], tuple[int, int]] = {}  # (calendar id, ET day) -> (open, close) minutes


def _day_hours(calendar: MarketCalendar, d: int) -> tuple[int, int]:
    """A day's regular open and close (ET minutes; 0, 0 without a session), kept: every closed
    minute asks for the same days again (the detectors' windows, the chart's levels)."""
    key = (id(calendar), d)
    found = _DAY_HOURS.get(key)
    if found is None:
        if len(_DAY_HOURS) > 100_000:
            _DAY_HOURS.clear()
        day = date.fromordinal(d + EPOCH_ORDINAL)
        if calendar.is_session(day):
            bounds = calendar.session(day)
            found = (_et_minute(bounds.open), _et_minute(bounds.close))
        else:
            found = (0, 0)
        _DAY_HOURS[key] = found
    return found


def current_session_day(calendar: MarketCalendar | None, now: datetime) -> int:
    """The ET day ordinal of the session the key levels apply to at ``now``, as TradingView
    draws them: the clock's date all of a session day (overnight, pre-market, regular, after
    hours), else the next session (on a weekend the levels Monday opens with, so "prior day" is
    the last completed session). From the clock, not the bars: an index has no pre-market bars."""
    day = market_date(now)
    if calendar is not None:
        if not calendar.is_session(day):
            day = calendar.next_session(day).day
    else:
        while day.weekday() >= 5:  # no calendar: weekdays are sessions
            day += timedelta(days=1)
    return day.toordinal() - EPOCH_ORDINAL


def _et_minute(moment: datetime) -> int:
    local = moment.astimezone(ET)
    return local.hour * 60 + local.minute


class ChartDataService:
    def __init__(self, provider: MarketDataProvider, calendar: MarketCalendar | None = None) -> None:
        self._provider = provider
        self._calendar = calendar
        # symbol -> the key levels drawn for its last bar's session: at each bar close the
        # overlays reuse them, and a bar of a new session (or its pre-market) recomputes them
        self._levels: dict[str, _KeptLevels] = {}

    async def load(self, symbol: str, timeframe: Timeframe, or_minutes: int = 15,
                   extended: bool = False) -> ChartSnapshot:
        """``extended``: pre-market and after-hours bars too (intraday timeframes; daily bars are
        the regular session's)."""
        raw = await self._provider.get_bars(symbol, timeframe, extended=extended and timeframe.is_intraday)
        # the forming bar is rebuilt from the same finest bars the key levels come from
        minutes = await self._level_bars(symbol)
        today = self._session_day()
        snap = await asyncio.to_thread(self._prepare, symbol, timeframe, raw, minutes, or_minutes, today)
        if len(snap.bars) and timeframe.is_intraday:
            self._keep(snap.bars, or_minutes, snap.overlays.levels, today)
        return snap

    def serves_indicators(self, timeframe: Timeframe) -> bool:
        """The provider computes its own indicators on ``timeframe`` (``IndicatorsProvider``)."""
        return serves(self._provider, timeframe)

    async def provider_indicator(self, bars: Bars, name: str, windows: tuple[int, ...] = ()) -> AlignedIndicator | None:
        """The provider's own ``name`` (ema, sma, rsi, macd) on ``bars``; None where it has none."""
        return await provider_indicator(self._provider, bars, name, windows)

    async def overlays_for(self, bars: Bars, or_minutes: int = 15) -> ChartOverlays:
        """The overlays at a live bar close. Key levels are those of the bar's session: kept
        while the session lasts (and recomputed while its pre-market forms), recomputed from
        the provider's minutes when a bar of a new session arrives. A daily chart's weekly
        levels come from its own bars."""
        overlays = await asyncio.to_thread(self._overlays, bars, or_minutes)  # one worker hop, not two
        if not len(bars) or not bars.timeframe.is_intraday:
            return overlays
        kept, today = self._levels.get(bars.symbol), self._session_day()
        if kept is not None and kept.settled and kept.key == self._levels_key(bars, or_minutes, today):
            return overlays.with_levels(kept.levels)
        minutes = await self._level_bars(bars.symbol)
        levels = await asyncio.to_thread(self._minute_levels, minutes, or_minutes, bars.timeframe, today)
        self._keep(bars, or_minutes, levels, today)
        return overlays.with_levels(levels)

    def _overlays(self, bars: Bars, or_minutes: int) -> ChartOverlays:
        hours = self._hours(bars.ts) if bars.timeframe.is_intraday else None
        return compute_overlays(bars, or_minutes, None, hours)

    def _session_day(self) -> int:
        return current_session_day(self._calendar, self._provider.clock.now())

    def _keep(self, bars: Bars, or_minutes: int, levels: Levels, today: int) -> None:
        self._levels[bars.symbol] = _KeptLevels(self._levels_key(bars, or_minutes, today), levels,
                                                settled=self._past_open(today))

    def _past_open(self, today: int) -> bool:
        """The clock is past ``today``'s open: its pre-market levels are final."""
        now = self._provider.clock.now()
        day = date.fromordinal(today + EPOCH_ORDINAL)
        if self._calendar is not None and self._calendar.is_session(day):
            return now >= self._calendar.session(day).open
        return market_date(now) == day and _et_minute(now) >= REGULAR_OPEN_MINUTE

    def _minute_levels(self, minutes: Bars, or_minutes: int, timeframe: Timeframe, today: int) -> Levels:
        minutes, _ = clean_bars(minutes)
        return key_level_list(minutes, or_minutes, self._hours(minutes.ts), timeframe, today)

    def _hours(self, ts: np.ndarray) -> SessionHours | None:
        return session_hours(self._calendar, et_day_and_minute(ts)[0]) if len(ts) else None

    async def _level_bars(self, symbol: str) -> Bars:
        # key levels come from the finest bars the provider has (1-minute; a recording of
        # 5-minute bars has nothing finer), extended hours included for the pre-market levels
        now = self._provider.clock.now()
        return await self._provider.get_bars(symbol, self._provider.finest_timeframe, now - LEVEL_LOOKBACK,
                                             None, extended=True)

    @staticmethod
    def _levels_key(bars: Bars, or_minutes: int, today: int) -> tuple[str, str, int, int]:
        return bars.symbol, bars.timeframe.value, today, or_minutes

    def _prepare(self, symbol: str, timeframe: Timeframe, raw: Bars, minutes: Bars, or_minutes: int,
                 today: int) -> ChartSnapshot:
        bars, report = clean_bars(raw)
        minutes, _ = clean_bars(minutes)
        hours = self._hours(np.concatenate([bars.ts, minutes.ts])) if timeframe.is_intraday else None
        overlays = compute_overlays(bars, or_minutes, minutes, hours, today)
        forming: tuple[Bar, ...] = ()
        if len(bars) and len(minutes) and minutes.timeframe.minutes <= timeframe.minutes:
            last = int(bars.ts[-1])
            forming = tuple(
                Bar(symbol, minutes.timeframe, int(minutes.ts[i]), float(minutes.open[i]), float(minutes.high[i]),
                    float(minutes.low[i]), float(minutes.close[i]), float(minutes.volume[i]), closed=True)
                for i in range(len(minutes)) if bucket_start(int(minutes.ts[i]), timeframe) == last)
        return ChartSnapshot(symbol, timeframe, bars, overlays, report.dropped, forming)
