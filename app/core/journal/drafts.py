"""At 16:15 ET on trading days the day's activity is drafted into the journal, for the trader to
confirm or dismiss: tracked setups that triggered, alerts that fired, position events and the
symbols discussed with the coach.

A job on the market-time scheduler; a draft is one per day, source and record (idempotent: a
second run, or the catch-up at start for the latest session whose 16:15 has passed — a run missed
while the app was closed — adds nothing twice).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta

from app.core.alerts import AlertsService
from app.core.journal.imports import JournalService
from app.core.positions.service import PositionsService
from app.core.scheduler import MarketScheduler, ScheduledJob
from app.core.setups.tracker import SetupTrackerService
from data.market_calendar import ET, MarketCalendar, market_date
from data.store import alerts as alert_repo
from data.store.database import Store

DRAFT_AT = time(16, 15)
Draft = tuple[str, str, str, str, str]  # source, ref, symbol, title, detail


class JournalDrafts:
    def __init__(self, scheduler: MarketScheduler, journal: JournalService, store: Store, calendar: MarketCalendar,
                 setups: SetupTrackerService, alerts: AlertsService, positions: PositionsService,
                 now: Callable[[], datetime], *, discussed: Callable[[date], Awaitable[list[str]]] | None = None
                 ) -> None:
        self._journal, self._store, self._calendar, self._discussed = journal, store, calendar, discussed
        self._setups, self._alerts, self._positions, self._now = setups, alerts, positions, now
        scheduler.add(ScheduledJob("journal-drafts", {"hour": DRAFT_AT.hour, "minute": DRAFT_AT.minute},
                                   self._run, trading_days_only=True, grace=timedelta(hours=2)))

    async def prepare(self) -> None:
        """Catch up: the latest session whose 16:15 has passed (the app may have been closed then)."""
        now = self._now()
        session = self._calendar.last_session_at_or_before(market_date(now))
        if now < datetime.combine(session.day, DRAFT_AT, ET):
            session = self._calendar.previous_session(session.day)
        await self.draft_day(session.day)

    async def _run(self, due: datetime) -> None:
        await self.draft_day(market_date(due))

    async def draft_day(self, day: date) -> int:
        drafts = (self._setup_drafts(day) + self._position_drafts(day) + await self._alert_drafts(day)
                  + await self._coach_drafts(day))
        return await self._journal.add_drafts(day, drafts) if drafts else 0

    def _setup_drafts(self, day: date) -> list[Draft]:
        out = []
        for setup in self._setups.setups:
            hit = next((e for e in setup.events if e.status == "triggered" and market_date(e.at) == day), None)
            if hit is not None:
                out.append(("setup", str(setup.id), setup.symbol,
                            f"{setup.symbol} {setup.detector.replace('_', ' ')} {setup.direction} triggered",
                            f"{hit.reason}; now {setup.status.replace('_', ' ')}"))
        return out

    def _position_drafts(self, day: date) -> list[Draft]:
        return [("position", f"{p.id}:{e.id}", p.underlying, f"{p.underlying} {p.strategy}: {e.kind.replace('_', ' ')}",
                 e.reason) for p in self._positions.positions for e in p.events if market_date(e.at) == day]

    async def _alert_drafts(self, day: date) -> list[Draft]:
        fired = await self._store.run(lambda s: alert_repo.triggers(s, limit=2000))
        by_id = {a.id: a for a in self._alerts.alerts}
        out = []
        for t in fired:
            alert = by_id.get(t.alert_id)
            if alert is not None and market_date(t.triggered_at) == day:
                out.append(("alert", str(t.id), alert.symbol, f"{alert.symbol} alert fired at {t.price:,.2f}",
                            alert.notes))
        return out

    async def _coach_drafts(self, day: date) -> list[Draft]:
        symbols = await self._discussed(day) if self._discussed is not None else []
        return [("coach", symbol, symbol, f"{symbol} discussed with the coach", "") for symbol in symbols]
