"""The trader's workspace state: watchlists, the active symbol, preferences.

Every change is validated, persisted through the store (off the GUI thread) and then
published on the bus, so panels only ever render what is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.core.bus import EventBus
from app.core.events import ActiveSymbolChanged, LinkedSymbolChanged, PreferenceChanged, WatchlistsChanged
from data.store import preference_specs, preferences
from data.store import watchlists as wl
from data.store.database import Store
from data.store.preference_specs import GROUP_DEFAULTS, LINK_GROUPS
from data.store.records import Watchlist
from data.symbols import SymbolError, normalize_symbol

if TYPE_CHECKING:
    from data.providers.base import MarketDataProvider


class Workspace:
    def __init__(self, store: Store, bus: EventBus,
                 symbol_problem: Callable[[str], str | None] | None = None) -> None:
        self._store = store
        self._bus = bus
        # the running provider's SymbolUniverse check (demo universe, a recording's symbol)
        self._symbol_problem = symbol_problem or (lambda _symbol: None)
        self.preferences: dict[str, Any] = {k: s.default for k, s in preference_specs.SPECS.items()}
        self.watchlists: tuple[Watchlist, ...] = ()
        self.active_watchlist_id = 0
        self.active_symbol = "SPY"
        self.linked: dict[str, str] = {}  # link group -> its symbol (the main group's is the active symbol)
        self._charts: dict[str, tuple[str, str | None]] = {}  # chart -> (its group, its own symbol in none)
        self._options_panels: set[str] = set()  # the linked owners that are options panels (their chains are made)

    async def load(self) -> None:
        self.preferences = await self._store.run(preferences.load_all)
        self.active_symbol = self.preferences["active_symbol"]
        self.linked = dict(self.preferences["link_group_symbols"])
        await self._refresh_watchlists(self.preferences["active_watchlist_id"])
        self._bus.publish(ActiveSymbolChanged(self.active_symbol))

    @property
    def active_watchlist(self) -> Watchlist:
        return next(w for w in self.watchlists if w.id == self.active_watchlist_id)

    def symbols_needed(self) -> set[str]:
        """What the live stream must carry: the active list, the active symbol, the linked charts' symbols."""
        charts = {own if not group else self.group_symbol(group) for group, own in self._charts.values()}
        return set(self.active_watchlist.symbols) | {self.active_symbol} | (charts - {None})

    def options_symbols(self) -> set[str]:
        """The symbols the options panels show (the active symbol's, and those of other groups or none)."""
        return {self.linked_symbol(owner) for owner in self._options_panels}

    def linked_symbol(self, owner: str) -> str:
        group, own = self._charts.get(owner, (LINK_GROUPS[0], None))
        return self.group_symbol(group) if group else (own or self.active_symbol)

    # -- link groups (panels linked by colour, as in TWS and thinkorswim) ---------------------
    def group_symbol(self, group: str) -> str:
        """The symbol of a link group: the main group ("red") follows the active symbol."""
        if group == LINK_GROUPS[0]:
            return self.active_symbol
        return self.linked.get(group) or GROUP_DEFAULTS.get(group, self.active_symbol)

    async def set_group_symbol(self, group: str, text: str) -> str:
        if group == LINK_GROUPS[0]:
            return await self.set_active_symbol(text)
        if group not in LINK_GROUPS:
            raise ValueError(f"'{group}' is not a link group")
        symbol = self._checked(text)
        self.linked[group] = symbol
        await self.set_preference("link_group_symbols", dict(self.linked))
        self._bus.publish(LinkedSymbolChanged(group, symbol))
        return symbol

    def link_chart(self, owner: str, group: str, symbol: str | None = None, options: bool = False) -> str:
        """Chart (or, ``options``, options panel) ``owner`` is in ``group`` ("" none, showing ``symbol``): its
        symbol is streamed (and its option chain made). Returns the symbol it is to show (``SymbolError``
        for one the provider lacks)."""
        shown = self._checked(symbol) if not group and symbol else None
        self._charts[owner] = (group, shown)
        if options:
            self._options_panels.add(owner)
        self._bus.publish(LinkedSymbolChanged("", shown or ""))  # the symbols needed follow
        return self.group_symbol(group) if group else (shown or self.active_symbol)

    # -- active symbol and preferences ----------------------------------------------------
    def _checked(self, text: str) -> str:
        """``text`` as a symbol the running provider has data for (``SymbolError`` says why not)."""
        symbol = normalize_symbol(text)  # SymbolError carries the user message
        if problem := self._symbol_problem(symbol):
            raise SymbolError(problem)
        return symbol

    async def set_active_symbol(self, text: str) -> str:
        symbol = self._checked(text)
        self.active_symbol = symbol
        await self.set_preference("active_symbol", symbol)
        self._bus.publish(ActiveSymbolChanged(symbol))
        return symbol

    async def follow_provider(self, provider: MarketDataProvider) -> None:
        """A replay plays one symbol: make it the active one (the engine calls this at start and
        after a provider switch, so the command line and the menu share the rule); a provider
        that serves any symbol leaves the trader's choice alone."""
        from data.providers.base import ReplayControls

        if isinstance(provider, ReplayControls) and provider.symbol != self.active_symbol:
            await self.set_active_symbol(provider.symbol)

    async def set_preference(self, key: str, value: Any) -> None:
        preference_specs.validate(key, value)
        await self._store.run(lambda s: preferences.save(s, key, value))
        self.preferences[key] = value
        self._bus.publish(PreferenceChanged(key, value))

    # -- watchlists ------------------------------------------------------------------------
    async def select_watchlist(self, watchlist_id: int) -> None:
        await self.set_preference("active_watchlist_id", watchlist_id)
        await self._refresh_watchlists(watchlist_id)

    async def create_watchlist(self, name: str) -> Watchlist:
        created = await self._store.run(lambda s: wl.create_watchlist(s, name))
        await self.select_watchlist(created.id)
        return created

    async def rename_watchlist(self, watchlist_id: int, name: str) -> None:
        await self._store.run(lambda s: wl.rename_watchlist(s, watchlist_id, name))
        await self._refresh_watchlists(self.active_watchlist_id)

    async def delete_watchlist(self, watchlist_id: int) -> None:
        await self._store.run(lambda s: wl.delete_watchlist(s, watchlist_id))
        await self._refresh_watchlists(self.active_watchlist_id)

    async def add_symbol(self, text: str) -> str:
        wid, symbol = self.active_watchlist_id, self._checked(text)
        updated = await self._store.run(lambda s: wl.add_symbol(s, wid, symbol))
        await self._refresh_watchlists(wid)
        return updated.symbols[-1]

    async def remove_symbol(self, symbol: str) -> None:
        wid = self.active_watchlist_id
        await self._store.run(lambda s: wl.remove_symbol(s, wid, symbol))
        await self._refresh_watchlists(wid)

    async def reorder_symbols(self, symbols: list[str]) -> None:
        wid = self.active_watchlist_id
        await self._store.run(lambda s: wl.reorder_symbols(s, wid, symbols))
        await self._refresh_watchlists(wid)

    async def reload_synced(self) -> None:
        """Re-read what another device may have changed (synced preferences and the watchlists)."""
        fresh = await self._store.run(preferences.load_all)
        for key, value in fresh.items():
            if not preference_specs.SPECS[key].local and self.preferences.get(key) != value:
                self.preferences[key] = value
                self._bus.publish(PreferenceChanged(key, value))
        await self._refresh_watchlists(self.active_watchlist_id)

    async def _refresh_watchlists(self, wanted_id: int) -> None:
        self.watchlists = tuple(await self._store.run(wl.list_watchlists))
        ids = [w.id for w in self.watchlists]
        self.active_watchlist_id = wanted_id if wanted_id in ids else ids[0]
        self._bus.publish(WatchlistsChanged(self.watchlists, self.active_watchlist_id))
