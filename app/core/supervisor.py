"""Run engine services as tasks; restart a failed one with exponential backoff and jitter.

A service is any object with a ``name``, a ``stale_after`` (seconds a heartbeat may be late)
and ``async run(ctx)``. ``run`` returning normally means the service is done; raising means it
failed and is restarted after ``backoff``; a service that ran longer than ``stable_after``
before failing starts its backoff from the beginning again.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass
from typing import Protocol

from app.core.health import HealthRegistry, ServiceState

# How long a service's ahead-of-time work that nothing waits for (measuring hit rates, sweeping
# the watched symbols' IV) lets start-up go first: the first quote and each panel's own data need
# the CPU, and every worker thread holds the one GIL with them. Work asked for meanwhile is done
# on demand.
AFTER_START_UP_S = 10.0

log = logging.getLogger(__name__)


class ServiceContext:
    def __init__(self, name: str, health: HealthRegistry) -> None:
        self.name = name
        self._health = health

    def heartbeat(self) -> None:
        self._health.heartbeat(self.name)

    def detail(self, text: str) -> None:
        """A line about the service for the worker health panel (not an error; no event)."""
        self._health.set_detail(self.name, text)

    def running(self) -> None:
        """Tell the supervisor the service finished starting (also counts as a heartbeat)."""
        current = self._health.get(self.name)
        if current is not None and current.state is ServiceState.RUNNING:
            self._health.heartbeat(self.name)  # already running: keep its start time
            return
        now = self._health.now()
        self._health.update(self.name, state=ServiceState.RUNNING, started_at=now, last_heartbeat=now)


class Service(Protocol):
    name: str
    stale_after: float

    async def run(self, ctx: ServiceContext) -> None: ...


@dataclass(frozen=True, slots=True)
class BackoffPolicy:
    initial: float = 1.0
    maximum: float = 30.0
    stable_after: float = 60.0
    max_restarts: int | None = None  # None: keep trying forever

    def delay(self, attempt: int) -> float:
        base = min(self.maximum, self.initial * 2**attempt)
        return base * random.uniform(0.8, 1.2)


class Supervisor:
    def __init__(self, health: HealthRegistry, policy: BackoffPolicy | None = None) -> None:
        self.health = health
        self.policy = policy or BackoffPolicy()
        self._tasks: dict[str, asyncio.Task] = {}
        self.abandoned = False

    def start(self, service: Service) -> None:
        if service.name in self._tasks:
            raise ValueError(f"service {service.name} is already supervised")
        self.health.register(service.name, service.stale_after)
        self._tasks[service.name] = asyncio.create_task(self._supervise(service), name=service.name)

    async def _supervise(self, service: Service) -> None:
        attempt = restarts = 0
        ctx = ServiceContext(service.name, self.health)
        while True:
            started = time.monotonic()
            self.health.update(service.name, state=ServiceState.STARTING)
            try:
                await service.run(ctx)
            except asyncio.CancelledError:
                self.health.update(service.name, state=ServiceState.STOPPED)
                raise
            except Exception as exc:
                if self.abandoned:
                    log.info("service %s ended after the engine closed: %s", service.name, exc)
                    return
                log.error("service %s failed", service.name, exc_info=exc)
                if time.monotonic() - started > self.policy.stable_after:
                    attempt = 0
                restarts += 1
                error = f"{type(exc).__name__}: {exc}"
                if self.policy.max_restarts is not None and restarts > self.policy.max_restarts:
                    self.health.update(service.name, state=ServiceState.FAILED, last_error=error,
                                       restarts=restarts - 1)
                    return
                self.health.update(service.name, state=ServiceState.BACKOFF, last_error=error,
                                   restarts=restarts)
                await asyncio.sleep(self.policy.delay(attempt))
                attempt += 1
            else:
                self.health.update(service.name, state=ServiceState.STOPPED)
                return

    async def stop_service(self, name: str, timeout: float = 5.0) -> None:
        """Stop one service (e.g. to swap the provider under it); the others keep running."""
        await self.stop_services((name,), timeout)

    async def stop_services(self, names: tuple[str, ...], timeout: float = 5.0) -> None:
        """Stop these services together (each may be waiting on a worker thread to return: one
        after another, a provider switch waited for the sum); the others keep running."""
        tasks = [task for name in names if (task := self._tasks.pop(name, None)) is not None]
        for task in tasks:
            task.cancel()
        if not tasks:
            return
        _done, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:  # it is cancelled and goes on finishing; a new one of that name may start now
            log.warning("service %s did not stop within %.1fs", task.get_name(), timeout)

    def abandon(self) -> None:
        """The engine closed without a loop (the display went away): a service that still wakes
        while the process exits finds no engine; it ends quietly instead of failing and restarting."""
        self.abandoned = True

    async def stop(self, timeout: float = 5.0) -> list[str]:
        """Cancel every service and wait for them; returns names that did not stop in time."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        stuck: list[str] = []
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=timeout)
            stuck = [t.get_name() for t in pending]
            for name in stuck:
                log.warning("service %s did not stop within %.1fs", name, timeout)
        self._tasks.clear()
        return stuck
