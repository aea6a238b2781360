"""The panel registry: every dockable panel is one entry here.

A later panel is added by writing its builder (``build(host) -> QWidget``) and one
``PanelSpec`` line below; the main window creates the dock, the View-menu toggle, the layout
slot and the smoke-test paint from this list. A panel is built when its dock is first on
screen (or another panel asks it for something: ``intents``), not at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

    from app.ui.panel_host import PanelHost

AREAS = ("left", "right", "top", "bottom")


# (A NamedTuple, not a dataclass: the registry is read before the first paint, and on Python 3.11
# importing dataclasses and making one costs ~4 ms and 1–2 ms, a NamedTuple ~0.1 ms.)
class PanelSpec(NamedTuple):
    object_name: str  # stable: saved layouts refer to it
    title: str
    area: str  # its dock area in the built-in layout, one of AREAS (a name: Qt's enum is not made
    # before the first paint, see widgets/enum_property.py)
    builder: str  # "module:function", imported when the panel is built (after first paint)
    tab_with: str | None = None  # default layout: tab onto this panel
    below: str | None = None  # default layout: split this panel's dock, placed under it
    # the intents its builder handles, by class name in ``app.ui.intents`` (whose ~14 dataclasses
    # are not made before the first paint): asking for one builds the panel if it is not yet
    # (a panel off screen is built when first shown; tests/ui/test_lazy_panels.py keeps this true)
    intents: tuple[str, ...] = ()

    def dock_area(self) -> Qt.DockWidgetArea:
        from PySide6 import QtCore

        if self.area not in AREAS:
            raise ValueError(f"panel {self.object_name!r}: area {self.area!r} is not one of {AREAS}")
        return getattr(QtCore.Qt.DockWidgetArea, f"{self.area.title()}DockWidgetArea")

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
    PanelSpec("chart", "Chart", "right", "app.ui.panels.chart:build",
              intents=("TrackSetupAt", "DrawChartLevels", "AddChartMarker")),
    PanelSpec("watchlist", "Watchlist", "left", "app.ui.panels.watchlist:build"),
    PanelSpec("notifications", "Notifications", "left", "app.ui.panels.notifications:build",
              below="watchlist"),
    PanelSpec("alerts", "Alerts", "left", "app.ui.panels.alerts:build", tab_with="notifications",
              intents=("PrefillAlert",)),
    PanelSpec("health", "Worker health", "left", "app.ui.panels.health:build",
              tab_with="notifications"),
    PanelSpec("preferences", "Preferences", "left", "app.ui.panels.preferences:build",
              tab_with="notifications"),
    PanelSpec("options_chain", "Options chain", "right", "app.ui.panels.options_chain:build",
              below="chart", intents=("ShowChainNear", "FocusContract", "OpenPositionEntry")),
    PanelSpec("gex", "GEX profile", "right", "app.ui.panels.gex:build", tab_with="options_chain"),
    PanelSpec("heatmap", "Options heatmap", "right", "app.ui.panels.heatmap:build",
              tab_with="options_chain"),
    PanelSpec("zero_dte", "0DTE", "right", "app.ui.panels.zero_dte:build", tab_with="options_chain"),
    PanelSpec("iv", "IV", "right", "app.ui.panels.iv:build", tab_with="options_chain"),
    PanelSpec("scanner", "Scanner", "right", "app.ui.panels.scanner:build", tab_with="options_chain"),
    PanelSpec("tracked_setups", "Tracked setups", "right", "app.ui.panels.tracked_setups:build",
              tab_with="options_chain"),
    PanelSpec("positions", "Positions", "right", "app.ui.panels.positions:build",
              tab_with="options_chain", intents=("ShowPosition",)),
    PanelSpec("journal", "Journal", "right", "app.ui.panels.journal:build", tab_with="options_chain",
              intents=("ShowTrades",)),
    PanelSpec("journal_dashboard", "Journal dashboard", "right",
              "app.ui.panels.journal_dashboard:build", tab_with="options_chain"),
    PanelSpec("brief", "Morning brief", "right", "app.ui.panels.brief:build",
              tab_with="options_chain"),
    PanelSpec("macro", "Macro calendar", "right", "app.ui.panels.macro:build",
              tab_with="options_chain"),
    PanelSpec("earnings", "Earnings", "right", "app.ui.panels.earnings:build",
              tab_with="options_chain"),
    PanelSpec("coach", "Coach", "right", "app.ui.panels.coach:build", tab_with="options_chain",
              intents=("AskCoach",)),
)
