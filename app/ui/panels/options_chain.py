"""Wire the options chain panel to the options service; it does ``ShowChainNear`` and ``FocusContract``,
and owns the new-position dialog (``OpenPositionEntry``), which its contract menu asks for."""

from __future__ import annotations

from typing import Any

from app.core.workspace import Workspace
from app.ui import symbol_actions
from app.ui.controllers.position_entry import PositionEntry
from app.ui.intents import FocusContract, OpenPositionEntry, ShowChainNear
from app.ui.panel_host import PanelHost
from app.ui.panels.options_feed import follow_options
from widgets.options_chain_panel import OptionsChainPanel

COLUMNS_PREFERENCE = "chain_columns"


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

    def remember_columns(text: str) -> None:
        host.run(host.engine.service(Workspace).set_preference(COLUMNS_PREFERENCE, text),
                 lambda msg: panel.status.setText(f"Could not save the column choice: {msg}"))

    def restore() -> None:
        prefs = host.engine.service(Workspace).preferences
        panel.columns.restore(str(prefs.get(COLUMNS_PREFERENCE, "")))
        panel.set_strike_range(int(prefs.get("chain_strike_range", 20)))  # the Preferences' ±N strikes

    host.when_engine_ready(restore)
    panel.columns.chosen.connect(remember_columns)
    follow_options(host, panel, show, panel.set_unavailable)
    host.intents.handle(ShowChainNear, near, panel="options_chain")
    def focus(intent: FocusContract) -> None:
        if intent.symbol and intent.symbol != panel.symbol:  # e.g. a heatmap of another link group
            panel.status.setText(f"The chain shows {panel.symbol}, not {intent.symbol}: put it in that "
                                 f"symbol's link group to open the contract here.")
            return
        panel.focus_contract(intent.expiry, intent.strike)

    host.intents.handle(FocusContract, focus, panel="options_chain")
    PositionEntry(host, panel)
    panel.can_open = lambda: host.intents.handles(OpenPositionEntry)
    symbol_actions.connect(host, panel.symbol_actions, "chain")
    panel.open_requested.connect(lambda contract, qty: host.intents.request(
        OpenPositionEntry(panel.symbol or "", contract, qty)))
    return panel
