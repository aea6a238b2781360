"""Scan now: every detector over a list of symbols, today's setups ranked by score.

What the Scanner panel's "Scan" button and the coach's ``scan_opportunities`` call. Each symbol's
bars are the market state's when it holds them (the watchlist's), else the provider's finest
regular-session bars over the market state's history; only bars closed by the provider's clock
(a forming bar decides nothing); the same window and detectors as the live runner
(``detection_input``). A scan keeps the latest session's detections, the newest per detector
and direction, stores them (so tracking one links it to its detection) and ranks them by
confidence, each with its detector's hit rate on the symbol (``HitRateBook``, measured ahead of
time for the streamed symbols). A symbol the provider does not know is reported, not fatal.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from analytics.detections import Detection
from analytics.detectors.registry import DetectorInputs
from app.core.market_state import DEFAULT_HISTORY, MarketStateService
from app.core.setups.detection_input import DetectionJob, run_job, session_window, to_record
from app.core.setups.hit_rates import HitRateBook
from app.core.snapshots import OptionsSnapshot
from data.bar_aggregation import regular_session_only
from data.bar_cleaning import clean_bars
from data.market_calendar import MarketCalendar
from data.models import Bars, Timeframe
from data.providers.base import MarketDataProvider
from data.providers.errors import ProviderError
from data.store import setups as repo
from data.store.database import Store
from data.store.records import DetectionRecord

SCAN_HISTORY = DEFAULT_HISTORY  # what the live runner holds: every detector's sessions of context
CONCURRENT_FETCHES = 4


@dataclass(frozen=True, slots=True)
class ScanResult:
    detections: tuple[DetectionRecord, ...]  # best first
    scanned: tuple[str, ...]
    problems: tuple[tuple[str, str], ...]  # (symbol, what went wrong)
    asof: datetime  # the provider's clock when the scan started


class ScannerService:
    def __init__(self, provider: MarketDataProvider, store: Store, calendar: MarketCalendar,
                 market_state: MarketStateService, hit_rates: HitRateBook, *,
                 preferences: Callable[[], dict[str, Any]],
                 latest_options: Callable[[], OptionsSnapshot | None]) -> None:
        self._provider, self._store, self._calendar = provider, store, calendar
        self._market_state, self._hit_rates = market_state, hit_rates
        self._preferences, self._latest_options = preferences, latest_options
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scanner")
        self.last: ScanResult | None = None

    async def scan(self, symbols: list[str] | tuple[str, ...]) -> ScanResult:
        asof = self._provider.clock.now()
        limit = asyncio.Semaphore(CONCURRENT_FETCHES)
        fetched = await asyncio.gather(*(self._bars(s, limit) for s in dict.fromkeys(symbols)))
        problems = tuple((s, problem) for s, bars, problem in fetched if problem)
        now = int(asof.timestamp())
        jobs = [self._job(_closed(bars, now)) for _s, bars, problem in fetched if not problem and len(bars)]
        loop = asyncio.get_running_loop()
        found = await loop.run_in_executor(self._pool, lambda: [_today(run_job(j), j) for j in jobs])
        rates = {s: await self._hit_rates.rates(s) for s in {d.symbol for found_ in found for d in found_}}
        records = [to_record(d, asof, rates[d.symbol].get(d.detector)) for detections in found for d in detections]
        stored = await self._store.run(lambda s: repo.save_detections(s, records, asof)) if records else []
        ranked = tuple(sorted(stored, key=lambda r: (-r.confidence, r.symbol)))
        self.last = ScanResult(ranked, tuple(s for s, _b, p in fetched if not p), problems, asof)
        return self.last

    async def _bars(self, symbol: str, limit: asyncio.Semaphore) -> tuple[str, Bars, str | None]:
        held = self._market_state.bars(symbol, Timeframe.M1)
        if len(held):
            return symbol, held, None
        provider = self._provider
        try:
            async with limit:
                raw = await provider.get_bars(symbol, provider.finest_timeframe, provider.clock.now() - SCAN_HISTORY,
                                              None, extended=False)
        except ProviderError as exc:
            return symbol, Bars.empty(symbol, provider.finest_timeframe), str(exc)
        return symbol, regular_session_only(clean_bars(raw)[0]), None

    def _job(self, bars: Bars) -> DetectionJob:
        options = self._latest_options()
        gex = options.gex if options is not None and options.symbol == bars.symbol else None
        minutes = int(self._preferences().get("opening_range_minutes", 15))
        return DetectionJob(session_window(bars, self._calendar), DetectorInputs(or_minutes=minutes, gex=gex))

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _closed(bars: Bars, now: int) -> Bars:
    """The bars that have closed by ``now`` (UTC seconds): a forming bar decides nothing."""
    ends = bars.ts + bars.timeframe.minutes * 60
    return bars.slice(0, int(np.searchsorted(ends, now, side="right")))


def _today(detections: list[Detection], job: DetectionJob) -> list[Detection]:
    """The latest session's detections, the newest per detector and direction."""
    if not len(job.bars):
        return []
    last_day = job.bars.day[-1]
    newest: dict[tuple[str, str], Detection] = {}
    for d in detections:
        if job.bars.day[d.bar_index] == last_day:
            newest[(d.detector, d.direction)] = d
    return list(newest.values())
