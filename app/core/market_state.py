"""Live bars per symbol and timeframe, folded from the stream's bars; publishes ``BarClosed``.

Supervised service. Every ``BarUpdated`` of a symbol the stream carries (``symbols()``) is
folded into a ``data.live_bars.LiveBars`` per tracked timeframe (1m and 5m by default) — the
regular session only, as detectors and the default chart read it.

When a bar is closed, decided on bar times and the market calendar, never the wall clock
(the demo runs at up to 1000x and replay jumps):

* a stream bar of a later bucket arrives: the bar before it is closed (a quiet or missing
  closing minute is caught up this way); or
* the bucket's closing stream bar itself arrives closed: the one ending at the bucket's end,
  or at the session's close when that comes first (half days; a 1h bar starting 15:30; a
  daily bar); or
* nothing came (a quiet closing minute: an illiquid name with no 15:59 print): the provider's
  clock (``provider.clock``, never the wall clock) has passed the last bar's close time. The
  periodic loop checks this against the provider's clock as it read one full heartbeat
  earlier, so a closing minute that the stream is still delivering (a demo tick spans minutes
  at 1000x; a live aggregate lands a moment after its minute) still closes the bar itself,
  with its final numbers.

Each bar is reported once, in time order; stream bars older than the last bar are history and
ignored. Seeding: when a symbol appears (and at start) its regular-session history over
``history`` is loaded from the provider's finest bars; stream bars arriving meanwhile wait and
are folded after it (at most ``MAX_WAITING`` of them, the newest; a fetch that fails with
anything but a ``ProviderError`` drops them and fails the run, and the restarted run fetches
afresh). The loop beats after each symbol's history, so many symbols never look stale. A seeded
last bar whose close time has already passed on the provider's clock counts as reported (it
closed before we watched). ``history=None``: no seeding.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta

from app.core.bus import EventBus
from app.core.events import BarClosed, BarUpdated, SymbolsNeededChanged
from app.core.supervisor import ServiceContext
from app.core.waiting import woken
from data.bar_aggregation import regular_session_only
from data.bar_cleaning import clean_bars
from data.live_bars import BarChange, LiveBars, folds_into
from data.market_calendar import MarketCalendar, SessionState, market_date
from data.models import Bar, Bars, Timeframe
from data.providers.base import MarketDataProvider
from data.providers.errors import ProviderError

log = logging.getLogger(__name__)
DEFAULT_TIMEFRAMES = (Timeframe.M1, Timeframe.M5)
DEFAULT_HISTORY = timedelta(days=16)  # about 11 sessions: the opening drive reads the prior 10 (registry.LIVE_SESSIONS)
HEARTBEAT_S = 2.0
MAX_WAITING = 5_000  # stream bars held per symbol while its history loads (a few per second each)
Key = tuple[str, Timeframe]


class MarketStateService:
    name = "market-state"
    stale_after = 15.0

    def __init__(self, bus: EventBus, calendar: MarketCalendar, provider: MarketDataProvider,
                 symbols: Callable[[], Iterable[str]], timeframes: Iterable[Timeframe] = DEFAULT_TIMEFRAMES,
                 history: timedelta | None = DEFAULT_HISTORY) -> None:
        self._bus = bus
        self._calendar = calendar
        self._provider = provider
        self._symbols = symbols
        self.timeframes = tuple(timeframes)
        self._history = history
        self._tracked: set[str] = set()
        self._series: dict[Key, LiveBars] = {}
        self._reported: dict[Key, int] = {}  # start of the last bar reported closed
        self._seeding: dict[str, deque[Bar]] = {}  # symbol -> stream bars that came while its history loads
        self._session_close: dict[date, int] = {}
        self._wake = asyncio.Event()

    # -- reading -----------------------------------------------------------------------------
    @property
    def symbols(self) -> set[str]:
        return set(self._tracked)

    def bars(self, symbol: str, timeframe: Timeframe) -> Bars:
        """A copy of what is held (empty before the first bar)."""
        series = self._series.get((symbol, timeframe))
        return series.snapshot() if series is not None else Bars.empty(symbol, timeframe)

    # -- running -----------------------------------------------------------------------------
    async def run(self, ctx: ServiceContext) -> None:
        offs = [self._bus.subscribe(BarUpdated, self.on_bar_updated)]
        offs.append(self._bus.subscribe(SymbolsNeededChanged, self._follow_symbols))
        try:
            self._follow_symbols()
            ctx.running()
            seen: float | None = None  # the provider's clock one full heartbeat ago
            while True:
                await self._seed_waiting(ctx)
                ctx.heartbeat()
                if await self._sleep():
                    if seen is not None:
                        self._close_due(seen)
                    seen = self._provider.clock.now().timestamp()
        finally:
            for off in offs:
                off()

    async def _sleep(self) -> bool:
        """Wait a heartbeat or until woken; True when the whole heartbeat passed."""
        was_woken = await woken(self._wake, HEARTBEAT_S)
        self._wake.clear()
        return not was_woken

    def _follow_symbols(self, _event: object = None) -> None:
        wanted = set(self._symbols())
        for symbol in self._tracked - wanted:
            self._seeding.pop(symbol, None)
            for key in [k for k in self._series if k[0] == symbol]:
                del self._series[key]
                self._reported.pop(key, None)
        added = wanted - self._tracked
        self._tracked = wanted
        if added and self._history is not None:
            self._seeding.update({symbol: deque(maxlen=MAX_WAITING) for symbol in added})
            self._wake.set()

    def on_bar_updated(self, event: BarUpdated) -> None:
        bar = event.bar
        if bar.symbol not in self._tracked:
            return
        waiting = self._seeding.get(bar.symbol)
        if waiting is not None:
            waiting.append(bar)
        else:
            self._take(bar)

    # -- folding -----------------------------------------------------------------------------
    def _take(self, bar: Bar) -> None:
        if self._calendar.status(datetime.fromtimestamp(bar.ts, UTC)).state is not SessionState.REGULAR:
            return
        for timeframe in self.timeframes:
            if folds_into(bar.timeframe, timeframe):
                self._fold(bar, timeframe)

    def _fold(self, bar: Bar, timeframe: Timeframe) -> None:
        key = (bar.symbol, timeframe)
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = LiveBars(bar.symbol, timeframe)
        change = series.merge_minute(bar)
        if change in (BarChange.IGNORED, BarChange.REVISED):
            return  # (a late, repaired minute completes an older bar in place: it was reported already)
        if change is BarChange.APPENDED and len(series) > 1:
            self._report(key, series, -2)  # a later bucket began: the bar before it is done
        if bar.closed:
            end = bar.ts + bar.timeframe.minutes * 60
            if end >= self._closes_at(int(series.ts[-1]), timeframe):
                self._report(key, series, -1)  # its closing bar came closed

    def _report(self, key: Key, series: LiveBars, index: int) -> None:
        start = int(series.ts[index])
        if self._reported.get(key, -1) >= start:
            return
        self._reported[key] = start
        self._bus.publish(BarClosed(key[0], key[1], series.bar(index, closed=True)))

    def _close_due(self, now: float) -> None:
        """Report each series' last bar whose close time is at or before ``now`` (the provider's
        clock, UTC seconds) although its closing minute never came closed."""
        for key, series in list(self._series.items()):
            if len(series) and self._closes_at(int(series.ts[-1]), key[1]) <= now:
                self._report(key, series, -1)

    def _closes_at(self, start: int, timeframe: Timeframe) -> int:
        """When the bar starting at ``start`` ends: its bucket's end, or its session's close when
        that comes first (UTC seconds)."""
        day = market_date(datetime.fromtimestamp(start, UTC))
        close = self._session_close.get(day)
        if close is None:
            close = self._session_close[day] = int(self._calendar.close_at(day).timestamp())
        return min(start + timeframe.minutes * 60, close) if timeframe.is_intraday else close

    # -- seeding -----------------------------------------------------------------------------
    async def _seed_waiting(self, ctx: ServiceContext) -> None:
        for symbol in list(self._seeding):
            asof = self._provider.clock.now()
            try:
                minutes = await self._history_of(symbol, asof)
            except Exception:
                if (held := self._seeding.get(symbol)) is not None:
                    held.clear()  # the restarted run fetches afresh, past these
                raise
            ctx.heartbeat()
            waiting = self._seeding.pop(symbol, None)
            if waiting is None:
                continue  # no longer tracked
            if minutes is not None:
                self._load(minutes, asof.timestamp())
            for bar in waiting:
                self._take(bar)

    async def _history_of(self, symbol: str, asof: datetime) -> Bars | None:
        provider = self._provider
        assert self._history is not None
        start = asof - self._history
        try:
            raw = await provider.get_bars(symbol, provider.finest_timeframe, start, None, extended=False)
        except ProviderError as exc:
            log.info("no history for %s (bars start with the stream): %s", symbol, exc)
            return None
        bars, _report = clean_bars(raw)
        return regular_session_only(bars)

    def _load(self, minutes: Bars, asof: float) -> None:
        """Seed from ``minutes`` as the provider served them at ``asof`` (UTC seconds)."""
        for timeframe in self.timeframes:
            if not folds_into(minutes.timeframe, timeframe):
                continue
            key = (minutes.symbol, timeframe)
            series = self._series[key] = LiveBars.from_minutes(minutes, timeframe)
            self._reported.pop(key, None)
            if len(series) > 1:
                self._reported[key] = int(series.ts[-2])  # history: closed before we watched
            if len(series) and self._closes_at(int(series.ts[-1]), timeframe) <= asof:
                self._reported[key] = int(series.ts[-1])
