"""Journal executions: stored once each (the broker and its id for the fill — the same whatever file or
account label the fill came in: a statement masks the account a section export leaves out), all or
nothing per import."""

from __future__ import annotations

from dataclasses import fields

from sqlalchemy import func, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from data.store.records import Execution
from data.store.schema import ExecutionRow

_FIELDS = tuple(f.name for f in fields(Execution) if f.name != "source_line")


def known_ids(session: Session, broker: str, exec_ids: list[str]) -> set[str]:
    """Which of ``exec_ids`` are stored already (an import's preview counts its duplicates)."""
    found: set[str] = set()
    for i in range(0, len(exec_ids), 500):  # SQLite's bound-parameter limit
        chunk = exec_ids[i:i + 500]
        found.update(session.scalars(select(ExecutionRow.exec_id).where(
            ExecutionRow.broker == broker, ExecutionRow.exec_id.in_(chunk))))
    return found


def add(session: Session, executions: list[Execution], imported_from: str = "") -> int:
    """Store the executions not stored yet, in the caller's one transaction (one statement, many
    rows); how many were new."""
    if not executions:
        return 0
    source = imported_from[:200]
    rows = [{name: getattr(e, name) for name in _FIELDS} | {"imported_from": source} for e in executions]
    before = session.scalar(select(func.count()).select_from(ExecutionRow))
    session.execute(insert(ExecutionRow).on_conflict_do_nothing(), rows)
    return int(session.scalar(select(func.count()).select_from(ExecutionRow)) - before)


def all_executions(session: Session) -> list[Execution]:
    """Every stored execution, oldest first."""
    rows = session.scalars(select(ExecutionRow).order_by(ExecutionRow.time, ExecutionRow.id))
    return [Execution(**{name: getattr(r, name) for name in _FIELDS}) for r in rows]
