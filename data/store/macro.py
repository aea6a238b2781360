"""Macro events per source: a source's events for a window replace what it had there; queries by
time range. Times are aware UTC in and out."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from data.store.records import MacroEvent
from data.store.schema import MacroEventRow


def save(session: Session, source: str, events: Iterable[MacroEvent], start: datetime, end: datetime,
         fetched_at: datetime) -> int:
    """Replace ``source``'s events timed in [start, end) by ``events`` (those of another source or
    outside the window are refused); the number kept."""
    kept = {}
    for e in events:
        if e.source != source:
            raise ValueError(f"an event of {e.source} saved as {source}")
        if start <= e.at < end:
            kept[e.key] = e
    session.execute(delete(MacroEventRow).where(MacroEventRow.source == source, MacroEventRow.at >= start,
                                                MacroEventRow.at < end))
    for key in list(kept):  # a key moved into the window from outside it (a rescheduled release)
        old = session.get(MacroEventRow, (source, key))
        if old is not None:
            session.delete(old)
    session.flush()
    session.add_all(MacroEventRow(source=source, key=e.key, kind=e.kind, title=e.title[:200], at=e.at,
                                  impact=e.impact, fetched_at=fetched_at) for e in kept.values())
    session.flush()
    return len(kept)


def between(session: Session, start: datetime, end: datetime,
            sources: Collection[str] | None = None) -> list[MacroEvent]:
    """Events timed in [start, end), by time (of ``sources`` only, when given)."""
    query = select(MacroEventRow).where(MacroEventRow.at >= start, MacroEventRow.at < end)
    if sources is not None:
        query = query.where(MacroEventRow.source.in_(list(sources)))
    rows = session.scalars(query.order_by(MacroEventRow.at, MacroEventRow.kind)).all()
    return [MacroEvent(r.source, r.key, r.kind, r.title, r.at, r.impact) for r in rows]
