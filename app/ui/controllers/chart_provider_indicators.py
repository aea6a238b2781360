"""The provider's own EMA 21 and RSI 14 on the chart, beside ours: a "Provider EMA/RSI" toggle on the
chart's toolbar, shown while the running provider computes indicators on the chart's timeframe
(``IndicatorsProvider``: Massive on 1-minute and daily bars; the demo and replay providers do not).

Drawn as dashed lines over our EMA 21 (price pane) and RSI 14 (RSI pane), so a difference shows:
over the provider's warm-up it seeds elsewhere, and its minute series runs through the extended
hours a regular-hours chart leaves out. Fetched when bars are loaded (symbol, timeframe, a
reload); live bars extend our lines, not these, until the next load.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction

from app.core.chart_data import ChartDataService
from app.ui.panel_host import PanelHost
from data.models import Bars
from widgets.chart.chart_panel import ChartPanel
from widgets.chart.palette import COLORS

EMA_WINDOW, RSI_WINDOW = 21, 14


def _dashed(plot: pg.PlotItem, color: str) -> pg.PlotDataItem:
    item = pg.PlotDataItem(pen=pg.mkPen(color, width=1, style=Qt.PenStyle.DashLine), connect="finite")
    plot.addItem(item)
    return item


class ChartProviderIndicators(QObject):
    """A Qt child of the panel; wraps ``panel.set_bars`` to follow each load."""

    def __init__(self, host: PanelHost, panel: ChartPanel) -> None:
        super().__init__(panel)
        self.host, self.panel = host, panel
        self.action = QAction("Provider EMA/RSI", panel, checkable=True)
        self.action.setToolTip(f"The data provider's own EMA {EMA_WINDOW} and RSI {RSI_WINDOW} (dashed), "
                               "computed on its servers, over ours")
        self.action.setVisible(False)
        self.action.toggled.connect(self._toggled)
        panel.toolbar.addAction(self.action)
        self.ema_line = _dashed(panel.price_plot, COLORS["ema21"])
        self.rsi_line = _dashed(panel.panes.rsi_plot, COLORS["signal"])
        self.bars: Bars | None = None
        self._loads = 0  # a newer load's answer wins over an older one still on its way
        shown = panel.set_bars

        def set_bars(symbol, bars, *args, **kwargs):
            shown(symbol, bars, *args, **kwargs)
            self.bars_shown(bars)

        panel.set_bars = set_bars

    def _chart_data(self) -> ChartDataService | None:
        try:
            return self.host.engine.service(ChartDataService)
        except LookupError:  # not started yet, or between providers
            return None

    def bars_shown(self, bars: Bars) -> None:
        self.bars = bars
        chart = self._chart_data()
        self.action.setVisible(chart is not None and chart.serves_indicators(bars.timeframe))
        self._clear()
        if self.action.isVisible() and self.action.isChecked():
            self._fetch(bars)

    def _toggled(self, on: bool) -> None:
        self._clear()
        if on and self.bars is not None:
            self._fetch(self.bars)

    def _clear(self) -> None:
        self.ema_line.setData([], [])
        self.rsi_line.setData([], [])

    def _fetch(self, bars: Bars) -> None:
        chart = self._chart_data()
        if chart is None or not len(bars):
            return
        self._loads += 1
        load, panel = self._loads, self.panel

        async def run() -> None:
            ema = await chart.provider_indicator(bars, "ema", (EMA_WINDOW,))
            rsi = await chart.provider_indicator(bars, "rsi", (RSI_WINDOW,))
            if shiboken6.isValid(panel) and load == self._loads and self.action.isChecked():
                self.draw(ema.value if ema else None, rsi.value if rsi else None)

        self.host.run(run(), lambda message: panel.status.setText(f"No provider indicators: {message}"))

    def draw(self, ema: np.ndarray | None, rsi: np.ndarray | None) -> None:
        """The provider's values, one per bar of the chart (NaN: none for that bar)."""
        for line, values in ((self.ema_line, ema), (self.rsi_line, rsi)):
            if values is None:
                line.setData([], [])
            else:
                line.setData(np.arange(len(values), dtype=np.float64), values)
