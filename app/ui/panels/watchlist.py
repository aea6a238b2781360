"""Wire the watchlist panel to the workspace and the live quote stream."""

from __future__ import annotations

from app.core.events import WatchlistsChanged
from app.core.market_data import MarketDataService
from app.core.workspace import Workspace
from app.ui import symbol_actions
from app.ui.panel_host import PanelHost
from widgets.watchlist_panel import WatchlistPanel, WatchlistView


def build(host: PanelHost) -> WatchlistPanel:
    panel = WatchlistPanel()

    def workspace() -> Workspace:
        return host.engine.service(Workspace)

    def show(event: WatchlistsChanged) -> None:
        views = [WatchlistView(w.id, w.name, w.symbols) for w in event.watchlists]
        panel.set_watchlists(views, event.active_id)
        # (the workspace publishes its lists once while the engine starts, before the stream exists)
        quotes = host.engine.service(MarketDataService).last_quotes if host.engine.started else {}
        for symbol in panel.model.symbols:
            if symbol in quotes:
                panel.update_quote(quotes[symbol])

    def initial() -> None:
        ws = workspace()
        show(WatchlistsChanged(ws.watchlists, ws.active_watchlist_id))

    def provider_changed(_name: str) -> None:
        panel.model.clear_quotes()  # the new feed's quotes follow; until then "…", not the old prices
        initial()

    host.bridge.watchlists_changed.connect(show)
    host.bridge.provider_changed.connect(provider_changed)
    host.bridge.quotes_updated.connect(lambda quotes: [panel.update_quote(q) for q in quotes])
    panel.symbol_add_requested.connect(lambda s: host.run(workspace().add_symbol(s), panel.show_error))
    panel.symbol_remove_requested.connect(lambda s: host.run(workspace().remove_symbol(s), panel.show_error))
    panel.order_changed.connect(lambda order: host.run(workspace().reorder_symbols(order), panel.show_error))
    panel.symbol_activated.connect(lambda s: host.run(host.open_symbol(s), panel.show_error))
    panel.watchlist_selected.connect(lambda i: host.run(workspace().select_watchlist(i), panel.show_error))
    panel.watchlist_create_requested.connect(lambda n: host.run(workspace().create_watchlist(n), panel.show_error))
    panel.watchlist_rename_requested.connect(
        lambda i, n: host.run(workspace().rename_watchlist(i, n), panel.show_error))
    panel.watchlist_delete_requested.connect(lambda i: host.run(workspace().delete_watchlist(i), panel.show_error))
    symbol_actions.connect(host, panel.symbol_actions, "watchlist", panel.show_error)
    host.when_engine_ready(initial)
    return panel
