"""The options picture per symbol and minute, and each journal trade's context at entry (JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from data.store.records import OptionsContext
from data.store.schema import OptionsContextRow, TradeContextRow


def record_options(session: Session, context: OptionsContext) -> bool:
    """Store the minute's picture unless that minute has one already; whether it was new."""
    statement = insert(OptionsContextRow).values(**asdict(context)).on_conflict_do_nothing()
    return bool(session.execute(statement).rowcount)


def options_between(session: Session, symbol: str, start: datetime, end: datetime) -> list[OptionsContext]:
    rows = session.scalars(select(OptionsContextRow).where(
        OptionsContextRow.symbol == symbol, OptionsContextRow.at >= start, OptionsContextRow.at <= end)
        .order_by(OptionsContextRow.at))
    return [OptionsContext(**{c: getattr(r, c) for c in OptionsContext.__slots__}) for r in rows]


def forget_options_before(session: Session, before: datetime) -> int:
    return session.execute(delete(OptionsContextRow).where(OptionsContextRow.at < before)).rowcount or 0


def save_context(session: Session, trade_id: str, provider: str, at: datetime, context: dict[str, Any],
                 mae: float | None, mfe: float | None) -> None:
    row = session.get(TradeContextRow, trade_id) or TradeContextRow(trade_id=trade_id)
    row.provider, row.computed_at, row.context = provider, at, json.dumps(context)
    row.mae, row.mfe = mae, mfe
    session.add(row)
    session.flush()


def contexts(session: Session) -> dict[str, tuple[dict[str, Any], float | None, float | None]]:
    """trade id → (context JSON, MAE, MFE)."""
    return {r.trade_id: (json.loads(r.context), r.mae, r.mfe) for r in session.scalars(select(TradeContextRow))}
