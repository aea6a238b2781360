"""The options chain panel: table model (ATM, ITM, in-place updates); the app: tests/ui/test_options_chain_in_app.py."""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
from PySide6.QtCore import Qt

from analytics.chain_greeks import chain_greeks
from app.core.option_pricing import load_option_pricing
from data.market_calendar import ET
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from data.rates import RISK_FREE_RATE, dividend_yield
from widgets.options_chain_panel import CALL_FIELDS, FIELDS, ITM_CALL, ITM_PUT, STRIKE_COLUMN, OptionsChainPanel

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=ET)


def _snapshot(calendar, at: datetime, symbol: str = "SPY"):
    p = DemoProvider(calendar, clock=SimClock(at, 1.0, lambda: 0.0), option_pricing=load_option_pricing)
    chain, spot = p.chain_at(symbol, at), p.quote_at(symbol, at).last
    return chain, chain_greeks(chain, spot, RISK_FREE_RATE, dividend_yield(symbol)), spot


def _column(side: str, field: str) -> int:
    if side == "call":
        return [f for _h, f, _k, _n in CALL_FIELDS].index(field)
    return STRIKE_COLUMN + 1 + [f for _h, f, _k, _n in FIELDS].index(field)


def test_rows_columns_atm_and_itm_shading(qtbot, calendar) -> None:
    panel = OptionsChainPanel()
    qtbot.addWidget(panel)
    chain, greeks, spot = _snapshot(calendar, NOON)
    panel.set_snapshot(chain, greeks, spot)
    model = panel.model
    assert panel.choice.dte == 0 and panel.expiry.itemText(0).endswith("0DTE")
    assert model.rowCount() == 41  # ±20 strikes around the money
    assert model.headerData(STRIKE_COLUMN, Qt.Orientation.Horizontal) == "Strike"
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    # bid/ask beside the strike, Bid | Ask on both sides (thinkorswim): … Bid Ask | Strike | Bid Ask …
    assert headers[STRIKE_COLUMN - 2:STRIKE_COLUMN + 3] == ["Bid", "Ask", "Strike", "Bid", "Ask"]
    assert headers[0] == headers[-1] == "Vega" and headers.count("Θ") == 2
    atm = model.atm_row
    assert abs(model.strikes[atm] - spot) == np.min(np.abs(model.strikes - spot))
    below, above = atm - 3, atm + 3
    bg = Qt.ItemDataRole.BackgroundRole
    assert model.data(model.index(below, _column("call", "bid")), bg).color() == ITM_CALL
    assert model.data(model.index(above, _column("put", "bid")), bg).color() == ITM_PUT
    assert model.data(model.index(above, _column("call", "bid")), bg) is None
    # each cell shows the contract's own numbers
    row = atm
    i = model.contract_row(row, "put")
    assert chain.strike[i] == model.strikes[row] and not chain.is_call[i]
    assert model.value(row, _column("put", "ask")) == chain.ask[i]
    assert model.value(row, _column("put", "theta")) == greeks.theta[i]
    assert model.data(model.index(row, _column("put", "iv"))) == f"{100 * greeks.iv[i]:.1f}%"
    assert model.data(model.index(row, _column("call", "delta"))).startswith("0.")
    assert chain.symbol[i] in model.data(model.index(row, _column("put", "bid")), Qt.ItemDataRole.ToolTipRole)


def _all_strikes_shown(qtbot, calendar):
    """A panel on screen showing all strikes of the noon chain (room to scroll), not following ATM."""
    panel = OptionsChainPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show()
    panel.strike_range.setCurrentIndex(3)
    chain, greeks, spot = _snapshot(calendar, NOON)
    panel.set_snapshot(chain, greeks, spot)
    panel.follow_atm.setChecked(False)
    return panel, chain, greeks, spot


def test_updates_in_place_keep_selection_and_scroll(qtbot, calendar) -> None:
    panel, *_noon = _all_strikes_shown(qtbot, calendar)
    resets: list[int] = []
    panel.model.modelReset.connect(lambda: resets.append(1))
    panel.table.selectRow(5)
    bar = panel.table.verticalScrollBar()
    bar.setValue(bar.maximum() // 3)
    before_scroll, before_strike = bar.value(), panel.model.strikes[5]
    later = _snapshot(calendar, datetime(2026, 11, 25, 12, 5, tzinfo=ET))
    panel.set_snapshot(*later)
    assert resets == [] and bar.value() == before_scroll
    assert panel.table.selectionModel().selectedRows()[0].row() == 5 and panel.model.strikes[5] == before_strike
    assert panel.model.spot == later[2]


def test_focus_strike_and_expiry_choice(qtbot, calendar) -> None:
    panel = OptionsChainPanel()
    qtbot.addWidget(panel)
    chain, greeks, spot = _snapshot(calendar, NOON, "SPX")
    panel.set_snapshot(chain, greeks, spot)
    labels = [panel.expiry.itemText(i) for i in range(panel.expiry.count())]
    assert any(t.endswith("SPX AM") for t in labels) and labels[0].endswith("0DTE")
    panel.focus_strike(spot * 0.8)  # outside ±20 strikes: the panel widens to every strike
    row = panel.model.focus_row
    assert abs(panel.model.strikes[row] - spot * 0.8) == np.min(np.abs(panel.model.strikes - spot * 0.8))
    assert panel.table.selectionModel().selectedRows()[0].row() == row and not panel.follow_atm.isChecked()
    panel.set_unavailable("XYZ", "No options data from the replay provider.")
    assert panel.model.rowCount() == 0 and "replay" in panel.status.text() and panel.is_ready()
    assert math.isnan(panel.model.spot) or panel.model.rowCount() == 0


def test_nothing_of_the_previous_symbol_stays(qtbot, calendar) -> None:
    panel = OptionsChainPanel()
    qtbot.addWidget(panel)
    panel.resize(1280, 400)
    panel.show()
    panel.set_snapshot(*_snapshot(calendar, NOON, "SPX"))
    panel.focus_strike(panel.model.strikes[3])  # selects, highlights, pauses "Follow ATM"
    assert panel.model.focus_row == 3 and not panel.follow_atm.isChecked()
    chain, greeks, spot = _snapshot(calendar, NOON, "NVDA")
    panel.set_snapshot(chain, greeks, spot)
    model = panel.model
    assert panel.table.selectionModel().selectedRows() == [] and model.focus_row == -1
    assert panel.follow_atm.isChecked() and panel.symbol == "NVDA" and "SPX" not in panel.symbol_label.text()
    assert abs(model.strikes[model.atm_row] - spot) == np.min(np.abs(model.strikes - spot))
    tips = [model.data(model.index(r, c), Qt.ItemDataRole.ToolTipRole) or "" for r in range(model.rowCount())
            for c in range(model.columnCount())]
    labels = [panel.expiry.itemText(i) for i in range(panel.expiry.count())]
    assert not any("SPX" in t for t in tips + labels) and any("NVDA" in t for t in tips)
    qtbot.waitUntil(lambda: panel.table.rowAt(panel.table.viewport().height() // 2) in
                    range(model.atm_row - 2, model.atm_row + 3))  # opened at the money


def test_small_greeks_keep_their_digits_and_never_read_minus_zero(qtbot, calendar) -> None:
    # A Ford chain's Θ read "-0.00" and Vega "0.00" on most rows (2 decimals for cents-sized greeks).
    from tests.widgets.table_checks import elided_cells, exponent_texts
    from widgets import numbers

    assert numbers.greek(-0.0042) == "-0.0042" and numbers.greek(-0.042) == "-0.042"
    assert numbers.greek(-0.35) == "-0.35" and numbers.greek(-0.00001) == "0.00"
    assert numbers.signed(-0.0004, 3) == "0.000" and numbers.signed(-1234.5, 1) == "-1,234.5"
    panel = OptionsChainPanel()
    qtbot.addWidget(panel)
    panel.resize(1400, 600)
    panel.show()
    panel.set_snapshot(*_snapshot(calendar, NOON, "F"))
    model = panel.model
    texts = [model.data(model.index(r, c)) for r in range(model.rowCount()) for c in range(model.columnCount())]
    assert not [t for t in texts if t and t.lstrip("-").strip("0.") == "" and t.startswith("-")]
    for side in ("call", "put"):
        for field in ("theta", "vega"):
            shown = [model.data(model.index(r, _column(side, field))) for r in range(model.rowCount())]
            values = [model.value(r, _column(side, field)) for r in range(model.rowCount())]
            # every greek of at least 0.0001 shows a non-zero digit
            assert all(t.strip("-0.,") for t, v in zip(shown, values, strict=True) if abs(v) >= 1e-4), shown
    qtbot.wait(10)
    assert elided_cells(panel.table) == [] and exponent_texts(model) == []


def test_in_the_money_shading_follows_the_theme(qtbot, calendar) -> None:
    # The dark theme's ITM tints turned muddy grey on the light theme.
    from PySide6.QtGui import QColor, QPalette

    from widgets.options_chain_panel import ITM_COLORS

    panel = OptionsChainPanel()
    qtbot.addWidget(panel)
    panel.set_snapshot(*_snapshot(calendar, NOON))
    model, bg = panel.model, Qt.ItemDataRole.BackgroundRole
    below = model.atm_row - 3
    light = QPalette(panel.palette())
    light.setColor(QPalette.ColorRole.Window, QColor("#f3f4f6"))
    panel.setPalette(light)  # what the app's light theme does
    assert model.data(model.index(below, _column("call", "bid")), bg).color() == ITM_COLORS["light"][0]
    assert model.data(model.index(below + 6, _column("put", "bid")), bg).color() == ITM_COLORS["light"][1]
    panel.set_theme("dark")
    assert model.data(model.index(below, _column("call", "bid")), bg).color() == ITM_CALL


def test_a_refresh_repaints_only_the_rows_that_changed(qtbot, calendar) -> None:
    """Same strikes, one bid moved: ``dataChanged`` covers that row (and the ATM row, whose
    bold and tint follow the spot), not the table; selection and scroll stay."""
    from dataclasses import replace

    panel, chain, greeks, spot = _all_strikes_shown(qtbot, calendar)
    model, bar = panel.model, panel.table.verticalScrollBar()
    panel.table.selectRow(5)
    bar.setValue(bar.maximum() // 3)
    row = model.atm_row + 4
    i = model.contract_row(row, "put")
    bid = chain.bid.copy()
    bid[i] += 0.25
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, *_r: changed.append((top.row(), bottom.row())))
    panel.set_snapshot(replace(chain, bid=bid), greeks, spot)
    repainted = {r for top, bottom in changed for r in range(top, bottom + 1)}
    assert row in repainted and repainted <= {row, model.atm_row}
    assert model.value(row, _column("put", "bid")) == bid[i]
    assert model.data(model.index(row, _column("put", "bid"))) == f"{bid[i]:,.2f}"
    assert panel.table.selectionModel().selectedRows()[0].row() == 5 and bar.value() == bar.maximum() // 3
    changed.clear()
    panel.set_snapshot(replace(chain, bid=bid), greeks, spot)  # nothing new: nothing repainted but the ATM row
    assert {r for top, bottom in changed for r in range(top, bottom + 1)} <= {model.atm_row}
