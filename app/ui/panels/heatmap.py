"""Wire the heatmap to the options service; "Open in chain" asks for ``FocusContract``."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.ui.intents import FocusContract
from app.ui.panel_host import PanelHost
from app.ui.panels.options_feed import follow_options
from widgets.heatmap_panel import HeatmapPanel


def build(host: PanelHost) -> HeatmapPanel:
    panel = HeatmapPanel()
    current: dict[str, Any] = {}

    def compute(mode: str, n_expiries: int, n_strikes: int):
        from analytics.heatmap import HeatmapMode, heatmap  # SciPy is loaded by then (the service)

        snap = current.get("snapshot")
        if snap is None:
            return None
        return heatmap(snap.chain, snap.spot, HeatmapMode(mode), gamma=snap.greeks.gamma, iv=snap.greeks.iv,
                       n_expiries=n_expiries, n_strikes=n_strikes)

    def show(snapshot: Any) -> None:
        current["snapshot"] = snapshot
        panel.set_chain(snapshot.symbol, snapshot.chain, snapshot.greeks, snapshot.spot)

    def open_in_chain(expiry: date, strike: float) -> None:
        host.intents.request(FocusContract(expiry, strike))

    panel.compute = compute
    follow_options(host, panel, show, panel.set_unavailable)
    panel.open_in_chain.connect(open_in_chain)
    return panel
