"""The heatmap panel fed a grid (in the app: tests/ui/test_heatmap_in_app.py)."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from app.core.heatmap import heatmap_view
from data.market_calendar import ET
from tests.core.options_snapshots import demo_snapshot
from widgets.heatmap_panel import HeatmapPanel


def test_the_panel_asks_for_a_grid_and_draws_the_answer(qtbot, calendar) -> None:
    snap = demo_snapshot(calendar, "SPX", datetime(2026, 11, 25, 12, 0, tzinfo=ET))
    panel = HeatmapPanel()
    qtbot.addWidget(panel)
    asked: list[tuple[str, int, int]] = []
    panel.view_changed.connect(lambda: asked.append(panel.wanted()))
    panel.mode.setCurrentText("IV")
    panel.strikes.setValue(30)
    assert asked == [("IV", 5, 50), ("IV", 5, 30)] and panel.grid is None  # nothing computed here
    view = heatmap_view(snap, *panel.wanted())
    panel.show_grid(snap.symbol, snap.spot, snap.chain, snap.greeks, view.grid)
    assert panel.grid is view.grid and panel.is_ready() and panel.status.text().startswith("IV % ·")


def _show(panel: HeatmapPanel, snap) -> None:
    view = heatmap_view(snap, *panel.wanted())
    panel.show_grid(snap.symbol, snap.spot, snap.chain, snap.greeks, view.grid)


def _hover_cell(panel: HeatmapPanel, row: int, col: int) -> None:
    from PySide6.QtCore import QPointF

    panel._hover(panel.plot.getViewBox().mapViewToScene(QPointF(col + 0.5, row + 0.5)))


def test_hover_and_inspector_write_numbers_in_full(qtbot, calendar) -> None:
    snap = demo_snapshot(calendar, "NDX", datetime(2026, 11, 25, 12, 0, tzinfo=ET))
    panel = HeatmapPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 500)
    panel.show()
    for mode in ("Volume", "Open interest", "IV", "GEX"):
        panel.mode.setCurrentText(mode)
        _show(panel, snap)
        row, col = (int(i) for i in np.unravel_index(np.nanargmax(np.abs(panel.grid.values)), panel.grid.values.shape))
        _hover_cell(panel, row, col)
        panel.inspect(row, col)
        texts = [panel.plot.toolTip(), panel.detail.text(), panel.status.text()]
        assert texts[0] and all("e+" not in t and "e-0" not in t for t in texts), texts
    assert "," in panel.detail.text().splitlines()[0]  # "strike 24,350": thousands separated


def test_nothing_of_the_previous_symbol_stays(qtbot, calendar) -> None:
    at = datetime(2026, 11, 25, 12, 0, tzinfo=ET)
    spx, nvda = demo_snapshot(calendar, "SPX", at), demo_snapshot(calendar, "NVDA", at)
    panel = HeatmapPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 500)
    panel.show()
    _show(panel, spx)
    panel.inspect(0, 3)
    _hover_cell(panel, 0, 3)
    assert "SPX" in panel.detail.text() and panel.open_button.isEnabled() and "SPX" in panel.plot.toolTip()
    _show(panel, spx)  # a refresh of the same symbol keeps the inspected cell
    assert "SPX" in panel.detail.text() and panel.open_button.isEnabled()
    _show(panel, nvda)
    shown = [panel.detail.text(), panel.plot.toolTip(), panel.symbol.text(), panel.status.text()]
    assert not any("SPX" in t for t in shown), shown
    assert not panel.open_button.isEnabled() and panel._selected is None


def test_iv_reads_in_percent_and_gex_in_one_compact_format(qtbot, calendar) -> None:
    # "IV (decimal IV)"; the GEX hover said "$162,799,463" where the scale said "$205M".
    import re

    from widgets import numbers

    assert numbers.compact_money(162_799_463) == "$163M" and numbers.compact_money(-2.05e8) == "−$205M"
    assert numbers.compact_money(1.234e9) == "$1.23B" and numbers.compact_money(999_960) == "$1.00M"
    snap = demo_snapshot(calendar, "SPX", datetime(2026, 11, 25, 12, 0, tzinfo=ET))
    panel = HeatmapPanel()
    qtbot.addWidget(panel)
    panel.mode.setCurrentText("IV")
    _show(panel, snap)
    assert re.search(r"scale \d+\.\d% … \d+\.\d%", panel.status.text()), panel.status.text()
    panel.mode.setCurrentText("GEX")
    _show(panel, snap)
    assert re.search(r"scale −\$[\d.]+[KMB] … \$[\d.]+[KMB]", panel.status.text()), panel.status.text()
    first = panel.describe(0, 0).splitlines()[0]
    assert re.search(r"GEX: (−?\$[\d.]+[KMB]|−?\$\d+)$", first), first


def test_an_all_zero_grid_says_why_on_the_plot(qtbot, calendar) -> None:
    # Pre-market the Volume heatmap was a solid purple block with "scale 0 … 1.0" and no word.
    at = datetime(2026, 11, 25, 8, 0, tzinfo=ET)
    snap = demo_snapshot(calendar, "SPX", at)
    panel = HeatmapPanel()
    qtbot.addWidget(panel)
    _show(panel, snap)
    assert panel.wanted()[0] == "Volume" and np.nanmax(panel.grid.values) == 0
    assert panel.empty_note.isVisible() and "No volume yet today" in panel.empty_note.textItem.toPlainText()
    assert panel.status.text().endswith("all zero")  # not "scale 0 … 1.0"
    panel.mode.setCurrentText("Open interest")
    _show(panel, snap)
    assert not panel.empty_note.isVisible()


def test_a_cells_menu_opens_it_in_the_chain_and_offers_the_shared_actions_at_its_strike(qtbot, calendar) -> None:
    snap = demo_snapshot(calendar, "SPX", datetime(2026, 11, 25, 12, 0, tzinfo=ET))
    panel = HeatmapPanel()
    qtbot.addWidget(panel)
    assert panel.context_menu(0, 0) is None  # no grid yet
    _show(panel, snap)
    panel.symbol_actions.offers = lambda name: True
    asked: list = []
    panel.symbol_actions.requested.connect(lambda name, subject: asked.append((name, subject)))
    opened: list = []
    panel.open_in_chain.connect(lambda expiry, strike: opened.append((expiry, strike)))
    expiry, strike = panel.grid.expiries[1], float(panel.grid.strikes[3])
    menu = panel.context_menu(1, 3)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts[0] == f"Open in chain: {expiry:%b %d} strike {strike:,.0f}"
    assert texts[1:] == ["Open SPX chart", f"Alert at strike {strike:,.2f}…", f"Track setup at strike {strike:,.2f}…",
                         "Ask the coach about SPX"]  # no "Open chain near": the first entry is that, at the expiry
    menu.actions()[0].trigger()
    assert opened == [(expiry, strike)]
    next(a for a in menu.actions() if a.text().startswith("Alert")).trigger()
    assert asked[-1][0] == "alert" and asked[-1][1].symbol == "SPX" and asked[-1][1].price == strike
    question = next(a for a in menu.actions() if a.text().startswith("Ask"))
    question.trigger()
    assert f"{expiry:%b %d}" in asked[-1][1].coach_question()
    menu.deleteLater()
