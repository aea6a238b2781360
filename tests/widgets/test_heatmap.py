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
    assert panel.grid is view.grid and panel.is_ready() and panel.status.text().startswith("IV (decimal IV)")


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
