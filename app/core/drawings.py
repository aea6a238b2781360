"""Chart drawings in the engine: read per symbol and timeframe family, saved and deleted for the
chart (stamped on the market clock), announced as ``DrawingsChanged`` so every chart of that symbol
redraws — the one drawn on, the others open on it, and after a sync from another computer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app.core.bus import EventBus
from app.core.events import DrawingsChanged
from data.store import drawings as repo
from data.store.database import Store
from data.store.records import ChartDrawing

DrawingError = repo.DrawingError


def family_of(timeframe: str) -> str:
    """Drawings made on 1m…4h show on every intraday chart; those on 1D on daily ones."""
    return "daily" if timeframe.upper().endswith("D") else "intraday"


class DrawingsService:
    def __init__(self, store: Store, bus: EventBus, now: Callable[[], datetime]) -> None:
        self._store, self._bus, self._now = store, bus, now

    async def for_symbol(self, symbol: str, family: str) -> list[ChartDrawing]:
        return await self._store.run(lambda s: repo.for_symbol(s, symbol, family))

    async def save(self, drawing: ChartDrawing) -> ChartDrawing:
        at = self._now()
        saved = await self._store.run(lambda s: repo.save(s, drawing, at))
        self._bus.publish(DrawingsChanged(saved.symbol))
        return saved

    async def delete(self, drawing: ChartDrawing) -> None:
        await self._store.run(lambda s: repo.delete(s, drawing.id))
        self._bus.publish(DrawingsChanged(drawing.symbol))

    async def reload_synced(self) -> None:
        """Another computer's drawings arrived: every chart reads its own again."""
        self._bus.publish(DrawingsChanged(""))
