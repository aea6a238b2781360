"""Plots whose right-click is the app's own carry no pyqtgraph context menu, not even a built
and unused one (switched off after construction, each view had already built its menu)."""

from __future__ import annotations

import importlib

import pyqtgraph as pg
import pytest

from widgets.chart.chart_panel import ChartPanel
from widgets.earnings.analysis_view import CrushHeatmap, MovesPlot
from widgets.gex_panel import _profile_plot
from widgets.heatmap_panel import _grid_plot
from widgets.journal.heatmap import DailyHeatmap

# (by its module path: the package's attribute of that name is the class)
view_box_module = importlib.import_module("pyqtgraph.graphicsItems.ViewBox.ViewBox")


def _plot_items(widget) -> list[pg.PlotItem]:
    if isinstance(widget, pg.PlotWidget):
        return [widget.getPlotItem()]
    return list(widget.panes.plots)  # a chart: its price, RSI and MACD panes


@pytest.mark.parametrize("make", [ChartPanel, MovesPlot, CrushHeatmap, _profile_plot, _grid_plot,
                                  lambda: DailyHeatmap()], ids=["chart", "moves", "crush", "gex", "heatmap", "journal"])
def test_no_pyqtgraph_menu_is_built(qtbot, monkeypatch, make) -> None:
    built = []

    class CountedMenu(view_box_module.ViewBoxMenu):
        def __init__(self, view) -> None:
            built.append(view)
            super().__init__(view)

    monkeypatch.setattr(view_box_module, "ViewBoxMenu", CountedMenu)
    widget = make()
    if isinstance(widget, pg.QtWidgets.QWidget):
        qtbot.addWidget(widget)
    for item in _plot_items(widget):
        assert not item.menuEnabled()
        assert item.vb.menu is None
    assert built == []
