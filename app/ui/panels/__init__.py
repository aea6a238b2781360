"""The panel registry: every dockable panel is one entry here.

A later panel is added by writing its builder (``build(host) -> QWidget``) and one
``PanelSpec`` line below; the main window creates the dock, the View-menu toggle, the layout
slot and the smoke-test paint from this list. A panel is built when its dock is first on
screen (or another panel asks it for something: ``intents``), not at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.ui.panel_host import PanelHost

Area = Qt.DockWidgetArea


@dataclass(frozen=True, slots=True)
class PanelSpec:
    object_name: str  # stable: saved layouts refer to it
    title: str
    area: Qt.DockWidgetArea
    builder: str  # "module:function", imported when the panel is built (after first paint)
    tab_with: str | None = None  # default layout: tab onto this panel
    below: str | None = None  # default layout: split this panel's dock, placed under it
    # the intents its builder handles, by class name in ``app.ui.intents`` (whose ~14 dataclasses
    # are not made before the first paint): asking for one builds the panel if it is not yet
    # (a panel off screen is built when first shown; tests/ui/test_lazy_panels.py keeps this true)
    intents: tuple[str, ...] = ()

    def intent_kinds(self) -> tuple[type, ...]:
        from app.ui import intents

        return tuple(getattr(intents, name) for name in self.intents)

    def build(self, host: PanelHost) -> QWidget:
        from importlib import import_module

        from app.ui.pyqtgraph_import import import_pyqtgraph

        import_pyqtgraph()  # (before a panel's module imports it: without making every Qt class)
        module, func = self.builder.split(":")
        build: Callable[[PanelHost], QWidget] = getattr(import_module(module), func)
        return build(host)


PANELS: tuple[PanelSpec, ...] = (
    PanelSpec("chart", "Chart", Area.RightDockWidgetArea, "app.ui.panels.chart:build",
              intents=("TrackSetupAt", "DrawChartLevels", "AddChartMarker")),
    PanelSpec("watchlist", "Watchlist", Area.LeftDockWidgetArea, "app.ui.panels.watchlist:build"),
    PanelSpec("notifications", "Notifications", Area.LeftDockWidgetArea, "app.ui.panels.notifications:build",
              below="watchlist"),
    PanelSpec("alerts", "Alerts", Area.LeftDockWidgetArea, "app.ui.panels.alerts:build", tab_with="notifications",
              intents=("PrefillAlert",)),
    PanelSpec("health", "Worker health", Area.LeftDockWidgetArea, "app.ui.panels.health:build",
              tab_with="notifications"),
    PanelSpec("preferences", "Preferences", Area.LeftDockWidgetArea, "app.ui.panels.preferences:build",
              tab_with="notifications"),
    PanelSpec("options_chain", "Options chain", Area.RightDockWidgetArea, "app.ui.panels.options_chain:build",
              below="chart", intents=("ShowChainNear", "FocusContract", "OpenPositionEntry")),
    PanelSpec("gex", "GEX profile", Area.RightDockWidgetArea, "app.ui.panels.gex:build", tab_with="options_chain"),
    PanelSpec("heatmap", "Options heatmap", Area.RightDockWidgetArea, "app.ui.panels.heatmap:build",
              tab_with="options_chain"),
    PanelSpec("zero_dte", "0DTE", Area.RightDockWidgetArea, "app.ui.panels.zero_dte:build", tab_with="options_chain"),
    PanelSpec("iv", "IV", Area.RightDockWidgetArea, "app.ui.panels.iv:build", tab_with="options_chain"),
    PanelSpec("scanner", "Scanner", Area.RightDockWidgetArea, "app.ui.panels.scanner:build", tab_with="options_chain"),
    PanelSpec("tracked_setups", "Tracked setups", Area.RightDockWidgetArea, "app.ui.panels.tracked_setups:build",
              tab_with="options_chain"),
    PanelSpec("positions", "Positions", Area.RightDockWidgetArea, "app.ui.panels.positions:build",
              tab_with="options_chain", intents=("ShowPosition",)),
    PanelSpec("journal", "Journal", Area.RightDockWidgetArea, "app.ui.panels.journal:build", tab_with="options_chain",
              intents=("ShowTrades",)),
    PanelSpec("journal_dashboard", "Journal dashboard", Area.RightDockWidgetArea,
              "app.ui.panels.journal_dashboard:build", tab_with="options_chain"),
    PanelSpec("brief", "Morning brief", Area.RightDockWidgetArea, "app.ui.panels.brief:build",
              tab_with="options_chain"),
    PanelSpec("macro", "Macro calendar", Area.RightDockWidgetArea, "app.ui.panels.macro:build",
              tab_with="options_chain"),
    PanelSpec("earnings", "Earnings", Area.RightDockWidgetArea, "app.ui.panels.earnings:build",
              tab_with="options_chain"),
    PanelSpec("coach", "Coach", Area.RightDockWidgetArea, "app.ui.panels.coach:build", tab_with="options_chain",
              intents=("AskCoach",)),
)
