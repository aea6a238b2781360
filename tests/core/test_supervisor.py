import asyncio
import logging

from app.core.health import HealthRegistry, ServiceState
from app.core.supervisor import BackoffPolicy, ServiceContext, Supervisor

FAST = BackoffPolicy(initial=0.01, maximum=0.05, stable_after=60)


class Flaky:
    name = "flaky"
    stale_after = 5.0

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.starts = 0

    async def run(self, ctx: ServiceContext) -> None:
        self.starts += 1
        ctx.running()
        if self.starts <= self.failures:
            raise ConnectionError(f"lost connection #{self.starts}")
        while True:
            ctx.heartbeat()
            await asyncio.sleep(0.01)


async def _wait_for(predicate, timeout: float = 2.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        assert loop.time() < end, "condition not reached in time"
        await asyncio.sleep(0.005)


async def test_a_failing_service_is_restarted_with_backoff_and_reported() -> None:
    changes: list[str] = []
    health = HealthRegistry(on_change=changes.append)
    sup = Supervisor(health, FAST)
    svc = Flaky(failures=3)
    sup.start(svc)
    await _wait_for(lambda: svc.starts == 4 and health.get("flaky").state is ServiceState.RUNNING)
    h = health.get("flaky")
    assert h.restarts == 3 and "lost connection #3" in h.last_error and h.last_heartbeat is not None
    assert await sup.stop(timeout=1) == []
    assert health.get("flaky").state is ServiceState.STOPPED


async def test_gives_up_after_max_restarts() -> None:
    health = HealthRegistry()
    sup = Supervisor(health, BackoffPolicy(initial=0.001, maximum=0.001, max_restarts=2))
    svc = Flaky(failures=100)
    sup.start(svc)
    await _wait_for(lambda: health.get("flaky").state is ServiceState.FAILED)
    assert svc.starts == 3 and health.summary() == "failing"
    await sup.stop()


async def test_an_abandoned_supervisor_lets_a_failing_service_end_quietly(caplog) -> None:
    """The engine closed without a loop (the display went away): a service failing meanwhile is not
    restarted and leaves no error (nor traceback) in the log."""
    caplog.set_level(logging.INFO, logger="app.core.supervisor")
    health = HealthRegistry()
    sup = Supervisor(health, FAST)
    sup.abandon()
    svc = Flaky(failures=100)
    sup.start(svc)
    await _wait_for(lambda: sup._tasks["flaky"].done())
    assert svc.starts == 1 and not [r for r in caplog.records if r.levelname == "ERROR"]
    assert "ended after the engine closed: lost connection #1" in caplog.text
    await sup.stop()


def test_backoff_grows_and_is_capped() -> None:
    policy = BackoffPolicy(initial=1, maximum=30)
    delays = [policy.delay(a) for a in range(8)]
    assert 0.8 <= delays[0] <= 1.2 and 24 <= delays[-1] <= 36
    assert all(d <= 36 for d in delays)


async def test_stop_reports_services_that_ignore_cancellation() -> None:
    class Stubborn:
        name = "stubborn"
        stale_after = 5.0

        async def run(self, ctx: ServiceContext) -> None:
            ctx.running()
            while True:
                try:
                    await asyncio.sleep(10)
                except asyncio.CancelledError:
                    await asyncio.sleep(0.3)  # cleanup that takes longer than allowed
                    raise

    sup = Supervisor(HealthRegistry(), FAST)
    sup.start(Stubborn())
    await asyncio.sleep(0.01)
    assert await sup.stop(timeout=0.05) == ["stubborn"]
    await asyncio.sleep(0.35)


def test_staleness_and_summary() -> None:
    now = [1000.0]
    health = HealthRegistry(clock=lambda: now[0])
    health.register("feed", stale_after=10)
    health.update("feed", state=ServiceState.RUNNING)
    health.heartbeat("feed")
    assert health.summary() == "ok"
    now[0] += 11
    assert health.mark_stale() == ["feed"] and health.summary() == "degraded"
    health.heartbeat("feed")
    assert health.get("feed").state is ServiceState.RUNNING
