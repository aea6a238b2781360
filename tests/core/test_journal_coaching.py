"""A live nudge when a bad pattern starts (a third trade within 20 minutes after two losses), said
once, as a notification; insights on demand over the journal's trades."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from app.core.bus import EventBus
from app.core.events import JournalChanged, NotificationPosted
from app.core.health import HealthRegistry
from app.core.journal.coaching import JournalCoaching
from app.core.journal.imports import JournalService
from app.core.notifications import NotificationService
from app.core.scheduler import MarketScheduler
from app.core.supervisor import Supervisor
from data.market_calendar import MarketCalendar
from data.store import executions
from data.store.database import Store
from data.store.records import Execution

T0 = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 10:00 ET


def _fill(i: int, minutes: float, side: str, price: float) -> Execution:
    return Execution("test", "", f"e{i}", T0 + timedelta(minutes=minutes), "AAPL", side, 100.0, price)


async def test_two_losses_then_a_quick_third_trade_is_nudged_once(tmp_path) -> None:
    store = await asyncio.to_thread(Store.open, tmp_path)
    bus, now = EventBus(), lambda: T0 + timedelta(minutes=30)
    fills = [_fill(1, 0, "buy", 270), _fill(2, 5, "sell", 268), _fill(3, 8, "buy", 269), _fill(4, 12, "sell", 267),
             _fill(5, 20, "buy", 268)]  # two losers, then a third trade 8 minutes later
    await store.run(lambda s: executions.add(s, fills))
    journal = JournalService(store, bus, now=now)
    notes: list[NotificationPosted] = []
    bus.subscribe(NotificationPosted, notes.append)
    scheduler = MarketScheduler(bus, MarketCalendar(), lambda: SimpleNamespace(now=now, speed=1.0))
    coaching = JournalCoaching(scheduler, journal, bus, NotificationService(store, bus), now)
    supervisor = Supervisor(HealthRegistry())
    supervisor.start(coaching)
    try:
        while supervisor.health.get("journal-coaching").state.value != "running":
            await asyncio.sleep(0.01)
        for _ in range(2):  # the same pattern twice: said once
            bus.publish(JournalChanged())
            for _ in range(100):
                await asyncio.sleep(0.01)
                if notes:
                    break
        await asyncio.sleep(0.1)
        assert len(notes) == 1 and notes[0].record.kind == "journal"
        found = await coaching.insights(7)
        assert all(i.message for i in found)
    finally:
        await supervisor.stop()
        await asyncio.to_thread(store.close)
