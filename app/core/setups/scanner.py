"""Scan now: every detector over a list of symbols, today's setups ranked by score.

What the Scanner panel's "Scan" button and the coach's ``scan_opportunities`` call. Each symbol's
bars are the market state's when it holds them (the watchlist's), else the provider's finest
regular-session bars over the market state's history; only bars closed by the provider's clock
(a forming bar decides nothing), in the regular session only (outside it nothing intraday is in
play, and the result says why); the same window and detectors as the live runner
(``detection_input``). A scan keeps the latest session's detections still in play (neither target
nor stop reached since: a played-out setup is not an opportunity), the newest per detector and
direction, stores them (so tracking one links it to its detection) and ranks them by
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
from analytics.setup_outcomes import STOP, TARGET, outcome
from app.core.market_state import DEFAULT_HISTORY, MarketStateService
from app.core.setups.detection_input import DetectionJob, run_job, session_window, to_record
from app.core.setups.hit_rates import HitRateBook
from app.core.snapshots import OptionsSnapshot
from data.bar_aggregation import et_day_and_minute, regular_session_only
from data.bar_cleaning import clean_bars
from data.market_calendar import MarketCalendar, market_date
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
    note: str = ""  # why nothing can be in play (the market is closed), for the panel


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
        if note := self._closed_note(asof):
            self.last = ScanResult((), tuple(dict.fromkeys(symbols)), (), asof, note)
            return self.last
        limit = asyncio.Semaphore(CONCURRENT_FETCHES)
        fetched = await asyncio.gather(*(self._bars(s, limit) for s in dict.fromkeys(symbols)))
        problems = tuple((s, problem) for s, bars, problem in fetched if problem)
        now = int(asof.timestamp())
        jobs = [self._job(_closed(bars, now)) for _s, bars, problem in fetched if not problem and len(bars)]
        loop = asyncio.get_running_loop()
        today = int(et_day_and_minute(np.array([now]))[0][0])
        found = await loop.run_in_executor(self._pool, lambda: [_in_play(run_job(j), j, today) for j in jobs])
        rates = {s: await self._hit_rates.rates(s) for s in {d.symbol for found_ in found for d in found_}}
        records = [to_record(d, asof, rates[d.symbol].get(d.detector)) for detections in found for d in detections]
        stored = await self._store.run(lambda s: repo.save_detections(s, records, asof)) if records else []
        ranked = tuple(sorted(stored, key=lambda r: (-r.confidence, r.symbol)))
        self.last = ScanResult(ranked, tuple(s for s, _b, p in fetched if not p), problems, asof)
        return self.last

    def _closed_note(self, asof: datetime) -> str:
        """Why no setup can be in play now ("" in the regular session): intraday setups live
        inside the session that made them."""
        day = market_date(asof)
        if not self._calendar.is_session(day):
            return f"The market is closed today ({self._calendar.closed_reason(day)}): setups are found in the session."
        session = self._calendar.session(day)
        if asof < session.open:
            return "The session has not opened yet: setups are found once its first bars close."
        if asof >= session.close:
            return "Today's session is over: its setups were closed at the bell."
        return ""

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


def _in_play(detections: list[Detection], job: DetectionJob, today: int) -> list[Detection]:
    """Today's detections (``today``: the ET day, as ``SessionBars.day``) still in play — neither
    the first target nor the stop reached by the bars since (``analytics.setup_outcomes``) — the
    newest per detector and direction."""
    newest: dict[tuple[str, str], Detection] = {}
    for d in detections:
        if job.bars.day[d.bar_index] == today and not _played_out(d, job):
            newest[(d.detector, d.direction)] = d
    return list(newest.values())


def _played_out(detection: Detection, job: DetectionJob) -> bool:
    so_far = outcome(detection, job.bars)
    return so_far is not None and so_far.result in (TARGET, STOP)
