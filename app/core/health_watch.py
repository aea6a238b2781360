"""Watches the health registry: flags stale services and notifies about incidents and recovery."""

from __future__ import annotations

import asyncio

from app.core.health import HealthRegistry, ServiceState
from app.core.notifications import NotificationService
from app.core.supervisor import ServiceContext

INCIDENT_STATES = {ServiceState.STALE, ServiceState.BACKOFF, ServiceState.FAILED}


class HealthWatchService:
    name = "health-watch"
    stale_after = 30.0

    def __init__(self, health: HealthRegistry, notifications: NotificationService,
                 interval: float = 2.0) -> None:
        self._health = health
        self._notifications = notifications
        self._interval = interval
        self._in_incident: set[str] = set()

    async def run(self, ctx: ServiceContext) -> None:
        ctx.running()
        while True:
            self._health.mark_stale()
            await self.check_incidents()
            ctx.heartbeat()
            await asyncio.sleep(self._interval)

    async def check_incidents(self) -> None:
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
