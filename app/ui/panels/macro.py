"""Wire the Macro panel: the macro calendar and the active symbol's impact table (see
``app.ui.controllers.macro``)."""

from __future__ import annotations

from app.ui.panel_host import PanelHost
from widgets.macro.panel import MacroPanel


def build(host: PanelHost) -> MacroPanel:
    from app.ui.controllers.macro import MacroController

    panel = MacroPanel()
    panel.controller = MacroController(host, panel)
    return panel
