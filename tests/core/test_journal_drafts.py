"""The journal from the app itself: a closed position is a trade, the trader's notes stick to it, and
the day's setups, alerts and position events become drafts once, confirmed or dismissed."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from analytics.positions import stock_leg
from app.core.alerts import AlertsService
from app.core.bus import EventBus
from app.core.journal.drafts import JournalDrafts
from app.core.journal.imports import JournalService
from app.core.notifications import NotificationService
from app.core.positions.service import PositionsService
from app.core.scheduler import MarketScheduler
from app.core.setups.tracker import SetupTrackerService
from data.market_calendar import MarketCalendar
from data.store import alerts as alert_repo
from data.store import setups as setup_repo
from data.store.database import Store
from data.store.journal import JournalError

DAY = date(2026, 11, 24)
NOW = [datetime(2026, 11, 24, 16, 0, tzinfo=UTC)]  # 11:00 ET


async def test_positions_become_trades_notes_stick_and_the_day_is_drafted_once(tmp_path) -> None:
    store = await asyncio.to_thread(Store.open, tmp_path)
    bus, calendar, now = EventBus(), MarketCalendar(), lambda: NOW[0]
    alerts = AlertsService(store, bus, now)
    positions = PositionsService(store, bus, alerts, now)
    tracker = SetupTrackerService(store, bus, calendar, NotificationService(store, bus), now)
    journal = JournalService(store, bus, positions=lambda: positions.positions, now=now)
    scheduler = MarketScheduler(bus, calendar, lambda: SimpleNamespace(now=now, speed=1.0))
    drafts = JournalDrafts(scheduler, journal, store, calendar, tracker, alerts, positions, now)
    try:
        p = await positions.open("AAPL", (stock_leg("AAPL", 100, 270.0, fees=1.0),), strategy="shares")
        NOW[0] += timedelta(hours=1)
        await positions.close_position(p.id, prices={"AAPL": 272.5})
        (trade,) = await journal.trades()
        assert trade.symbol == "AAPL" and trade.closed_at is not None and trade.net_pnl == pytest.approx(249.0)
        await journal.annotate(trade.id, setup="opening drive", tags=("a+",), rating=4, planned_stop=269.0)
        (trade,) = await journal.trades()
        assert (trade.setup, trade.tags, trade.rating) == ("opening drive", ("a+",), 4)
        assert trade.r_multiple == pytest.approx(249.0 / 100.0)  # risk: (270 − 269) × 100 shares
        with pytest.raises(JournalError, match="1 to 5"):
            await journal.annotate(trade.id, rating=9)

        setup = await tracker.track("SPY", "long", 600.0, 598.0, (604.0,), reference=599.0, source="chart")
        await store.run(lambda s: setup_repo.move(s, setup.id, "active", "triggered", 600.1, NOW[0], "entry reached"))
        await tracker.refresh()
        alert = await alerts.create("QQQ", "crosses", 500.0)
        await store.run(lambda s: alert_repo.record_trigger(s, alert.id, 500.2, NOW[0]))
        await alerts.refresh()
        made = await drafts.draft_day(DAY)
        sources = sorted(d.source for d in await journal.drafts())
        assert made == 4 and sources == ["alert", "position", "position", "setup"]
        assert await drafts.draft_day(DAY) == 0  # once a day, source and record
        first = (await journal.drafts())[0]
        await journal.dismiss(first.id)
        assert first.id not in {d.id for d in await journal.drafts()}
        assert setup.id  # tracked, triggered and drafted
    finally:
        await asyncio.to_thread(store.close)
