"""Watches the health registry: flags stale services and notifies about incidents and recovery."""

from __future__ import annotations

import asyncio

from app.core.bus import EventBus
from app.core.events import ServiceHealthChanged
from app.core.health import HealthRegistry, ServiceState
from app.core.notifications import NotificationService
from app.core.supervisor import ServiceContext

INCIDENT_STATES = {ServiceState.STALE, ServiceState.BACKOFF, ServiceState.FAILED}


class HealthWatchService:
    name = "health-watch"
    stale_after = 30.0

    def __init__(self, health: HealthRegistry, notifications: NotificationService, bus: EventBus,
                 interval: float = 2.0) -> None:
        self._health = health
        self._bus = bus
        self._notifications = notifications
        self._interval = interval
        self._in_incident: set[str] = set()

    async def run(self, ctx: ServiceContext) -> None:
        # State changes arrive as events (a restart can be over in milliseconds, too fast for
        # polling to see); staleness has no event, so it is polled.
        unsubscribe = self._bus.subscribe(ServiceHealthChanged, lambda _e: self.check_incidents())
        try:
            ctx.running()
            while True:
                self._health.mark_stale()
                ctx.heartbeat()
                await asyncio.sleep(self._interval)
        finally:
            unsubscribe()

    async def check_incidents(self) -> None:
        """Notify once when a service enters trouble and once when it is running again."""
        for h in self._health.snapshot():
            if h.name == self.name:
                continue
            if h.state in INCIDENT_STATES and h.name not in self._in_incident:
                self._in_incident.add(h.name)
                detail = f": {h.last_error}" if h.last_error else ""
                await self._notifications.notify(
                    "health", f"{h.name} is {h.state.value}", f"Service {h.name} is {h.state.value}{detail}",
                    key=f"{h.name}:incident", cooldown_s=300)
            elif h.state is ServiceState.RUNNING and h.name in self._in_incident:
                self._in_incident.discard(h.name)
                await self._notifications.notify(
                    "health", f"{h.name} recovered", f"Service {h.name} is running again.",
                    key=f"{h.name}:recovered", cooldown_s=300)
