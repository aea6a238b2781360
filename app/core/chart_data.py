"""Bars and overlays for the chart, prepared off the event loop.

One request = the timeframe's bars (cleaned: sorted, unique, finite; drops counted), the
overlays from ``analytics`` and the 1-minute bars of the still-forming last bar, so live
minute updates rebuild it exactly.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import numpy as np

from analytics.chart_overlays import ChartOverlays, compute_overlays, key_level_list
from app.core.snapshots import ChartSnapshot
from data.bar_aggregation import bucket_start, et_day_and_minute
from data.bar_cleaning import clean_bars
from data.market_calendar import REGULAR_OPEN_MINUTE
from data.models import Bar, Bars, Timeframe
from data.providers.base import MarketDataProvider

LEVEL_LOOKBACK = timedelta(days=5)  # enough 1-minute history for prior-day and pre-market levels


class ChartDataService:
    def __init__(self, provider: MarketDataProvider) -> None:
        self._provider = provider
        # (symbol, ET day of the last bar, OR minutes) -> the key levels drawn for it: at each bar
        # close the overlays reuse them, and a bar of a new session recomputes them
        self._levels: dict[str, tuple[tuple[str, int, int], tuple[tuple[str, float], ...]]] = {}

    async def load(self, symbol: str, timeframe: Timeframe, or_minutes: int = 15,
                   extended: bool = False) -> ChartSnapshot:
        """``extended``: pre-market and after-hours bars too (intraday timeframes; daily bars are
        the regular session's)."""
        raw = await self._provider.get_bars(symbol, timeframe, extended=extended and timeframe.is_intraday)
        # the forming bar is rebuilt from the same finest bars the key levels come from
        minutes = await self._level_bars(symbol)
        snap = await asyncio.to_thread(self._prepare, symbol, timeframe, raw, minutes, or_minutes)
        if len(snap.bars):
            self._levels[symbol] = (self._levels_key(snap.bars, or_minutes), snap.overlays.levels)
        return snap

    async def overlays_for(self, bars: Bars, or_minutes: int = 15) -> ChartOverlays:
        """The overlays at a live bar close. Key levels are those of the bar's session: kept
        while the session lasts (and recomputed while its pre-market forms), recomputed from
        the provider's minutes when a bar of a new session arrives."""
        overlays = await asyncio.to_thread(compute_overlays, bars, or_minutes, None)
        if not len(bars):
            return overlays
        key = self._levels_key(bars, or_minutes)
        kept = self._levels.get(bars.symbol)
        if kept is not None and kept[0] == key and not self._in_premarket(int(bars.ts[-1])):
            return overlays.with_levels(kept[1])
        minutes = await self._level_bars(bars.symbol)
        levels = await asyncio.to_thread(lambda: key_level_list(clean_bars(minutes)[0], or_minutes))
        self._levels[bars.symbol] = (key, levels)
        return overlays.with_levels(levels)

    async def _level_bars(self, symbol: str) -> Bars:
        # key levels come from the finest bars the provider has (1-minute; a recording of
        # 5-minute bars has nothing finer), extended hours included for the pre-market levels
        now = self._provider.clock.now()
        return await self._provider.get_bars(symbol, self._provider.finest_timeframe, now - LEVEL_LOOKBACK,
                                             None, extended=True)

    @staticmethod
    def _levels_key(bars: Bars, or_minutes: int) -> tuple[str, int, int]:
        day, _minute = et_day_and_minute(bars.ts[-1:])
        return bars.symbol, int(day[0]), or_minutes

    @staticmethod
    def _in_premarket(ts: int) -> bool:
        _day, minute = et_day_and_minute(np.array([ts]))
        return bool(minute[0] < REGULAR_OPEN_MINUTE)

    @staticmethod
    def _prepare(symbol: str, timeframe: Timeframe, raw: Bars, minutes: Bars, or_minutes: int) -> ChartSnapshot:
        bars, report = clean_bars(raw)
        minutes, _ = clean_bars(minutes)
        overlays = compute_overlays(bars, or_minutes, minutes)
        forming: tuple[Bar, ...] = ()
        if len(bars) and len(minutes) and minutes.timeframe.minutes <= timeframe.minutes:
            last = int(bars.ts[-1])
            forming = tuple(
                Bar(symbol, minutes.timeframe, int(minutes.ts[i]), float(minutes.open[i]), float(minutes.high[i]),
                    float(minutes.low[i]), float(minutes.close[i]), float(minutes.volume[i]), closed=True)
                for i in range(len(minutes)) if bucket_start(int(minutes.ts[i]), timeframe) == last)
        return ChartSnapshot(symbol, timeframe, bars, overlays, report.dropped, forming)

