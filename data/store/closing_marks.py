"""Held contracts' marks at a session's close, one per symbol and day (the first one recorded stays)."""

from __future__ import annotations

import math
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from data.store.schema import ClosingMarkRow


def record(session: Session, day: date, marks: dict[str, float]) -> int:
    """Store ``day``'s closing marks not stored yet (finite, ≥ 0); how many were new."""
    added = 0
    for symbol, mark in marks.items():
        if math.isfinite(mark) and mark >= 0:
            result = session.execute(insert(ClosingMarkRow).values(symbol=symbol, day=day, mark=float(mark))
                                     .on_conflict_do_nothing())
            added += result.rowcount or 0
    return added


def on(session: Session, day: date, symbols: list[str]) -> dict[str, float]:
    """The marks of ``symbols`` at ``day``'s close (those recorded)."""
    if not symbols:
        return {}
    rows = session.execute(select(ClosingMarkRow.symbol, ClosingMarkRow.mark)
                           .where(ClosingMarkRow.day == day, ClosingMarkRow.symbol.in_(symbols)))
    return {s: m for s, m in rows}
