"""Notifications carry market time: the clock of the provider of the moment, not the wall clock.

The Notifications panel stamped events with the wall clock while the chart and the alerts ran
on the demo's simulated clock, so an alert "at 09:38" was logged at 04:40.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.core.bus import EventBus
from app.core.context import EngineConfig
from app.core.engine import Engine
from app.core.notifications import NotificationService
from data.providers.registry import DEMO_CLOCK_FILE
from data.providers.sim_clock import SimClock, save_time
from data.store.database import Store
from tests.fake_today import a_session_after_the_wall_clock

SIMULATED = datetime(2030, 3, 6, 14, 38, tzinfo=UTC)  # a Wednesday 09:38 ET


async def test_a_record_is_stamped_with_the_market_clock(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    clock = SimClock(SIMULATED, 1.0, lambda: 0.0)
    try:
        record = await NotificationService(store, EventBus(), market_clock=lambda: clock).notify("alert", "SPY", "x")
        assert record.created_at == SIMULATED
        before_any_provider = await NotificationService(store, EventBus()).notify("alert", "QQQ", "y")
        assert abs(before_any_provider.created_at - datetime.now(UTC)) < timedelta(minutes=1)
    finally:
        store.close()


async def test_the_engines_notifications_follow_the_demo_clock(tmp_path: Path, calendar) -> None:
    saved = a_session_after_the_wall_clock(calendar)  # later than now, so the demo resumes from it
    save_time(tmp_path / DEMO_CLOCK_FILE, saved)  # where a previous run's demo clock stood
    engine = Engine(EngineConfig(tmp_path))
    await engine.start()
    try:
        record = await engine.service(NotificationService).notify("alert", "SPY crossed 680", "at 680.02")
        assert saved <= record.created_at < saved + timedelta(minutes=1)
        assert [r.created_at for r in await engine.service(NotificationService).recent()] == [record.created_at]
    finally:
        await engine.stop()
