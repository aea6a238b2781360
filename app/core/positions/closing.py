"""Held contracts' marks at each session's close: the base of "today's P&L".

Option chains carry no previous close, so the tracker keeps its own: the first valuation after a
session's close stores every held contract's mark for that day (``data.store.closing_marks``),
and the next session's today's P&L is counted from it. Which session is "the last one": before
today's open (pre-market) and on a closed day, the session before the latest; from the open on,
the session before today's.
"""

from __future__ import annotations

from datetime import date, datetime

from app.core.positions.views import PositionView
from data.market_calendar import MarketCalendar, market_date
from data.store import closing_marks
from data.store.database import Store


class ClosingMarks:
    def __init__(self, store: Store, calendar: MarketCalendar) -> None:
        self._store, self._calendar = store, calendar
        self._recorded: date | None = None  # the last session whose closing marks are stored

    def base_day(self, now: datetime) -> date:
        """The session whose close today's P&L counts from."""
        day = market_date(now)
        if self._calendar.is_session(day):
            return self._calendar.previous_session(day).day
        return self._calendar.previous_session(self._calendar.last_session_at_or_before(day).day).day

    async def before(self, now: datetime, symbols: list[str]) -> dict[str, float]:
        day = self.base_day(now)
        return await self._store.run(lambda s: closing_marks.on(s, day, symbols))

    async def after(self, now: datetime, views: list[PositionView]) -> None:
        """Once the latest session has closed: store its closing marks (once)."""
        session = self._calendar.last_session_at_or_before(market_date(now))
        if now < session.close or self._recorded == session.day:
            return
        marks = {leg.symbol: leg.mark for v in views for leg in v.value.legs if not (leg.missing or leg.stale)}
        await self._store.run(lambda s: closing_marks.record(s, session.day, marks))
        self._recorded = session.day
