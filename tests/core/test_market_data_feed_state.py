"""The stream's connection states reach the bus (status bar) and the worker health line."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from app.core.bus import EventBus
from app.core.events import BarUpdated, FeedStateChanged
from app.core.health import HealthRegistry
from app.core.market_data import MarketDataService
from app.core.supervisor import ServiceContext
from data.market_calendar import MarketCalendar
from data.models import ConnectionState
from data.providers.massive.client import MassiveClient
from data.providers.massive.provider import MassiveProvider
from data.providers.massive.stream import MassiveStream
from tests.core.test_market_data_validation import run_scripted
from tests.data.fault_server import T0, FakeMassive


async def _run(events: list[object]) -> tuple[list[FeedStateChanged], str]:
    bus = EventBus()
    seen: list[FeedStateChanged] = []
    bus.subscribe(FeedStateChanged, seen.append)
    states = sum(isinstance(e, ConnectionState) for e in events)
    service, health = await run_scripted(events, bus, lambda _s: len(seen) == states)
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


@pytest.mark.slow
async def test_through_the_massive_provider_every_minute_reaches_the_bus_once_and_degraded_is_shown() -> None:
    # the whole path: fake Massive → MassiveProvider's merged stream → MarketDataService → bus
    fake = FakeMassive(minutes=16, drop_minutes=frozenset({4, 9}), rest_lag=0.3, storm=(1.2, 2.4))
    expected = {(sym, T0 + 60 * m) for sym in fake.symbols for m in range(fake.minutes)}
    bus = EventBus()
    bars: Counter = Counter()
    states: list[FeedStateChanged] = []
    bus.subscribe(BarUpdated, lambda e: bars.update([(e.bar.symbol, e.bar.ts)]))
    bus.subscribe(FeedStateChanged, states.append)
    async with fake.running():
        scale = fake.minute_s / 60
        client = MassiveClient("fault-key-123456", base_url="https://fake.massive", transport=fake.transport(),
                               backoff=0.5 * scale, rate_limit_backoff=12 * scale)
        provider = _FastStreams(MarketCalendar(), "fault-key-123456", client=client, ws_url=fake.url)
        service = MarketDataService(provider, bus, lambda: set(fake.symbols))
        health = HealthRegistry()
        health.register(service.name, service.stale_after)
        task = asyncio.create_task(service.run(ServiceContext(service.name, health)))
        try:
            for _ in range(300):
                await asyncio.sleep(0.05)
                if expected <= set(bars):
                    break
            await asyncio.sleep(0.5)  # a late double would show up here
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await provider.aclose()
    assert len(expected - set(bars)) == 0 and all(n == 1 for n in bars.values())
    assert any(s.state == "degraded" and "rate-limited" in s.message for s in states)
    assert states[-1].state == "connected"


class _FastStreams(MassiveProvider):
    """The Massive provider with its streams' timeouts shortened for the fast market clock."""

    def stream_for(self, cluster: str) -> MassiveStream:
        return MassiveStream(self._key, cluster=cluster, url=self._ws_url.format(cluster=cluster),
                             backfill=self.backfill_minutes, rate_limited=lambda: self.client.rate_limited,
                             reconnect_initial=0.05, reconnect_max=0.4, healthy_after=0.5, repair_interval=0.1,
                             login_timeout=0.3, silent_timeout=0.4)
