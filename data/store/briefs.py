"""Morning briefs, one per market date and watchlist: a scheduled brief is never overwritten."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.store.schema import MorningBriefRow


def save(session: Session, market_date: date, watchlist: str, generated_at: datetime, trigger: str,
         content: dict[str, Any], replace: bool = False) -> bool:
    """Store the brief; an existing one of that date and watchlist stays unless ``replace``. Whether stored."""
    row = session.get(MorningBriefRow, (market_date, watchlist))
    if row is not None and not replace:
        return False
    row = row or MorningBriefRow(market_date=market_date, watchlist=watchlist)
    row.generated_at, row.trigger, row.content = generated_at, trigger, json.dumps(content)
    session.add(row)
    session.flush()
    return True


def get(session: Session, market_date: date, watchlist: str) -> tuple[datetime, str, dict[str, Any]] | None:
    row = session.get(MorningBriefRow, (market_date, watchlist))
    return None if row is None else (row.generated_at, row.trigger, json.loads(row.content))


def listing(session: Session, limit: int = 400) -> list[tuple[date, str, datetime, str]]:
    """(market date, watchlist, generated at, trigger), newest first."""
    rows = session.execute(select(MorningBriefRow.market_date, MorningBriefRow.watchlist, MorningBriefRow.generated_at,
                                  MorningBriefRow.trigger)
                           .order_by(MorningBriefRow.market_date.desc(), MorningBriefRow.watchlist).limit(limit))
    return [tuple(r) for r in rows]
