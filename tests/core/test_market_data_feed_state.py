"""The stream's connection states reach the bus (status bar) and the worker health line."""

from __future__ import annotations

import asyncio

from app.core.bus import EventBus
from app.core.events import FeedStateChanged
from app.core.health import HealthRegistry
from app.core.market_data import MarketDataService
from app.core.supervisor import ServiceContext
from data.models import ConnectionState
from tests.core.test_market_data_validation import ScriptedProvider


async def _run(events: list[object]) -> tuple[list[FeedStateChanged], str]:
    bus = EventBus()
    seen: list[FeedStateChanged] = []
    bus.subscribe(FeedStateChanged, seen.append)
    service = MarketDataService(ScriptedProvider(events), bus, lambda: {"SPY"})  # type: ignore[arg-type]
    health = HealthRegistry()
    health.register(service.name, service.stale_after)
    task = asyncio.create_task(service.run(ServiceContext(service.name, health)))
    try:
        for _ in range(100):
            await asyncio.sleep(0.01)
            if len(seen) == sum(isinstance(e, ConnectionState) for e in events):
                break
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return seen, health.get(service.name).detail


async def test_degraded_with_its_count_is_published_and_shown_in_health() -> None:
    seen, detail = await _run([ConnectionState("connected"),
                               ConnectionState("backfilling", "fetching 8 missed minutes"),
                               ConnectionState("degraded", "rate-limited by Massive; 8 missed minutes pending")])
    assert [(e.state, e.message) for e in seen][1:] == [
        ("backfilling", "fetching 8 missed minutes"), ("degraded", "rate-limited by Massive; 8 missed minutes pending")]
    assert detail == "feed degraded: rate-limited by Massive; 8 missed minutes pending"


async def test_back_to_connected_clears_the_health_line() -> None:
    _seen, detail = await _run([ConnectionState("degraded", "2 missed minutes pending"), ConnectionState("connected")])
    assert detail == ""
