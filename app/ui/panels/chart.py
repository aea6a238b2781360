"""The chart panel: a ``ChartPanel`` driven by its ``ChartController`` (loads, live bars, alerts)."""

from __future__ import annotations

from app.ui.controllers.chart import ChartController
from app.ui.controllers.chart_journal import ChartJournal
from app.ui.controllers.chart_provider_indicators import ChartProviderIndicators
from app.ui.panel_host import PanelHost
from widgets.chart.chart_panel import ChartPanel


def build(host: PanelHost) -> ChartPanel:
    panel = ChartPanel()
    ChartController(host, panel)  # a Qt child of the panel: kept alive by it
    ChartJournal(host, panel)  # "Save chart to trade…" (after the controller: it extends the menu)
    ChartProviderIndicators(host, panel)  # "Provider EMA/RSI" where the provider computes them
    return panel
