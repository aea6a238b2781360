"""One options snapshot as the minute's ``OptionsContext``: GEX regime, flip and walls, 30-day IV and
its rank, the same-day expected move and how much of it was used. The journal reads the record
before a trade's entry, so a trade taken while the app watched the symbol knows what options said."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from datetime import datetime

from app.core.snapshots import IvRankView, OptionsSnapshot, ZeroDteView
from data.store.records import OptionsContext


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def on_minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


async def options_context(snap: OptionsSnapshot, provider: str,
                          rank: Callable[[OptionsSnapshot], Awaitable[IvRankView | None]],
                          zero_dte: Callable[[OptionsSnapshot], Awaitable[ZeroDteView | None]]) -> OptionsContext:
    """The snapshot's picture; IV rank and the day's move are read through the services that own them."""
    ranked = await rank(snap)
    day = await zero_dte(snap)
    move = day.summary.day if day is not None and day.summary is not None else None
    gex = snap.gex
    return OptionsContext(
        symbol=snap.symbol, at=on_minute(snap.chain.asof), provider=provider, spot=float(snap.spot),
        regime=gex.regime, flip=_finite(gex.flip), call_wall=_finite(gex.call_wall), put_wall=_finite(gex.put_wall),
        iv_30d=_finite(snap.iv.atm_30d),
        iv_rank=_finite(ranked.rank.rank) if ranked is not None and ranked.rank is not None else None,
        move_at_open=_finite(move.at_open) if move else None,
        move_used_fraction=_finite(move.used_fraction) if move else None)
