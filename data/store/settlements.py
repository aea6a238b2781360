"""Expiry-day opens and closes of underlyings, stored once each (the journal settles with them)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from data.store.schema import SettlementPriceRow


def save(session: Session, symbol: str, day: date, open_: float, close: float, provider: str, at: datetime) -> None:
    session.execute(insert(SettlementPriceRow).values(symbol=symbol, day=day, open=open_, close=close,
                                                      provider=provider, fetched_at=at).on_conflict_do_nothing())


def prices(session: Session) -> dict[tuple[str, date], tuple[float, float]]:
    """(symbol, day) → (open, close)."""
    return {(r.symbol, r.day): (r.open, r.close) for r in session.scalars(select(SettlementPriceRow))}
