"""Strike × expiration heatmaps of the options snapshot, computed off the event loop.

Not supervised: it only answers. ``heatmap(mode, n_expiries, n_strikes)`` grids the latest
snapshot (or the one given: a panel renders the snapshot it was handed) in a worker thread;
each grid is computed once per snapshot, so switching modes back and forth is instant.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.core.snapshots import HeatmapView, OptionsSnapshot
from app.core.view_cache import ViewCache

if TYPE_CHECKING:
    from analytics.heatmap import HeatmapMode

CACHED_GRIDS = 16  # four modes × a few sizes the user tried


class HeatmapService:
    def __init__(self, latest: Callable[[], OptionsSnapshot | None]) -> None:
        self._latest = latest
        self._grids: ViewCache[HeatmapView] = ViewCache(CACHED_GRIDS)

    async def heatmap(self, mode: str | HeatmapMode, n_expiries: int = 5, n_strikes: int = 50,
                      snapshot: OptionsSnapshot | None = None) -> HeatmapView | None:
        """``mode``: "Volume", "Open interest", "IV" or "GEX". None before the first chain."""
        snap = snapshot or self._latest()
        if snap is None:
            return None
        key = (str(getattr(mode, "value", mode)), int(n_expiries), int(n_strikes))
        return await self._grids.get(snap, key, lambda: asyncio.to_thread(heatmap_view, snap, *key))


def heatmap_view(snap: OptionsSnapshot, mode: str, n_expiries: int, n_strikes: int) -> HeatmapView:
    """The grid with the snapshot's completed IV and gamma (provider values or implied here)."""
    from analytics.heatmap import HeatmapMode, heatmap

    grid = heatmap(snap.chain, snap.spot, HeatmapMode(mode), gamma=snap.greeks.gamma, iv=snap.greeks.iv,
                   n_expiries=n_expiries, n_strikes=n_strikes)
    return HeatmapView(snap, grid)
