"""Health on a monotonic clock; error text stored or shown goes through the log's redaction."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from app.core.bus import EventBus
from app.core.engine import Engine
from app.core.events import ErrorReported
from app.core.health import HealthRegistry, ServiceState
from app.core.logging_setup import redact, register_secret
from app.core.notifications import NotificationService
from app.core.supervisor import BackoffPolicy, ServiceContext, Supervisor
from data.store import notifications as notification_log
from data.store.database import Store

SECRET = "mk_live_7c6b5a4d3e2f1a0b"


def test_staleness_ignores_wall_clock_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    mono, wall = [100.0], [1_790_000_000.0]
    monkeypatch.setattr(time, "time", lambda: wall[0])  # a stepped PC clock must not matter
    health = HealthRegistry(clock=lambda: mono[0], wall_clock=lambda: wall[0])
    health.register("feed", stale_after=10)
    ServiceContext("feed", health).running()
    wall[0] -= 3600  # clock set back an hour: a hung service is still flagged after 10 s
    mono[0] += 11
    assert health.mark_stale() == ["feed"]
    ServiceContext("feed", health).heartbeat()
    assert health.get("feed").state is ServiceState.RUNNING
    wall[0] += 7200  # clock jumps ahead: a healthy one is not flagged
    mono[0] += 1
    assert health.mark_stale() == [] and health.summary() == "ok"


def test_default_clock_is_monotonic_and_wall_time_is_for_display() -> None:
    health = HealthRegistry()
    health.register("feed", stale_after=10)
    ServiceContext("feed", health).running()
    h = health.get("feed")
    assert abs(h.started_at - time.monotonic()) < 1.0
    assert abs(health.wall_time(h.last_heartbeat) - time.time()) < 1.0 and health.wall_time(None) is None


def test_detail_is_kept_without_notifying() -> None:
    changes: list[str] = []
    health = HealthRegistry(on_change=changes.append)
    health.register("feed", stale_after=10)
    changes.clear()
    ServiceContext("feed", health).detail("dropped 1 invalid (1 quote)")
    assert health.get("feed").detail == "dropped 1 invalid (1 quote)" and changes == []


def test_redact_masks_registered_secrets_and_key_values() -> None:
    register_secret(SECRET)
    assert redact(f"bad key {SECRET}") == "bad key ***"
    assert redact("GET /v2?apiKey=abcdef123456&x=1") == "GET /v2?apiKey=***&x=1"


async def test_service_failure_text_is_redacted_in_health() -> None:
    register_secret(SECRET)

    class Leaky:
        name, stale_after = "leaky", 10.0

        async def run(self, ctx: ServiceContext) -> None:
            raise RuntimeError(f"401 for key {SECRET}")

    supervisor = Supervisor(HealthRegistry(), BackoffPolicy(initial=0.01, max_restarts=0))
    supervisor.start(Leaky())
    await asyncio.sleep(0.1)
    error = supervisor.health.get("leaky").last_error
    assert error is not None and SECRET not in error and "401 for key ***" in error
    await supervisor.stop()


async def test_stored_notification_and_error_text_is_redacted(tmp_path: Path) -> None:
    register_secret(SECRET)
    store = Store.open(tmp_path)
    try:
        service = NotificationService(store, EventBus())
        await service.notify_error(ErrorReported("provider", f"HTTPError: 403 https://x/v2?apiKey={SECRET}"))
        await service.notify("health", f"token={SECRET}", f"Service failed: {SECRET}")
        stored = await store.run(lambda s: notification_log.recent(s, 10))
        text = " ".join(f"{r.title} {r.message}" for r in stored)
        assert len(stored) == 2 and SECRET not in text and "apiKey=***" in text
    finally:
        store.close()


def test_reported_errors_are_redacted_before_they_are_published() -> None:
    register_secret(SECRET)
    engine = Engine.__new__(Engine)  # only report_error and its bus are exercised
    engine.bus = EventBus()
    seen: list[ErrorReported] = []
    engine.bus.subscribe(ErrorReported, seen.append)
    engine.report_error("loop", f"ValueError: key {SECRET}")
    assert [e.message for e in seen] == ["ValueError: key ***"]
