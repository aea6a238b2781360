"""Symbol search for the Ctrl+K box: the built-in popular list, the trader's favourites and
recents, and the provider's reference search, ranked by ``data.symbol_catalog.rank``.

The provider's answers are kept for 24 hours of market time per (provider, lower-cased query)
in the store's provider cache, so a query typed again (and again tomorrow morning) costs no
request. A provider that fails or is slow never breaks the box: its answer is left out (offline
the built-in list still answers), and for a minute after a failure it is not asked again.
Favourites (synced) and recents (this device's, newest first, at most 20) are preferences
saved through the workspace.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from app.core.workspace import Workspace
from data.store.database import Store
from data.store.preference_specs import MAX_RECENT_SYMBOLS
from data.symbol_catalog import DEFAULT_LIMIT, Suggestion, rank
from data.symbols import normalize_symbol

if TYPE_CHECKING:
    from data.models import SymbolInfo
    from data.providers.base import MarketDataProvider

log = logging.getLogger(__name__)
MAX_AGE = timedelta(hours=24)  # market time
TIMEOUT_S = 4.0
RETRY_AFTER_S = 60.0  # wall seconds: a failed provider is not asked at every keystroke
FAVOURITES, RECENTS = "favourite_symbols", "recent_symbols"
_PROVIDER_ROWS = 20


class SymbolSearch:
    def __init__(self, store: Store, workspace: Workspace, provider: Callable[[], MarketDataProvider],
                 now: Callable[[], datetime], timeout_s: float = TIMEOUT_S) -> None:
        self._store = store
        self._workspace = workspace
        self._provider = provider  # the provider of the moment (it changes on a switch)
        self._now = now  # market time, for the cache's age
        self._timeout_s = timeout_s
        self._failed_at: dict[str, float] = {}  # provider name -> monotonic time of its last failure

    @property
    def favourites(self) -> list[str]:
        return list(self._workspace.preferences.get(FAVOURITES) or [])

    @property
    def recents(self) -> list[str]:
        return list(self._workspace.preferences.get(RECENTS) or [])

    def local(self, text: str, limit: int = DEFAULT_LIMIT) -> list[Suggestion]:
        """Without asking the provider (no I/O): what the box shows at once while typing."""
        return rank(text, self.favourites, self.recents, (), limit, self._allowed())

    async def suggest(self, text: str, limit: int = DEFAULT_LIMIT) -> list[Suggestion]:
        """Ranked suggestions for ``text``, the provider's reference search included when it answers."""
        results = await self.provider_results(text) if text.strip() else []
        return rank(text, self.favourites, self.recents, results, limit, self._allowed())

    async def provider_results(self, text: str) -> list[SymbolInfo]:
        """The provider's search for ``text``: from the cache when asked within 24 h, else asked
        (and cached); [] when it fails or takes longer than the timeout."""
        from data.models import SymbolInfo
        from data.store import provider_cache
        from data.symbols import SymbolKind

        provider = self._provider()
        query = text.strip().lower()
        key = f"symbol_search:{provider.name}:{query}"
        now = self._now()
        cached = await self._store.run(lambda s: provider_cache.get(s, key, now, MAX_AGE))
        if cached is not None:
            return [SymbolInfo(r["symbol"], r["name"], SymbolKind(r["kind"])) for r in cached]
        results = await self._ask(provider, query)
        if results is None:
            return []
        payload = [{"symbol": r.symbol, "name": r.name, "kind": r.kind.value} for r in results]
        await self._store.run(lambda s: provider_cache.put(s, key, payload, now))
        return results

    async def _ask(self, provider: MarketDataProvider, query: str) -> list[SymbolInfo] | None:
        failed = self._failed_at.get(provider.name)
        if failed is not None and time.monotonic() - failed < RETRY_AFTER_S:
            return None
        try:
            results = await asyncio.wait_for(provider.search_symbols(query, limit=_PROVIDER_ROWS), self._timeout_s)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # offline, rate-limited, a timeout, a bad answer: the built-in list answers
            self._failed_at[provider.name] = time.monotonic()
            log.info("symbol search on %s failed (%s): the built-in list answers", provider.name,
                     str(exc) or type(exc).__name__)
            return None
        self._failed_at.pop(provider.name, None)
        return list(results)

    async def toggle_favourite(self, text: str) -> bool:
        """Star ``text`` (added last) or unstar it; True when it is a favourite now."""
        symbol = normalize_symbol(text)
        favourites = self.favourites
        starred = symbol not in favourites
        favourites = [*favourites, symbol] if starred else [s for s in favourites if s != symbol]
        await self._workspace.set_preference(FAVOURITES, favourites)
        return starred

    async def used(self, text: str) -> None:
        """``text`` was opened: first of the recents (at most 20 kept)."""
        symbol = normalize_symbol(text)
        recents = [symbol] + [s for s in self.recents if s != symbol]
        if recents != self.recents:
            await self._workspace.set_preference(RECENTS, recents[:MAX_RECENT_SYMBOLS])

    def _allowed(self) -> Callable[[str], bool] | None:
        """The running provider's universe (demo, a recording): only what it can open is offered."""
        from data.providers.base import SymbolUniverse

        provider = self._provider()
        if isinstance(provider, SymbolUniverse):
            return lambda symbol: provider.symbol_problem(symbol) is None
        return None
