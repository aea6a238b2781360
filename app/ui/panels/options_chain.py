"""Wire the options chain panel to the options service and the chart's "open chain near"."""

from __future__ import annotations

from app.ui.panel_host import PanelHost
from widgets.options_chain_panel import OptionsChainPanel


def build(host: PanelHost) -> OptionsChainPanel:
    panel = OptionsChainPanel()
    pending: dict[str, float] = {}  # a focus asked for before the symbol's chain arrived

    def show(snapshot: object) -> None:
        if snapshot.symbol != host.engine.workspace.active_symbol:  # type: ignore[attr-defined]
            return  # a late answer for the previous symbol
        panel.set_snapshot(snapshot.chain, snapshot.greeks, snapshot.spot,  # type: ignore[attr-defined]
                           f"{snapshot.provider} · {snapshot.compute_ms:.0f} ms")  # type: ignore[attr-defined]
        price = pending.pop(snapshot.symbol, None)  # type: ignore[attr-defined]
        if price is not None:
            panel.focus_strike(price)

    def near(symbol: str, price: float) -> None:
        host.window.focus_panel("options_chain")
        if panel.model.rowCount() and symbol in panel.symbol_label.text():
            panel.focus_strike(price)
        else:
            pending[symbol] = price

    def initial() -> None:
        latest = host.engine.options.latest if host.engine.options else None
        if latest is not None:
            show(latest)

    host.bridge.options_updated.connect(show)
    host.bridge.options_unavailable.connect(panel.set_unavailable)
    host.bridge.chain_near_requested.connect(near)
    host.when_engine_ready(initial)
    return panel
