"""Wire the options chain panel to the options service; it does ``ShowChainNear`` and ``FocusContract``."""

from __future__ import annotations

from typing import Any

from app.ui.intents import FocusContract, ShowChainNear
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

    def near(intent: ShowChainNear) -> None:
        if panel.model.rowCount() and panel.symbol == intent.symbol:
            panel.focus_strike(intent.price)
        else:
            pending[intent.symbol] = intent.price

    follow_options(host, panel, show, panel.set_unavailable)
    host.intents.handle(ShowChainNear, near, panel="options_chain")
    host.intents.handle(FocusContract, lambda i: panel.focus_contract(i.expiry, i.strike), panel="options_chain")
    return panel
