"""Bars and overlays for the chart, prepared off the event loop.

One request = the timeframe's bars (cleaned: sorted, unique, finite; drops counted), the
overlays from ``analytics`` and the 1-minute bars of the still-forming last bar, so live
minute updates rebuild it exactly.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from analytics.chart_overlays import ChartOverlays, compute_overlays
from app.core.snapshots import ChartSnapshot
from data.bar_aggregation import bucket_start
from data.bar_cleaning import clean_bars
from data.models import Bar, Bars, Timeframe
from data.providers.base import MarketDataProvider

LEVEL_LOOKBACK = timedelta(days=5)  # enough 1-minute history for prior-day and pre-market levels


class ChartDataService:
    def __init__(self, provider: MarketDataProvider) -> None:
        self._provider = provider

    async def load(self, symbol: str, timeframe: Timeframe, or_minutes: int = 15,
                   extended: bool = False) -> ChartSnapshot:
        """``extended``: pre-market and after-hours bars too (intraday timeframes; daily bars are
        the regular session's)."""
        now = self._provider.clock.now()
        raw = await self._provider.get_bars(symbol, timeframe, extended=extended and timeframe.is_intraday)
        # key levels and the forming bar come from the finest bars the provider has (1-minute;
        # a recording of 5-minute bars has nothing finer)
        minutes = await self._provider.get_bars(symbol, self._provider.finest_timeframe, now - LEVEL_LOOKBACK,
                                                None, extended=True)
        return await asyncio.to_thread(self._prepare, symbol, timeframe, raw, minutes, or_minutes)

    async def overlays_for(self, bars: Bars, level_bars: Bars | None, or_minutes: int = 15) -> ChartOverlays:
        return await asyncio.to_thread(compute_overlays, bars, or_minutes, level_bars)

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

