"""The options chain's contract menu: "Buy to open …" / "Sell to open …" on a call or put, only
when the owner says a panel opens positions, then the shared symbol actions the owner offers;
the app: tests/ui/test_position_entry_in_app.py."""

from __future__ import annotations

import numpy as np

from tests.widgets.test_options_chain_panel import NOON, _column, _snapshot
from widgets.options_chain_panel import STRIKE_COLUMN, OptionsChainPanel


def test_the_contract_menu_buys_or_sells_the_cell_s_contract(qtbot, calendar) -> None:
    panel = OptionsChainPanel()
    qtbot.addWidget(panel)
    chain, greeks, spot = _snapshot(calendar, NOON)
    panel.set_snapshot(chain, greeks, spot)
    row = panel.model.atm_row
    put = panel.model.index(row, _column("put", "bid"))
    no_positions = [a.text() for a in panel.context_menu(put).actions()]
    assert no_positions == ["Open SPY chart"]  # no panel opens positions yet: only the shared actions offered
    panel.can_open = lambda: True
    assert panel.context_menu(panel.model.index(row, STRIKE_COLUMN)) is None  # a strike is no contract
    asked = []
    panel.open_requested.connect(lambda contract, qty: asked.append((contract, qty)))
    strike = f"{panel.model.strikes[row]:g}"
    menu = panel.context_menu(put)
    texts = [a.text() for a in menu.actions()]
    assert texts == [f"Buy to open SPY {chain.expiry[0].astype(object):%b %d} {strike} put…",
                     f"Sell to open SPY {chain.expiry[0].astype(object):%b %d} {strike} put…", "", "Open SPY chart"]
    menu.actions()[1].trigger()
    call_menu = panel.context_menu(panel.model.index(row, _column("call", "delta")))
    call_menu.actions()[0].trigger()
    put_symbol, call_symbol = (panel.model.contract_symbol(row, side) for side in ("put", "call"))
    assert asked == [(put_symbol, -1), (call_symbol, 1)]
    assert np.flatnonzero(chain.symbol == put_symbol).size == 1 and call_symbol.startswith("SPY")
