"""Each detector's measured hit rate on a symbol's stored history, as a detection is shown beside it.

The provider's finest regular-session bars over ``HISTORY`` (45 calendar days, about 30
sessions) run through every detector and ``analytics.setup_outcomes``; the result is kept per
symbol for the market day it was measured on (measured again the next day). Runs on its own
worker thread so a first detection on a new symbol never waits behind live detection.

Supervised service ("hit-rates"): it measures the symbols the stream carries ahead of time,
one at a time, so a detection or a scan rarely waits for its numbers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from analytics.detections import HitRate
from analytics.detectors.registry import run_all
from analytics.setup_outcomes import track_records
from app.core.setups.detection_input import session_window
from app.core.supervisor import AFTER_START_UP_S, ServiceContext
from data.bar_aggregation import regular_session_only
from data.bar_cleaning import clean_bars
from data.market_calendar import MarketCalendar, market_date
from data.providers.base import MarketDataProvider
from data.providers.errors import ProviderError

log = logging.getLogger(__name__)
HISTORY = timedelta(days=45)
WARM_EVERY_S = 30.0
Rates = dict[str, HitRate]


class HitRateBook:
    name = "hit-rates"
    stale_after = 120.0

    def __init__(self, provider: Callable[[], MarketDataProvider], calendar: MarketCalendar,
                 symbols: Callable[[], set[str]] = set, warm_after_s: float = AFTER_START_UP_S) -> None:
        self._warm_after_s = warm_after_s
        self._provider = provider
        self._calendar = calendar
        self._symbols = symbols
        self._rates: dict[str, tuple[date, Rates]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="detector-history")

    def known(self, symbol: str) -> Rates:
        return self._rates.get(symbol, (None, {}))[1]

    async def rates(self, symbol: str) -> Rates:
        """The detectors' records on ``symbol`` (empty when its history cannot be had); a symbol
        being measured already is waited for, not measured twice."""
        async with self._locks.setdefault(symbol, asyncio.Lock()):
            return await self._rates_of(symbol)

    async def _rates_of(self, symbol: str) -> Rates:
        provider = self._provider()
        now = provider.clock.now()
        today = market_date(now)
        held = self._rates.get(symbol)
        if held is not None and held[0] == today:
            return held[1]
        try:
            raw = await provider.get_bars(symbol, provider.finest_timeframe, now - HISTORY, None, extended=False)
        except ProviderError as exc:
            log.info("no history to measure detectors on %s: %s", symbol, str(exc))
            return {}
        bars = regular_session_only(clean_bars(raw)[0])
        loop = asyncio.get_running_loop()
        rates = await loop.run_in_executor(self._pool, self._measure, bars)
        self._rates[symbol] = (today, rates)
        return rates

    async def run(self, ctx: ServiceContext) -> None:
        ctx.running()
        await asyncio.sleep(self._warm_after_s)  # (a pass is ~0.5 s of CPU: after start-up's own work)
        while True:
            today = market_date(self._provider().clock.now())
            for symbol in sorted(self._symbols()):
                if self._rates.get(symbol, (None,))[0] != today:
                    await self.rates(symbol)
                    ctx.heartbeat()
            ctx.heartbeat()
            await asyncio.sleep(WARM_EVERY_S)

    def _measure(self, bars) -> Rates:
        window = session_window(bars, self._calendar, sessions=10_000)
        return {name: record.hit_rate for name, record in track_records(run_all(window), window).items()}

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
