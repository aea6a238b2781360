"""Every detector on every closed minute of the watchlist and the active symbol.

Supervised service ("detectors"). ``BarClosed`` of a 1-minute bar — of the stream's finest bar
in general: a 5-minute recording replays 5-minute bars, and the detectors' rules are in minutes
of the clock, so they run the same on it — queues its symbol (the market state reports
regular-session bars only, so nothing runs while the market is closed); the
loop takes every queued symbol at once, snapshots its bars (the last two sessions, on the
calendar's hours), and runs the registry's detectors on its own worker thread, deciding only
the bars not looked at yet (``DetectorInputs.decide_from``). A detection is **fresh** when it was
decided on a bar that closed after the symbol's previous run; at the first look only the newest
closed bar is news (the seeded history before it is not), so the session's first closed minute
counts. Fresh detections are de-duplicated (the same symbol, detector and direction within
``DEDUPE_S`` of market time is one setup), stored with the detector's hit rate on the symbol's
history, published (``SetupDetected``) and, with the ``auto_track_setups`` preference, the best
one per symbol at or above ``auto_track_min_confidence`` and paying at least ``AUTO_TRACK_MIN_RR``
to its first target becomes a tracked setup — at most one per symbol per ``AUTO_TRACK_EVERY`` of
market time — and is notified.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from analytics.detections import Detection
from app.core.bus import EventBus
from app.core.events import BarClosed, SetupDetected
from app.core.market_state import MarketStateService
from app.core.notifications import NotificationService
from app.core.setups.detection_input import LiveInput, LiveResult, live_run, to_record
from app.core.setups.hit_rates import HitRateBook
from app.core.setups.notices import detection_notice
from app.core.setups.tracker import SetupTrackerService
from app.core.snapshots import OptionsSnapshot
from app.core.supervisor import ServiceContext
from app.core.waiting import woken
from data.market_calendar import MarketCalendar
from data.models import Timeframe
from data.store import setups as repo
from data.store.database import Store
from data.store.records import DetectionRecord

log = logging.getLogger(__name__)
HEARTBEAT_S = 5.0
DEDUPE_S = 15 * 60
AUTO_TRACK_EVERY = timedelta(minutes=5)
AUTO_TRACK_MIN_RR = 1.0  # a plan whose first target pays less than its risk is not tracked by itself
FEED_SIZE = 500
VOLUME_PROXY = {"SPX": "SPY", "NDX": "QQQ"}  # indices have no volume: the ETF's stands in


class DetectorRunnerService:
    name = "detectors"
    stale_after = 30.0

    def __init__(self, bus: EventBus, store: Store, calendar: MarketCalendar, market_state: MarketStateService,
                 tracker: SetupTrackerService, hit_rates: HitRateBook, notifications: NotificationService, *,
                 symbols: Callable[[], set[str]], preferences: Callable[[], dict[str, Any]],
                 latest_options: Callable[[], OptionsSnapshot | None], now: Callable[[], datetime],
                 timeframe: Timeframe = Timeframe.M1) -> None:
        self._bus, self._store, self._calendar = bus, store, calendar
        self._market_state, self._tracker, self._hit_rates = market_state, tracker, hit_rates
        self._notifications = notifications
        self._symbols, self._preferences, self._latest_options, self._now = symbols, preferences, latest_options, now
        self.feed: deque[DetectionRecord] = deque(maxlen=FEED_SIZE)  # newest first: the scanner's live feed
        self._seen_until: dict[str, int] = {}  # symbol -> close of the last bar already looked at
        self._last_fired: dict[tuple[str, str, str], int] = {}
        self._pending: dict[str, int] = {}  # symbol -> start of its newest closed bar
        self._wake = asyncio.Event()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="detectors")
        self.timeframe = timeframe  # the stream's finest bars (a 5-minute recording replays 5-minute bars)
        self.runs = 0

    async def prepare(self) -> None:
        since = self._now() - timedelta(days=1)
        self.feed.extend(await self._store.run(lambda s: repo.recent_detections(s, since=since, limit=FEED_SIZE)))

    async def detections_for(self, symbol: str, since: datetime, limit: int = 2000) -> list[DetectionRecord]:
        """``symbol``'s stored detections decided at or after ``since`` (the chart's markers), newest first."""
        return await self._store.run(lambda s: repo.recent_detections(s, since=since, symbol=symbol, limit=limit))

    # -- running ---------------------------------------------------------------------------
    async def run(self, ctx: ServiceContext) -> None:
        off = self._bus.subscribe(BarClosed, self.on_bar_closed)
        try:
            ctx.running()
            while True:
                ctx.heartbeat()
                await woken(self._wake, HEARTBEAT_S)
                self._wake.clear()
                if self._pending:
                    pending, self._pending = self._pending, {}
                    await self.detect(sorted(pending), pending)
        finally:
            off()

    def on_bar_closed(self, event: BarClosed) -> None:
        if event.timeframe is self.timeframe and event.symbol in self._symbols():
            self._pending[event.symbol] = max(event.bar.ts, self._pending.get(event.symbol, 0))
            self._wake.set()

    async def detect(self, symbols: list[str], closed: dict[str, int] | None = None) -> list[DetectionRecord]:
        """Run every detector for ``symbols`` on what the market state holds, up to each one's
        newest closed bar (``closed``: symbol -> its start; the forming bar after it is never
        read); the fresh detections. Only copies are made here: the windows and the detectors run
        on the pool."""
        items = {s: item for s in symbols if (item := self._input(s, (closed or {}).get(s))) is not None}
        loop, calendar = asyncio.get_running_loop(), self._calendar
        found = await loop.run_in_executor(self._pool, lambda: {s: live_run(i, calendar) for s, i in items.items()})
        fresh: list[DetectionRecord] = []
        for symbol, result in found.items():
            fresh.extend(await self._take(symbol, result))
        self.runs += 1
        return fresh

    def _input(self, symbol: str, last_closed: int | None) -> LiveInput | None:
        held = self._market_state.bars(symbol, self.timeframe)
        if last_closed is not None:
            held = held.slice(0, int(np.searchsorted(held.ts, last_closed, side="right")))
        if not len(held):
            return None
        proxy_symbol = VOLUME_PROXY.get(symbol)
        proxy = self._market_state.bars(proxy_symbol, self.timeframe) if proxy_symbol else None
        options = self._latest_options()
        gex = options.gex if options is not None and options.symbol == symbol else None
        minutes = int(self._preferences().get("opening_range_minutes", 15))
        return LiveInput(held, proxy if proxy is not None and len(proxy) else None, gex, minutes,
                         self._seen_until.get(symbol))

    # -- what is new -----------------------------------------------------------------------
    async def _take(self, symbol: str, result: LiveResult) -> list[DetectionRecord]:
        self._seen_until[symbol] = result.last_close
        fresh = [d for d in result.detections if d.time > result.news_after and self._not_repeated(d)]
        if not fresh:
            return []
        rates = await self._hit_rates.rates(symbol)
        now = self._now()
        records = [to_record(d, now, rates.get(d.detector)) for d in fresh]
        stored = await self._store.run(lambda s: repo.save_detections(s, records, now))
        for record in stored:
            self.feed.appendleft(record)
        tracked = await self._auto_track(stored)
        for record in stored:
            self._bus.publish(SetupDetected(record, record.id == tracked))
        return stored

    def _not_repeated(self, detection: Detection) -> bool:
        key = (detection.symbol, detection.detector, detection.direction)
        last = self._last_fired.get(key)
        if last is not None and detection.time - last < DEDUPE_S:
            return False
        self._last_fired[key] = detection.time
        return True

    async def _auto_track(self, stored: list[DetectionRecord]) -> int | None:
        """Track the best of ``stored`` when the preference allows; its id (None: none tracked)."""
        prefs = self._preferences()
        floor = int(prefs.get("auto_track_min_confidence", 60)) / 100
        candidates = [r for r in stored if r.confidence >= floor and _reward_to_risk(r) >= AUTO_TRACK_MIN_RR]
        if not prefs.get("auto_track_setups", True) or not candidates:
            return None
        best = max(candidates, key=lambda r: r.confidence)
        recent = [s.created_at for s in self._tracker.setups if s.symbol == best.symbol and s.source == "auto"]
        if recent and self._now() - max(recent) < AUTO_TRACK_EVERY:
            return None
        try:
            setup = await self._tracker.track(best.symbol, best.direction, best.entry, best.stop, best.targets,
                                              reference=best.entry, source="auto", detector=best.detector,
                                              detection_id=best.id)
        except repo.SetupError as exc:
            log.warning("detection #%s not tracked: %s", best.id, str(exc))
            return None
        title, message, key = detection_notice(best, setup.id)
        cooldown = float(prefs.get("notification_cooldown_s", 60))
        await self._notifications.notify("setup", title, message, key=key, cooldown_s=cooldown)
        return best.id

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _reward_to_risk(record: DetectionRecord) -> float:
    risk = abs(record.entry - record.stop)
    return abs(record.targets[0] - record.entry) / risk if record.targets and risk > 0 else 0.0
