"""The journal coaching the trader: weekly insights every Sunday 18:00 ET (and on demand over 7, 30
or 90 days), and a live nudge while trading when a bad pattern starts (``analytics.insights``).

The weekly run posts one notification when its insights are ready; a nudge is one notification,
never a dialog, and each (kind, trade) is said once. Both read the journal's trades — imported and
the app's own positions — through ``JournalService``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from analytics.insights import Insight, insights, live_nudge
from app.core.bus import EventBus
from app.core.events import JournalChanged, PositionsChanged
from app.core.journal.imports import JournalService
from app.core.notifications import NotificationService
from app.core.scheduler import MarketScheduler, ScheduledJob
from app.core.supervisor import ServiceContext
from app.core.waiting import woken
from data.market_calendar import market_date

HEARTBEAT_S = 30.0


class JournalCoaching:
    name = "journal-coaching"
    stale_after = 120.0

    def __init__(self, scheduler: MarketScheduler, journal: JournalService, bus: EventBus,
                 notifications: NotificationService, now: Callable[[], datetime]) -> None:
        self._journal, self._bus, self._notifications, self._now = journal, bus, notifications, now
        self.weekly: list[Insight] = []
        self._nudged: set[tuple[str, str]] = set()
        self._wake = asyncio.Event()
        scheduler.add(ScheduledJob("weekly-insights", {"day_of_week": "sun", "hour": 18, "minute": 0}, self._week))

    async def run(self, ctx: ServiceContext) -> None:
        offs = [self._bus.subscribe(kind, lambda _e: self._wake.set()) for kind in (PositionsChanged, JournalChanged)]
        try:
            ctx.running()
            while True:
                ctx.heartbeat()
                if await woken(self._wake, HEARTBEAT_S):
                    self._wake.clear()
                    await self._nudge()
        finally:
            for off in offs:
                off()

    async def insights(self, days: int = 7) -> list[Insight]:
        """On demand: the insights over the last ``days`` days (7, 30 or 90)."""
        return insights(await self._journal.trades(), self._now(), days)

    async def _week(self, _due: datetime) -> None:
        self.weekly = await self.insights(7)
        count = len(self.weekly)
        await self._notifications.notify("journal", "Weekly insights are ready",
                                         f"{count} insight{'s' if count != 1 else ''} over the last 7 days.",
                                         key=f"weekly:{market_date(self._now())}", cooldown_s=0)

    async def _nudge(self) -> None:
        now = self._now()
        today = [t for t in await self._journal.trades() if market_date(t.opened_at) == market_date(now)]
        nudge = live_nudge(today, now)
        if nudge is None or not nudge.trade_ids:
            return
        key = (nudge.kind, nudge.trade_ids[-1])
        if key in self._nudged:
            return
        self._nudged.add(key)
        await self._notifications.notify("journal", nudge.title, nudge.message, key=f"nudge:{key[0]}:{key[1]}",
                                         cooldown_s=0)
