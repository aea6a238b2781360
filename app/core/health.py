"""Health registry: lifecycle, heartbeat, restarts and last error of every engine service."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum


class ServiceState(str, Enum):
    STARTING = "starting"
    RUNNING = "running"
    STALE = "stale"  # running but its heartbeat is overdue
    BACKOFF = "restarting"  # failed; waiting to be restarted
    FAILED = "failed"  # gave up restarting
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class ServiceHealth:
    name: str
    state: ServiceState = ServiceState.STARTING
    last_heartbeat: float | None = None  # wall-clock epoch seconds
    restarts: int = 0
    last_error: str | None = None
    stale_after: float = 30.0  # seconds without a heartbeat before the service counts as stale
    started_at: float | None = None


class HealthRegistry:
    def __init__(self, on_change: Callable[[str], None] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._services: dict[str, ServiceHealth] = {}
        self._on_change = on_change
        self._clock = clock

    def register(self, name: str, stale_after: float) -> None:
        self._services[name] = ServiceHealth(name, stale_after=stale_after)
        self._changed(name)

    def update(self, name: str, **changes: object) -> ServiceHealth:
        before = self._services.get(name) or ServiceHealth(name)
        after = replace(before, **changes)  # type: ignore[arg-type]
        self._services[name] = after
        if after != before:
            self._changed(name)
        return after

    def heartbeat(self, name: str) -> None:
        health = self._services.get(name)
        state = ServiceState.RUNNING if health and health.state is ServiceState.STALE else None
        changes: dict[str, object] = {"last_heartbeat": self._clock()}
        if state is not None:
            changes["state"] = state
        # Heartbeats alone do not notify listeners (they would flood the UI); staleness does.
        self._services[name] = replace(health or ServiceHealth(name), **changes)  # type: ignore[arg-type]
        if state is not None:
            self._changed(name)

    def get(self, name: str) -> ServiceHealth | None:
        return self._services.get(name)

    def snapshot(self) -> list[ServiceHealth]:
        return list(self._services.values())

    def mark_stale(self) -> list[str]:
        """Flag running services whose heartbeat is overdue; returns the names newly stale."""
        now = self._clock()
        newly: list[str] = []
        for h in list(self._services.values()):
            beat = h.last_heartbeat or h.started_at
            if h.state is ServiceState.RUNNING and beat is not None and now - beat > h.stale_after:
                self.update(h.name, state=ServiceState.STALE)
                newly.append(h.name)
        return newly

    def summary(self) -> str:
        """One word for the status bar: ok / degraded / failing / starting."""
        states = {h.state for h in self._services.values()}
        if not states:
            return "starting"
        if states & {ServiceState.FAILED, ServiceState.BACKOFF}:
            return "failing"
        if ServiceState.STALE in states:
            return "degraded"
        if states <= {ServiceState.RUNNING, ServiceState.STOPPED}:
            return "ok"
        return "starting"

    def _changed(self, name: str) -> None:
        if self._on_change is not None:
            self._on_change(name)
