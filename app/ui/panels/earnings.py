"""Wire the Earnings panel: the watchlist's calendar (``EarningsCalendarController``) on the left
with each report's implied move filled in behind it (``ImpliedMoves``), the selected symbol's
analysis (``EarningsAnalysisController``) embedded in ``panel.analysis_area`` on the right."""

from __future__ import annotations

from app.ui.controllers.earnings_analysis import EarningsAnalysisController
from app.ui.controllers.earnings_calendar import EarningsCalendarController
from app.ui.controllers.earnings_implied import ImpliedMoves
from app.ui.panel_host import PanelHost
from widgets.earnings.analysis_view import EarningsAnalysisView
from widgets.earnings.panel import EarningsPanel


def build(host: PanelHost) -> EarningsPanel:
    panel = EarningsPanel()
    panel.calendar = EarningsCalendarController(host, panel)  # a child of the panel: lives as long
    view = EarningsAnalysisView()
    panel.analysis_area.addWidget(view)
    panel.analysis = EarningsAnalysisController(host, view)
    implied = ImpliedMoves(host, panel)
    panel.calendar.shown.connect(implied.fill)
    panel.symbol_selected.connect(panel.analysis.show_symbol)
    return panel
