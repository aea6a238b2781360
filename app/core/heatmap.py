"""Strike × expiration heatmaps of the options snapshot, computed off the event loop.

Not supervised: it only answers. ``heatmap(mode, n_expiries, n_strikes)`` grids the latest
snapshot (or the one given: a panel renders the snapshot it was handed) in a worker thread;
each grid is computed once per snapshot, so switching modes back and forth is instant. While
the heatmap panel is on screen (it says so: ``set_shown``), the grid last asked for is computed
again as soon as a new snapshot is published, while the panels render it, so the heatmap's
turn finds it ready (``ready``); a hidden heatmap is gridded when it is rendered again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from app.core.bus import EventBus
from app.core.events import OptionsUpdated
from app.core.snapshots import HeatmapView, OptionsSnapshot
from app.core.view_cache import SymbolViewCaches

if TYPE_CHECKING:
    from analytics.heatmap import HeatmapMode

CACHED_GRIDS = 16  # four modes × a few sizes the user tried
GridKey = tuple[str, int, int]  # mode, expirations, strikes


class HeatmapService:
    def __init__(self, bus: EventBus, latest: Callable[[], OptionsSnapshot | None]) -> None:
        self._latest = latest
        self._grids: SymbolViewCaches[HeatmapView] = SymbolViewCaches(CACHED_GRIDS)
        self._last_asked: GridKey | None = None
        self._shown = False  # the heatmap panel is on screen: only then is a new snapshot gridded ahead
        self._unsubscribe = bus.subscribe(OptionsUpdated, self._prefetch)

    def set_shown(self, shown: bool) -> None:
        """The heatmap panel is on screen (True) or hidden: a background tab or a closed dock."""
        self._shown = shown

    def close(self) -> None:
        """Stop listening to the bus (the engine dropped this service)."""
        self._unsubscribe()

    async def heatmap(self, mode: str | HeatmapMode, n_expiries: int = 5, n_strikes: int = 50,
                      snapshot: OptionsSnapshot | None = None) -> HeatmapView | None:
        """``mode``: "Volume", "Open interest", "IV" or "GEX". None before the first chain."""
        snap = snapshot or self._latest()
        if snap is None:
            return None
        self._last_asked = key = _key(mode, n_expiries, n_strikes)
        return await self._grid(snap, key)

    def ready(self, mode: str | HeatmapMode, n_expiries: int, n_strikes: int,
              snapshot: OptionsSnapshot) -> HeatmapView | None:
        """The grid if it is computed already, else None (then await ``heatmap``). Asking counts
        as asking: it is the grid started for the next snapshot."""
        self._last_asked = key = _key(mode, n_expiries, n_strikes)
        return self._grids.peek(snapshot, key)

    async def _grid(self, snap: OptionsSnapshot, key: GridKey) -> HeatmapView:
        return await self._grids.get_in_thread(snap, key, lambda: heatmap_view(snap, *key))

    def _prefetch(self, event: OptionsUpdated) -> None:
        # started right here, as the snapshot is published: the worker grids while the panels render
        snap, key = event.snapshot, self._last_asked
        if key is not None and self._shown:
            self._grids.start(snap, key, lambda: heatmap_view(snap, *key))


def _key(mode: str | HeatmapMode, n_expiries: int, n_strikes: int) -> GridKey:
    return str(getattr(mode, "value", mode)), int(n_expiries), int(n_strikes)


def heatmap_view(snap: OptionsSnapshot, mode: str, n_expiries: int, n_strikes: int) -> HeatmapView:
    """The grid with the snapshot's completed IV and gamma (provider values or implied here)."""
    from analytics.heatmap import HeatmapMode, heatmap

    grid = heatmap(snap.chain, snap.spot, HeatmapMode(mode), gamma=snap.greeks.gamma, iv=snap.greeks.iv,
                   n_expiries=n_expiries, n_strikes=n_strikes)
    return HeatmapView(snap, grid)
