"""The IV-recording service: every watched symbol once a day, and again late in the day; the first
sweep after start-up has had the CPU."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from app.core.bus import EventBus
from app.core.health import HealthRegistry
from app.core.iv_history import IvHistoryService
from app.core.option_pricing import load_option_pricing
from app.core.supervisor import AFTER_START_UP_S, ServiceContext
from data.market_calendar import ET
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from data.store import iv_history
from data.store.database import Store


async def test_the_service_records_every_watched_symbol_once_a_day_and_late(tmp_path: Path, calendar) -> None:
    store = Store.open(tmp_path)
    clock = SimClock(datetime(2026, 11, 25, 11, 0, tzinfo=ET), 1.0, lambda: 0.0)
    provider = DemoProvider(calendar, clock=clock, option_pricing=load_option_pricing)
    service = IvHistoryService(provider, store, EventBus(), calendar, lambda: {"SPY", "AAPL"})
    try:
        await service.sweep()
        first = {sym: await store.run(lambda s, sym=sym: iv_history.history(s, sym)) for sym in ("SPY", "AAPL")}
        assert all(len(v) == 1 and 0.05 < v[0][1] < 1.0 for v in first.values())
        await service.sweep()  # same morning: nothing new
        clock.jump_to(datetime(2026, 11, 25, 15, 50, tzinfo=ET))
        await service.sweep()  # after 15:45: the day's value is refreshed near the close
        late = await store.run(lambda s: iv_history.history(s, "SPY"))
        assert len(late) == 1 and late[0][2] > first["SPY"][0][2]
    finally:
        await provider.aclose()
        store.close()


async def test_the_first_sweep_lets_start_up_go_first(tmp_path: Path, calendar) -> None:
    assert AFTER_START_UP_S >= 5.0  # (the start-up a smoke run measures takes 2-3 s)
    store = Store.open(tmp_path)
    clock = SimClock(datetime(2026, 11, 25, 11, 0, tzinfo=ET), 1.0, lambda: 0.0)
    provider = DemoProvider(calendar, clock=clock, option_pricing=load_option_pricing)
    service = IvHistoryService(provider, store, EventBus(), calendar, lambda: {"SPY"}, first_sweep_after_s=0.5)
    task = asyncio.create_task(service.run(ServiceContext(service.name, HealthRegistry())))
    try:
        await asyncio.sleep(0.2)
        assert await store.run(lambda s: iv_history.history(s, "SPY")) == []  # no chain fetched yet
        for _ in range(100):  # then the sweep (bounded: ~10 s at most)
            if await store.run(lambda s: iv_history.history(s, "SPY")):
                break
            await asyncio.sleep(0.1)
        assert len(await store.run(lambda s: iv_history.history(s, "SPY"))) == 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await provider.aclose()
        store.close()
