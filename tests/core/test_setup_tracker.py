"""The setup tracker: lifecycle on quotes, stored once with price and time, notified, restart-safe."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.core.bus import EventBus
from app.core.events import NotificationPosted, QuoteUpdated, SetupTransitioned
from app.core.health import HealthRegistry
from app.core.notifications import NotificationService
from app.core.setups.notices import notice_symbol
from app.core.setups.tracker import SetupTrackerService
from app.core.supervisor import Supervisor
from data.market_calendar import MarketCalendar
from data.models import Quote
from data.store import setups as repo
from data.store.database import Store
from data.symbols import SymbolError

OPEN = datetime(2026, 11, 30, 14, 30, tzinfo=UTC)  # Monday 09:30 ET
TS = int(OPEN.timestamp())


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


async def _tracker(tmp_path: Path, clock: Clock):
    store = await asyncio.to_thread(Store.open, tmp_path)
    bus = EventBus()
    tracker = SetupTrackerService(store, bus, MarketCalendar(), NotificationService(store, bus), clock)
    await tracker.prepare()
    supervisor = Supervisor(HealthRegistry())
    supervisor.start(tracker)
    while supervisor.health.get("setup-tracker").state.value != "running":
        await asyncio.sleep(0.01)
    return store, bus, tracker, supervisor


def _quote(price: float, ts: int, symbol: str = "SPY") -> QuoteUpdated:
    return QuoteUpdated(Quote(symbol, ts, price, price - 0.01, price + 0.01, price, 0.0))


async def _settle(tracker: SetupTrackerService) -> None:
    for _ in range(100):
        await asyncio.sleep(0.01)
        if not tracker.pending:
            await asyncio.sleep(0.05)
            return


async def test_quotes_move_a_setup_through_its_lifecycle_once_each_and_notify(tmp_path: Path) -> None:
    clock = Clock(OPEN + timedelta(minutes=5))
    store, bus, tracker, supervisor = await _tracker(tmp_path, clock)
    moves: list[SetupTransitioned] = []
    notes: list[NotificationPosted] = []
    bus.subscribe(SetupTransitioned, moves.append)
    bus.subscribe(NotificationPosted, notes.append)
    try:
        setup = await tracker.track("SPY", "long", 600.0, 598.0, (604.0,), reference=599.0, source="chart")
        assert setup.session_day == date(2026, 11, 30) and "SPY" in tracker.live_symbols()
        for i, price in enumerate((599.5, 600.0, 600.2, 603.9, 604.1, 604.5, 597.0)):
            bus.publish(_quote(price, TS + 400 + i))
        await _settle(tracker)
        assert [(m.previous, m.setup.status) for m in moves] == [("active", "triggered"), ("triggered", "target_hit")]
        events = (await store.run(lambda s: repo.get_setup(s, setup.id))).events
        assert [(e.status, e.price, e.at) for e in events[1:]] == [
            ("triggered", 600.0, datetime.fromtimestamp(TS + 401, UTC)),
            ("target_hit", 604.1, datetime.fromtimestamp(TS + 404, UTC))]
        assert [notice_symbol(n.record) for n in notes] == ["SPY", "SPY"]
        assert "target hit" in notes[-1].record.title and "Target 604.00 reached" in notes[-1].record.message
        assert tracker.live_symbols() == set()
    finally:
        await supervisor.stop()
        store.close()


async def test_a_restart_neither_loses_nor_repeats_a_transition(tmp_path: Path) -> None:
    clock = Clock(OPEN + timedelta(minutes=5))
    store, bus, tracker, supervisor = await _tracker(tmp_path, clock)
    setup = await tracker.track("SPY", "short", 600.0, 602.0, (596.0, 594.0), reference=601.0, source="chart")
    bus.publish(_quote(599.9, TS + 400))
    await _settle(tracker)
    await supervisor.stop()
    store.close()
    store, bus, tracker, supervisor = await _tracker(tmp_path, clock)  # a new process reads what was stored
    try:
        assert tracker.setups[0].status == "triggered"
        bus.publish(_quote(599.9, TS + 400))  # the same quote again: already triggered, nothing new
        bus.publish(_quote(602.5, TS + 460))
        await _settle(tracker)
        events = (await store.run(lambda s: repo.get_setup(s, setup.id))).events
        assert [e.status for e in events] == ["active", "triggered", "stopped"]
    finally:
        await supervisor.stop()
        store.close()


async def test_an_untriggered_setup_is_invalidated_when_its_session_closes(tmp_path: Path) -> None:
    clock = Clock(OPEN + timedelta(hours=6))  # 15:30 ET
    store, _bus, tracker, supervisor = await _tracker(tmp_path, clock)
    try:
        waiting = await tracker.track("SPY", "long", 610.0, 605.0, (620.0,), reference=600.0, source="chart")
        clock.at = OPEN + timedelta(hours=6, minutes=31)  # 16:01 ET
        for _ in range(300):
            await asyncio.sleep(0.01)
            if tracker.setups[0].status != "active":
                break
        stored = await store.run(lambda s: repo.get_setup(s, waiting.id))
        assert stored.status == "invalidated" and stored.events[-1].reason == "the session ended before entry"
        after_close = await tracker.track("SPY", "long", 610.0, 605.0, (620.0,), reference=600.0, source="chart")
        assert after_close.session_day == date(2026, 12, 1)  # made after the close: waits for tomorrow
    finally:
        await supervisor.stop()
        store.close()


async def test_bad_plans_get_a_message_and_nothing_is_stored(tmp_path: Path) -> None:
    store, _bus, tracker, supervisor = await _tracker(tmp_path, Clock(OPEN))
    try:
        with pytest.raises(repo.SetupError, match="stop must be below its entry"):
            await tracker.track("SPY", "long", 600.0, 601.0, (604.0,), reference=600.0, source="chart")
        with pytest.raises(repo.SetupError, match="already through the stop"):  # failed before it was tracked
            await tracker.track("SPY", "long", 600.0, 598.0, (604.0,), reference=597.0, source="scanner",
                                detection_id=1)
        with pytest.raises(SymbolError):
            await tracker.track("NOT A SYMBOL!", "long", 600.0, 598.0, (604.0,), reference=600.0, source="chart")
        assert tracker.setups == ()
    finally:
        await supervisor.stop()
        store.close()


async def test_archive_reopen_note_and_delete(tmp_path: Path) -> None:
    store, _bus, tracker, supervisor = await _tracker(tmp_path, Clock(OPEN))
    try:
        setup = await tracker.track("QQQ", "long", 500.0, 498.0, (504.0,), reference=499.0, source="scanner")
        archived = await tracker.archive(setup.id)
        assert archived.status == "archived" and "QQQ" not in tracker.live_symbols()
        with pytest.raises(repo.SetupError, match="archived already"):
            await tracker.archive(setup.id)
        reopened = await tracker.reopen(setup.id)
        assert reopened.status == "active" and "QQQ" in tracker.live_symbols()
        with pytest.raises(repo.SetupError, match="still being watched"):
            await tracker.reopen(setup.id)
        noted = await tracker.add_note(setup.id, "wait for the 5-minute close")
        assert noted.notes == "wait for the 5-minute close"
        assert [e.status for e in noted.events] == ["active", "archived", "active", "noted"]
        await tracker.delete(setup.id)
        assert tracker.setups == () and tracker.live_symbols() == set()
    finally:
        await supervisor.stop()
        store.close()
