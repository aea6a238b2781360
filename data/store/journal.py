"""The trader's notes on journal trades, and the day's drafts (one per day, source and record)."""

from __future__ import annotations

import json
import math
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from data.store.records import JournalDraft, TradeNote
from data.store.schema import JournalDraftRow, TradeNoteRow

DRAFT_STATUSES = ("pending", "confirmed", "dismissed")


class JournalError(ValueError):
    """A journal change that cannot be stored as asked; message for the trader."""


def _note(row: TradeNoteRow) -> TradeNote:
    return TradeNote(row.trade_id, row.setup, tuple(json.loads(row.tags)), tuple(json.loads(row.mistakes)), row.rating,
                     row.notes, row.planned_stop, row.planned_target)


def save_note(session: Session, note: TradeNote, at: datetime) -> TradeNote:
    if note.rating is not None and not 1 <= note.rating <= 5:
        raise JournalError("A rating is 1 to 5 stars.")
    for name, price in (("stop", note.planned_stop), ("target", note.planned_target)):
        if price is not None and not (math.isfinite(price) and price > 0):
            raise JournalError(f"The planned {name} must be a positive price.")
    if len(note.notes) > 8000 or len(note.setup) > 64:
        raise JournalError("Notes are limited to 8,000 characters and a setup name to 64.")
    row = session.get(TradeNoteRow, note.trade_id) or TradeNoteRow(trade_id=note.trade_id)
    row.setup, row.tags, row.mistakes = note.setup.strip(), json.dumps(list(note.tags)), json.dumps(list(note.mistakes))
    row.rating, row.notes, row.updated_at = note.rating, note.notes, at
    row.planned_stop, row.planned_target = note.planned_stop, note.planned_target
    session.add(row)
    session.flush()
    return _note(row)


def notes(session: Session) -> dict[str, TradeNote]:
    return {row.trade_id: _note(row) for row in session.scalars(select(TradeNoteRow))}


def _draft(row: JournalDraftRow) -> JournalDraft:
    return JournalDraft(row.id, row.day, row.source, row.ref, row.symbol, row.title, row.detail, row.status)


def add_drafts(session: Session, day: date, drafts: list[tuple[str, str, str, str, str]], at: datetime) -> int:
    """(source, ref, symbol, title, detail) drafts of ``day`` not made yet; how many were new."""
    added = 0
    for source, ref, symbol, title, detail in drafts:
        statement = insert(JournalDraftRow).values(day=day, source=source, ref=ref, symbol=symbol, title=title[:200],
                                                   detail=detail, status="pending", created_at=at)
        added += session.execute(statement.on_conflict_do_nothing()).rowcount or 0
    return added


def drafts(session: Session, status: str | None = "pending") -> list[JournalDraft]:
    query = select(JournalDraftRow).order_by(JournalDraftRow.day.desc(), JournalDraftRow.id)
    if status:
        query = query.where(JournalDraftRow.status == status)
    return [_draft(r) for r in session.scalars(query)]


def set_draft_status(session: Session, draft_id: int, status: str) -> JournalDraft:
    if status not in DRAFT_STATUSES:
        raise JournalError(f"Unknown draft status '{status}'.")
    row = session.get(JournalDraftRow, draft_id)
    if row is None:
        raise JournalError(f"Draft #{draft_id} no longer exists.")
    row.status = status
    session.flush()
    return _draft(row)


def drafted_days(session: Session) -> set[date]:
    return set(session.scalars(select(JournalDraftRow.day).distinct()))
