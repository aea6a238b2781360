"""Wire the Earnings panel: the watchlist's calendar (``EarningsCalendarController``) on the left,
the selected symbol's analysis embedded in ``panel.analysis_area`` on the right."""

from __future__ import annotations

from app.ui.controllers.earnings_calendar import EarningsCalendarController
from app.ui.panel_host import PanelHost
from widgets.earnings.panel import EarningsPanel


def build(host: PanelHost) -> EarningsPanel:
    panel = EarningsPanel()
    panel.calendar = EarningsCalendarController(host, panel)  # a child of the panel: lives as long
    return panel
