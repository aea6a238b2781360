"""Which session a setup made at a moment waits for entry in."""

from __future__ import annotations

from datetime import date, datetime

from data.market_calendar import MarketCalendar, market_date


def session_for(calendar: MarketCalendar, moment: datetime) -> date:
    """Today's session while it has not closed, else the next one (a setup made after the close
    or on a holiday waits for the next open)."""
    day = market_date(moment)
    if calendar.is_session(day) and moment < calendar.session(day).close:
        return day
    return calendar.next_session(day).day
