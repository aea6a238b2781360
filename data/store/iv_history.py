"""Daily ATM implied volatility per symbol: one value per ET day, the latest reading kept."""

from __future__ import annotations

import math
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.store.schema import IvHistoryRow


def record(session: Session, symbol: str, day: date, atm_iv: float, at: datetime) -> None:
    """Store ``symbol``'s ATM IV for ``day`` (replacing an earlier reading of the same day)."""
    if not (math.isfinite(atm_iv) and 0 < atm_iv < 10):
        raise ValueError(f"not an implied volatility: {atm_iv!r}")
    row = session.get(IvHistoryRow, (symbol, day))
    if row is None:
        session.add(IvHistoryRow(symbol=symbol, day=day, atm_iv=float(atm_iv), recorded_at=at))
    else:
        row.atm_iv, row.recorded_at = float(atm_iv), at


def history(session: Session, symbol: str, limit: int = 400) -> list[tuple[date, float, datetime]]:
    """(day, ATM IV, recorded at UTC) oldest first, at most the last ``limit`` days."""
    rows = session.scalars(select(IvHistoryRow).where(IvHistoryRow.symbol == symbol)
                           .order_by(IvHistoryRow.day.desc()).limit(limit)).all()
    return [(r.day, r.atm_iv, r.recorded_at) for r in reversed(rows)]
