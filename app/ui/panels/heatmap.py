"""Wire the heatmap to the heatmap service (grids of each snapshot, computed off the loop, ahead
of time only while the panel is on screen); "Open in chain" asks for ``FocusContract``; a cell's
menu offers the shared symbol actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.core.heatmap import HeatmapService
from app.ui import symbol_actions
from app.ui.intents import FocusContract
from app.ui.panel_host import PanelHost
from app.ui.panels.options_feed import NewestView, follow_options, on_screen, watch_on_screen
from widgets.heatmap_panel import HeatmapPanel


def build(host: PanelHost) -> HeatmapPanel:
    panel = HeatmapPanel()
    shown: dict[str, Any] = {}  # the snapshot on screen: a mode or size change grids it again

    grids = NewestView(host, lambda v: panel.show_grid(v.snapshot.symbol, v.snapshot.spot, v.snapshot.chain,
                                                       v.snapshot.greeks, v.grid))

    def ask() -> None:
        if "snapshot" not in shown:
            return
        service, wanted, snap = host.engine.service(HeatmapService), panel.wanted(), shown["snapshot"]
        grids.request(lambda: service.heatmap(*wanted, snapshot=snap), lambda: service.ready(*wanted, snap))

    def show(snapshot: Any) -> None:
        shown["snapshot"] = snapshot
        ask()

    def unavailable(symbol: str, reason: str) -> None:
        shown.clear()
        grids.drop()
        panel.set_unavailable(symbol, reason)

    def open_in_chain(expiry: date, strike: float) -> None:
        host.intents.request(FocusContract(expiry, strike, panel.options_link.symbol()))

    def tell_service(visible: bool) -> None:  # it grids ahead only for a heatmap on screen
        if host.engine.started:
            host.engine.service(HeatmapService).set_shown(visible)

    follow_options(host, panel, show, unavailable)
    watch_on_screen(panel, tell_service)
    host.when_engine_ready(lambda: tell_service(on_screen(panel)))
    panel.view_changed.connect(ask)
    panel.open_in_chain.connect(open_in_chain)
    symbol_actions.connect(host, panel.symbol_actions, "heatmap", panel.status.setText)
    return panel
