"""Window layouts kept in the store: the working layout (autosaved) and named ones.

Not supervised. The bytes are Qt's ``saveGeometry()``/``saveState()``, opaque here; the UI
applies them. Every call runs on the store thread. Names starting with "__" are the app's own
(the working layout is ``SESSION``) and the built-in arrangements are not stored at all, so
neither can be saved as a named layout. The window itself is restored before the engine starts,
by a plain-sqlite read (``data.store.fast_read``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from data.store.database import Store
    from data.store.fast_read import SavedLayout

SESSION = "__session__"
DEFAULT = "default"
OPTIONS = "options"  # chart, chain, GEX and heatmap side by side (0DTE and IV as tabs)
MULTI_CHART = "multi-chart"  # four charts: the active symbol on 1m and 5m, two more link groups beside them
BUILT_IN = (DEFAULT, OPTIONS, MULTI_CHART)


def _repo():  # SQLAlchemy loads with the store, not with the window that imports this module
    from data.store import layouts

    return layouts


class LayoutStore:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def save_session(self, geometry: bytes, state: bytes) -> None:
        await self._store.run(lambda s: _repo().save(s, SESSION, geometry, state))

    async def save(self, name: str, geometry: bytes, state: bytes) -> str:
        """Save a named layout; returns the name as stored. ``LayoutError`` (a ``ValueError``)
        for an empty or reserved name."""
        repo = _repo()
        clean = repo.clean_name(name)
        if clean.startswith("__") or clean.lower() in BUILT_IN:
            raise repo.LayoutError(f"'{clean}' is reserved; choose another name.")
        await self._store.run(lambda s: repo.save(s, clean, geometry, state))
        return clean

    async def load(self, name: str) -> SavedLayout:
        """``LayoutError`` when there is no layout ``name``."""
        repo = _repo()
        saved = await self._store.run(lambda s: repo.load(s, name))
        if saved is None:
            raise repo.LayoutError(f"There is no layout named '{name}'.")
        return saved

    async def delete(self, name: str) -> None:
        await self._store.run(lambda s: _repo().delete(s, name))

    async def names(self) -> list[str]:
        """The named layouts, sorted (the app's own are left out)."""
        names = await self._store.run(_repo().names)
        return [n for n in names if not n.startswith("__")]
