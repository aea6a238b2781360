"""Streams live data for the symbols the workspace needs and publishes it on the bus.

Supervised: if the provider stream fails, the supervisor restarts this service, which opens a
new stream and subscribes to the current set again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from app.core.bus import EventBus
from app.core.events import BarUpdated, FeedStateChanged, QuoteUpdated, SymbolsNeededChanged
from app.core.supervisor import ServiceContext
from data.models import Bar, ConnectionState, Quote
from data.providers.base import MarketDataProvider, MarketStream
from data.validation import DropCounter

log = logging.getLogger(__name__)


class MarketDataService:
    name = "market-data"
    stale_after = 15.0

    def __init__(self, provider: MarketDataProvider, bus: EventBus,
                 symbols_needed: Callable[[], set[str]] = set) -> None:
        self._provider = provider
        self._bus = bus
        self._symbols_needed = symbols_needed
        self._wanted: set[str] = set()  # filled from symbols_needed() when it runs
        self._stream: MarketStream | None = None
        self.last_quotes: dict[str, Quote] = {}
        self.feed_state: ConnectionState | None = None  # the stream's latest, for the health line
        self._invalid = DropCounter()  # bad prices stop here: never drawn, stored or evaluated

    @property
    def dropped(self) -> dict[str, int]:
        """Invalid events dropped at ingress, by kind ("quote", "bar")."""
        return dict(self._invalid.counts)

    @property
    def symbols(self) -> set[str]:
        return set(self._wanted)

    def set_symbols(self, symbols: set[str]) -> None:
        """Make the stream carry exactly ``symbols`` (works before and while running)."""
        added, removed = symbols - self._wanted, self._wanted - symbols
        self._wanted = set(symbols)
        for sym in removed:
            self.last_quotes.pop(sym, None)
        if self._stream is not None:
            if removed:
                self._stream.unsubscribe(sorted(removed))
            if added:
                self._stream.subscribe(sorted(added))

    async def run(self, ctx: ServiceContext) -> None:
        stream = self._provider.open_stream()
        self._stream = stream
        self._wanted = self._symbols_needed()
        # the symbols needed change with the watchlist, the active symbol and the alerts
        unsubscribe = [self._bus.subscribe(SymbolsNeededChanged, lambda e: self.set_symbols(set(e.symbols)))]
        try:
            if self._wanted:
                stream.subscribe(sorted(self._wanted))
            pulse = asyncio.create_task(self._pulse(stream, ctx))
            try:
                await self._pump(stream, ctx)
            finally:
                pulse.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pulse
        finally:
            for off in unsubscribe:
                off()
            self._stream = None
            await stream.aclose()

    async def _pulse(self, stream: MarketStream, ctx: ServiceContext) -> None:
        """Running once the stream shows a first sign of life; then a heartbeat while it keeps
        showing them (polls, frames, pings), even when the market is closed and no prices move.
        A hung stream stops the heartbeat and the health watch flags it stale."""
        while not stream.last_activity:
            await asyncio.sleep(0.05)
        ctx.running()
        while True:
            if time.monotonic() - stream.last_activity < self.stale_after / 2:
                ctx.heartbeat()
            await asyncio.sleep(min(2.0, self.stale_after / 4))

    async def _pump(self, stream: MarketStream, ctx: ServiceContext) -> None:
        running = False
        async for event in stream:
            if not running:  # data is flowing: running before anyone sees it (the pulse polls)
                ctx.running()
                running = True
            if not self._invalid.admit(event):
                ctx.detail(self._health_line())
                continue
            if isinstance(event, Quote):
                if event.symbol in self._wanted:
                    self.last_quotes[event.symbol] = event
                    self._bus.publish(QuoteUpdated(event))
            elif isinstance(event, Bar):
                self._bus.publish(BarUpdated(event))
            elif isinstance(event, ConnectionState):
                self.feed_state = event
                self._bus.publish(FeedStateChanged(event.state, event.message))
                ctx.detail(self._health_line())

    def _health_line(self) -> str:
        """The worker health line: the feed's state unless plainly connected (degraded, with how many
        minutes) and the dropped prices."""
        feed = self.feed_state
        shown = feed is not None and feed.state != "connected"
        parts = [f"feed {feed.state}" + (f": {feed.message}" if feed.message else "") if shown else "",
                 self._invalid.summary()]
        return " · ".join(p for p in parts if p)
