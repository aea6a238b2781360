"""Alerts on the options analytics in a running engine (demo market): an expected-move-used alert is
judged on the options refresh of the active symbol and fires through the same trigger history and
notification as a price alert; the GEX flip and walls reach the evaluator as levels."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.core.alerts import AlertMonitorService, AlertsService
from app.core.engine import Engine, EngineConfig
from app.core.notifications import NotificationService
from data.store.records import EM_USED


async def _until(condition, timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


async def test_an_expected_move_used_alert_fires_on_an_options_refresh(tmp_path: Path) -> None:
    engine = Engine(EngineConfig(tmp_path, speed=10))
    await engine.start()
    try:
        alerts = engine.service(AlertsService)
        made = await alerts.create("SPY", EM_USED, 0.01, notes="any move used")  # SPY: the active symbol
        await _until(lambda: any(a.id == made.id and a.status == "triggered" for a in alerts.alerts))
        monitor = engine.service(AlertMonitorService)
        levels = monitor.evaluator._levels.get("SPY", {})
        assert {"FLIP", "CALL_WALL", "PUT_WALL"} & set(levels)  # the snapshot's GEX levels arrived
        notes = await engine.service(NotificationService).recent(20)
        assert any("expected move used reached 0.01 %" in n.title for n in notes)
    finally:
        await engine.stop()
