"""IV rank and percentile of the options snapshot's 30-day ATM IV.

Not supervised: it only answers. The year is the symbol's stored daily IV (``IvHistoryService``
records it) or, until 60 days are stored, 20-day historical volatility from daily closes. Both
are read once per symbol and again when ``IvRecorded`` says the stored IV changed (closes are
the provider's: another provider reads them afresh); a rank is computed once per snapshot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np

from app.core.bus import EventBus
from app.core.events import IvRecorded
from app.core.snapshots import IvRankView, OptionsSnapshot
from app.core.view_cache import SymbolViewCaches
from data.models import Timeframe

if TYPE_CHECKING:
    from analytics.volatility import IvRank
    from data.providers.base import MarketDataProvider
    from data.store.database import Store

HISTORY_DAYS = 400  # calendar days of daily closes: a year of sessions plus the HV window
NO_HISTORY = "Not enough history yet for IV rank (stored IV or daily closes)."
History = tuple[np.ndarray, np.ndarray]  # stored daily IVs (oldest first), daily closes


class IvRankService:
    def __init__(self, store: Store, bus: EventBus, provider: Callable[[], MarketDataProvider],
                 latest: Callable[[], OptionsSnapshot | None]) -> None:
        self._store = store
        self._provider = provider  # the provider of the moment (it changes on a switch)
        self._latest = latest
        self._history: dict[str, History] = {}
        self._history_of: object | None = None  # the provider the closes came from
        self._generation = 0  # bumped when history changes: a load started before is not kept
        # loads under way, by (symbol, generation): a second asker at start-up (the options
        # context and the IV panel) awaits the first one's instead of reading the store and
        # asking the provider for 400 days of bars again
        self._loading: dict[tuple[str, int], asyncio.Future[History]] = {}
        self._ranks: SymbolViewCaches[IvRankView] = SymbolViewCaches(1)
        self._unsubscribe = bus.subscribe(IvRecorded, lambda e: self._forget(e.symbol))

    def close(self) -> None:
        """Stop listening to the bus and cancel loads under way (the engine dropped this service:
        its askers were cancelled, but a shielded load would outlive the engine)."""
        self._unsubscribe()
        for loading in self._loading.values():
            loading.cancel()

    def _forget(self, symbol: str) -> None:
        self._generation += 1
        self._history.pop(symbol, None)
        self._ranks.clear()

    async def rank(self, snapshot: OptionsSnapshot | None = None) -> IvRankView | None:
        """None before the first chain."""
        snap = snapshot or self._latest()
        if snap is None:
            return None
        return await self._ranks.get(snap, snap.symbol, lambda: self._rank(snap))

    async def _rank(self, snap: OptionsSnapshot) -> IvRankView:
        stored, closes = await self.history(snap.symbol)
        result = await asyncio.to_thread(_iv_rank, snap.iv.atm_30d, stored, closes)
        return IvRankView(snap.symbol, snap.iv.atm_30d, result, len(stored), "" if result is not None else NO_HISTORY)

    async def history(self, symbol: str) -> History:
        """The symbol's stored daily IVs and daily closes (read once, until they change)."""
        provider = self._provider()
        if provider is not self._history_of:  # (its snapshots are new: no rank to forget)
            self._generation += 1
            self._history.clear()
            self._history_of = provider
        known = self._history.get(symbol)
        if known is not None:
            return known
        key = (symbol, self._generation)
        loading = self._loading.get(key)
        if loading is None:
            loading = self._loading[key] = asyncio.ensure_future(self._load_and_keep(symbol, provider))
            loading.add_done_callback(lambda done: self._loaded(key, done))
        return await asyncio.shield(loading)  # (an asker that gives up does not cancel the others' load)

    def _loaded(self, key: tuple[str, int], done: asyncio.Future[History]) -> None:
        self._loading.pop(key, None)
        if not done.cancelled():
            done.exception()  # (retrieved: every asker gave up and it failed is no "never retrieved" warning)

    async def _load_and_keep(self, symbol: str, provider: MarketDataProvider) -> History:
        generation = self._generation
        loaded = await self._load(symbol, provider)
        if generation == self._generation:
            self._history[symbol] = loaded
        return loaded

    async def _load(self, symbol: str, provider: MarketDataProvider) -> History:
        from data.store import iv_history

        stored = await self._store.run(lambda s: iv_history.history(s, symbol))
        end = provider.clock.now()
        bars = await provider.get_bars(symbol, Timeframe.D1, end - timedelta(days=HISTORY_DAYS), end)
        return np.array([iv for _day, iv, _at in stored], dtype=float), np.asarray(bars.close, dtype=float)


def _iv_rank(atm_30d: float, stored: np.ndarray, closes: np.ndarray) -> IvRank | None:
    from analytics.volatility import iv_rank

    return iv_rank(atm_30d, stored, closes)
