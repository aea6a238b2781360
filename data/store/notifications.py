"""The log of every notification the app showed (or would have shown)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from data.store.records import NotificationRecord
from data.store.schema import NotificationRow

KEEP_LAST = 5000


def add(session: Session, kind: str, title: str, message: str, dedupe_key: str | None,
        created_at: datetime) -> NotificationRecord:
    row = NotificationRow(kind=kind, title=title[:200], message=message, dedupe_key=dedupe_key,
                          created_at=created_at)
    session.add(row)
    session.flush()
    if row.id % 500 == 0:  # trim now and then, not on every insert
        session.execute(delete(NotificationRow).where(NotificationRow.id <= row.id - KEEP_LAST))
    return _to_model(row)


def recent(session: Session, limit: int = 500) -> list[NotificationRecord]:
    rows = session.scalars(select(NotificationRow).order_by(NotificationRow.id.desc()).limit(limit))
    return [_to_model(r) for r in rows]


def _to_model(row: NotificationRow) -> NotificationRecord:
    return NotificationRecord(row.id, row.kind, row.title, row.message, row.dedupe_key, row.created_at)
