"""Wire the options chain panel to the options service and the chart's "open chain near"."""

from __future__ import annotations

from typing import Any

from app.ui.panel_host import PanelHost
from app.ui.panels.options_feed import follow_options
from widgets.options_chain_panel import OptionsChainPanel


def build(host: PanelHost) -> OptionsChainPanel:
    panel = OptionsChainPanel()
    pending: dict[str, float] = {}  # a focus asked for before the symbol's chain arrived

    def show(snapshot: Any) -> None:
        panel.set_snapshot(snapshot.chain, snapshot.greeks, snapshot.spot,
                           f"{snapshot.provider} · {snapshot.compute_ms:.0f} ms")
        price = pending.pop(snapshot.symbol, None)
        if price is not None:
            panel.focus_strike(price)

    def near(symbol: str, price: float) -> None:
        host.window.focus_panel("options_chain")
        if panel.model.rowCount() and panel.symbol == symbol:
            panel.focus_strike(price)
        else:
            pending[symbol] = price

    follow_options(host, panel, show, panel.set_unavailable)
    host.bridge.chain_near_requested.connect(near)
    return panel
