"""The hit-rate book measures the stream's symbols ahead of time, but only once start-up has had
the CPU (``AFTER_START_UP_S``); until then a symbol asked for is measured on demand."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from app.core.health import HealthRegistry
from app.core.setups.hit_rates import HitRateBook
from app.core.supervisor import AFTER_START_UP_S, ServiceContext
from data.market_calendar import MarketCalendar
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock

MIDDAY = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # Tuesday 12:00 ET


async def test_the_first_warm_pass_waits_for_start_up_and_asking_does_not() -> None:
    assert AFTER_START_UP_S >= 5.0  # (the start-up a smoke run measures takes 2-3 s)
    calendar = MarketCalendar()
    provider = DemoProvider(calendar, clock=SimClock(MIDDAY, 1.0))
    book = HitRateBook(lambda: provider, calendar, symbols=lambda: {"SPY", "QQQ"}, warm_after_s=0.5)
    health = HealthRegistry()
    task = asyncio.create_task(book.run(ServiceContext(book.name, health)))
    try:
        await asyncio.sleep(0.2)
        assert book.known("SPY") == {} and book.known("QQQ") == {}  # nothing measured yet
        assert await book.rates("AAPL")  # on demand: at once
        for _ in range(200):  # then the warm pass (bounded: ~20 s at most)
            if book.known("SPY") and book.known("QQQ"):
                break
            await asyncio.sleep(0.1)
        assert book.known("SPY") and book.known("QQQ")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        book.close()
