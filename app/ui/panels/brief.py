"""Wire the Morning brief panel (``controllers.brief``): loaded when the engine is ready and again
whenever a brief is made."""

from __future__ import annotations

from app.ui.controllers.brief import BriefController
from app.ui.panel_host import PanelHost
from widgets.brief.panel import MorningBriefPanel


def build(host: PanelHost) -> MorningBriefPanel:
    panel = MorningBriefPanel()
    controller = BriefController(host, panel)
    host.when_engine_ready(controller.load)
    return panel
