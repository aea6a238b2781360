"""Wire the Coach panel (``controllers.coach``): the conversations loaded when the engine is ready;
``AskCoach`` handled here (the panel brought forward, then asked)."""

from __future__ import annotations

from app.ui.controllers.coach import CoachController
from app.ui.panel_host import PanelHost
from widgets.coach.panel import CoachPanel


def build(host: PanelHost) -> CoachPanel:
    panel = CoachPanel()
    controller = CoachController(host, panel)
    host.when_engine_ready(controller.load)
    return panel
