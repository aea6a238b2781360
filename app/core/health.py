"""Health registry: lifecycle, heartbeat, restarts and last error of every engine service.

Heartbeats and start times are on a monotonic clock, so stepping the PC clock neither hides a hung
service nor flags a healthy one; ``wall_time`` turns one into epoch seconds for display only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum

from app.core.logging_setup import redact


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
    last_heartbeat: float | None = None  # the registry's (monotonic) clock
    restarts: int = 0
    last_error: str | None = None  # redacted like the log
    stale_after: float = 30.0  # seconds without a heartbeat before the service counts as stale
    started_at: float | None = None  # the registry's (monotonic) clock
    detail: str = ""  # what a service says about itself, e.g. how many invalid prices it dropped


class HealthRegistry:
    def __init__(self, on_change: Callable[[str], None] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self._services: dict[str, ServiceHealth] = {}
        self._on_change = on_change
        self._clock = clock
        self._wall_clock = wall_clock

    def now(self) -> float:
        """The clock heartbeats and start times are on."""
        return self._clock()

    def wall_time(self, stamp: float | None) -> float | None:
        """``stamp`` (from ``now``) as wall-clock epoch seconds, for display."""
        return None if stamp is None else self._wall_clock() - (self._clock() - stamp)

    def register(self, name: str, stale_after: float) -> None:
        self._services[name] = ServiceHealth(name, stale_after=stale_after)
        self._changed(name)

    def update(self, name: str, **changes: object) -> ServiceHealth:
        before = self._services.get(name) or ServiceHealth(name)
        if isinstance(changes.get("last_error"), str):
            changes["last_error"] = redact(changes["last_error"])  # type: ignore[arg-type]
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

    def set_detail(self, name: str, text: str) -> None:
        """Like a heartbeat, silent: the health panel reads it on its next refresh (a service may
        update it on every event without flooding the UI)."""
        health = self._services.get(name) or ServiceHealth(name)
        if health.detail != text:
            self._services[name] = replace(health, detail=text)

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
