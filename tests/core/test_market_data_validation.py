"""Invalid stream prices stop at the market-data ingress: not published, counted, shown in health."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Callable

from app.core.bus import EventBus
from app.core.events import BarUpdated, QuoteUpdated
from app.core.health import HealthRegistry
from app.core.market_data import MarketDataService
from app.core.supervisor import ServiceContext
from data.models import Bar, ConnectionState, Quote, Timeframe


class ScriptedStream:
    def __init__(self, events: list[object]) -> None:
        self._events = events
        self.last_activity = time.monotonic()

    def subscribe(self, symbols: list[str]) -> None:
        pass

    def unsubscribe(self, symbols: list[str]) -> None:
        pass

    async def __aiter__(self) -> AsyncIterator[object]:
        for event in self._events:
            yield event
        await asyncio.Event().wait()  # then quiet, like a closed market

    async def aclose(self) -> None:
        pass


class ScriptedProvider:
    name = "scripted"

    def __init__(self, events: list[object]) -> None:
        self._events = events

    def open_stream(self) -> ScriptedStream:
        return ScriptedStream(self._events)


async def run_scripted(events: list[object], bus: EventBus, done: Callable[[MarketDataService], bool]
                       ) -> tuple[MarketDataService, HealthRegistry]:
    """Run the market-data service on ``events`` until ``done(service)`` (bounded: 1 s), then stop it."""
    service = MarketDataService(ScriptedProvider(events), bus, lambda: {"SPY"})  # type: ignore[arg-type]
    health = HealthRegistry()
    health.register(service.name, service.stale_after)
    task = asyncio.create_task(service.run(ServiceContext(service.name, health)))
    try:
        for _ in range(100):
            await asyncio.sleep(0.01)
            if done(service):
                break
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return service, health


def _q(last: float, ts: int = 1_790_000_000) -> Quote:
    return Quote("SPY", ts, last, last, last, 600.0, 0.0)


def _bar(o: float, h: float, low: float, c: float, v: float = 10.0) -> Bar:
    return Bar("SPY", Timeframe.M1, 1_790_000_000, o, h, low, c, v, closed=True)


async def test_invalid_quotes_and_bars_are_dropped_counted_and_shown() -> None:
    events = [_q(600.0), _q(math.inf), _q(0.0), _q(-1.0), _q(math.nan), _q(601.0),
              _bar(600, 601, 599, 600.5), _bar(600, 599, 601, 600.5), _bar(600, 601, 599, 600.5, -1),
              ConnectionState("connected")]
    bus = EventBus()
    quotes: list[QuoteUpdated] = []
    bars: list[BarUpdated] = []
    bus.subscribe(QuoteUpdated, quotes.append)
    bus.subscribe(BarUpdated, bars.append)
    service, health = await run_scripted(events, bus, lambda s: s.dropped.get("bar") == 2)
    assert [e.quote.last for e in quotes] == [600.0, 601.0]
    assert len(bars) == 1 and service.last_quotes["SPY"].last == 601.0
    assert service.dropped == {"quote": 4, "bar": 2}
    assert health.get(service.name).detail == "dropped 6 invalid (2 bars, 4 quotes)"
