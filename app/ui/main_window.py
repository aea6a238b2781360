"""The main window: one dock per registered panel, View menu, layouts menu, status bar.

Docks are created empty first (so the frame paints at once and saved layouts can be restored
before the first paint); ``build_panels`` fills those on screen afterwards, and each other dock
is filled when it first comes on screen or its panel is needed (``app.ui.panel_widgets``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

# (``QtCore.Qt`` read where used, after the first paint: making its Python type costs 15–25 ms,
# see widgets/enum_property.py)
from PySide6 import QtCore
from PySide6.QtCore import QChildEvent, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMenu, QTabBar

from app.ui.panel_widgets import PanelWidgets
from app.ui.panels import PANELS, PanelSpec
from app.ui.status_bar import MarketStatusBar
from resources import resource_path
from widgets.dock_title_bar import give_title_bar_when_shown
from widgets.enum_property import set_enum_property
from widgets.view_looks import style_views

if TYPE_CHECKING:  # (made after the first paint)
    from app.ui.panel_host import PanelHost

log = logging.getLogger(__name__)


def make_dock(window: QMainWindow, spec: PanelSpec) -> QDockWidget:
    """The one helper that creates a panel's dock (object name = the panel's stable id)."""
    dock = QDockWidget(spec.title, window)
    dock.setObjectName(spec.object_name)
    give_title_bar_when_shown(dock)
    loading = QLabel(f"Loading {spec.title}…")
    set_enum_property(loading, "alignment", "AlignCenter")
    dock.setWidget(loading)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                     | QDockWidget.DockWidgetFeature.DockWidgetMovable
                     | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
    return dock


def arrange_by_default(window: QMainWindow, specs: tuple[PanelSpec, ...], docks: dict[str, QDockWidget]) -> None:
    """Each dock in its area, tabbed onto or split under an earlier one; in each tab group the
    first registered panel in front."""
    placed: dict[str, QDockWidget] = {}
    for spec in specs:
        _place(window, spec, docks[spec.object_name], placed)
    for spec in specs:
        if spec.tab_with is None:
            docks[spec.object_name].raise_()


def _place(window: QMainWindow, spec: PanelSpec, dock: QDockWidget, placed: dict[str, QDockWidget]) -> None:
    # (after the earlier specs: a tab group or a split is made onto a dock already placed)
    if spec.tab_with in placed:
        window.tabifyDockWidget(placed[spec.tab_with], dock)
    elif spec.below in placed:
        window.addDockWidget(spec.dock_area(), dock)
        window.splitDockWidget(placed[spec.below], dock, QtCore.Qt.Orientation.Vertical)
    else:
        window.addDockWidget(spec.dock_area(), dock)
    placed[spec.object_name] = dock


def _front_tab(window: QMainWindow, dock: QDockWidget) -> QDockWidget | None:
    """The dock in front of ``dock``'s tab group (``dock`` when it is alone), read from the
    group's tab bar: Qt has no call for it, and before the first show every tab is "visible"."""
    group = {d.windowTitle(): d for d in (dock, *window.tabifiedDockWidgets(dock))}
    if len(group) == 1:
        return dock
    for bar in window.findChildren(QTabBar):
        if bar.count() == len(group) and {bar.tabText(i) for i in range(bar.count())} == set(group):
            return group.get(bar.tabText(bar.currentIndex()))
    return None


class MainWindow(QMainWindow):
    quit_requested = Signal()
    close_to_tray = Signal()
    panel_built = Signal(str)  # a panel built after start-up's (its dock came on screen, or it was needed)

    def __init__(self, panels: tuple[PanelSpec, ...] = PANELS, arranged: bool = True) -> None:
        """``arranged=False``: the docks are made but not placed, for a saved layout to place
        (``LayoutManager.restore_at_start``: the built-in arrangement is not made only to be undone)."""
        super().__init__()
        self.setWindowTitle("AI Coach")
        self.setWindowIcon(QIcon(str(resource_path("icons", "app.svg"))))
        self.setDockNestingEnabled(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
                            | QMainWindow.DockOption.AllowNestedDocks)
        self.resize(1280, 800)
        self.specs = panels
        self.docks: dict[str, QDockWidget] = {}
        self.panels = PanelWidgets(lambda: self.docks, self._build_by_name)
        self._host: PanelHost | None = None
        self.build_times_ms: dict[str, float] = {}
        self.failed_panels: dict[str, str] = {}  # panel → why it could not be built
        self.hide_on_close = False
        for spec in panels:
            self.docks[spec.object_name] = make_dock(self, spec)
        if arranged:
            self.arrange_by_default()
        self.status = MarketStatusBar()
        self.setStatusBar(self.status)
        self._build_menus()
        from app.ui.extra_charts import ExtraCharts

        self.extra_charts = ExtraCharts(self)
        self.new_chart_action.triggered.connect(lambda: self.extra_charts.add().show())

    def arrange_by_default(self) -> None:
        """The built-in arrangement of the docks ("Reset to default")."""
        arrange_by_default(self, self.specs, self.docks)

    def place_new_docks(self) -> None:
        """Docks a restored layout did not know (a panel newer than the layout) placed where the
        built-in arrangement puts them, behind the tab in front there. (Docks arranged before
        ``restoreState``, as until session 17, were left off screen by it: a new panel after an
        update could only be reached from the View menu, which showed it ticked.)"""
        layout = self.layout()  # (a dock it holds is placed; asked this way, not by dockWidgetArea: no Qt enum)
        placed = {name: dock for name, dock in self.docks.items() if dock.isFloating() or layout.indexOf(dock) >= 0}
        for spec in self.specs:
            if spec.object_name not in placed:
                front = _front_tab(self, placed[spec.tab_with]) if spec.tab_with in placed else None
                _place(self, spec, self.docks[spec.object_name], placed)
                if front is not None:
                    front.raise_()  # (tabifying brings the new dock to the front)

    def default_state(self) -> bytes:
        """The built-in arrangement as ``saveState`` bytes, made on a scratch window (this one
        keeps its layout)."""
        scratch = QMainWindow()
        scratch.setDockOptions(self.dockOptions())  # (AllowNestedDocks among them: nesting on)
        docks = {spec.object_name: make_dock(scratch, spec) for spec in self.specs}  # (the same docks: their sizes)
        arrange_by_default(scratch, self.specs, docks)
        state = bytes(scratch.saveState().data())
        scratch.deleteLater()
        return state

    def fit_to_screen(self) -> None:
        """First start (no saved geometry): most of the screen, centred; a laptop-sized screen
        (1440 × 900 or less) maximised, since every pixel is needed there."""
        screen = self.screen()
        if screen is None:
            return
        avail = screen.availableGeometry()
        if avail.width() <= 1440 or avail.height() <= 900:
            self.setGeometry(avail)
            self.setWindowState(self.windowState() | QtCore.Qt.WindowState.WindowMaximized)
            return
        width, height = avail.width() * 9 // 10, avail.height() * 9 // 10
        self.setGeometry(avail.x() + (avail.width() - width) // 2, avail.y() + (avail.height() - height) // 2,
                         width, height)

    def size_default_areas(self) -> None:
        """Default proportions (call once shown): side columns split the width, the bottom
        area takes ~1/4 of the height."""
        horizontal, vertical = QtCore.Qt.Orientation.Horizontal, QtCore.Qt.Orientation.Vertical
        by_area: dict[str, QDockWidget] = {}
        for spec in self.specs:
            by_area.setdefault(spec.area, self.docks[spec.object_name])
        sides = [d for a, d in by_area.items() if a in ("left", "right")]
        if len(sides) == 2:  # a narrow left column (lists, logs) beside the wide right one (chart)
            narrow = max(300, self.width() * 22 // 100)  # room for a watchlist row, no more
            self.resizeDocks([by_area["left"], by_area["right"]], [narrow, self.width() - narrow], horizontal)
        elif sides:
            self.resizeDocks(sides, [self.width()], horizontal)
        if (bottom := by_area.get("bottom")) is not None:
            self.resizeDocks([bottom], [self.height() // 4], vertical)
        self.size_split_panels()

    def size_split_panels(self) -> None:
        """A panel split under another (notifications under the watchlist) gets 45 % of the column."""
        for spec in self.specs:
            if spec.below and spec.below in self.docks:
                self.resizeDocks([self.docks[spec.below], self.docks[spec.object_name]],
                                 [self.height() * 55 // 100, self.height() * 45 // 100],
                                 QtCore.Qt.Orientation.Vertical)

    # -- menus -----------------------------------------------------------------------------
    def _build_menus(self) -> None:
        # (shortcuts set with setShortcuts: setShortcut's overload for a Qt.Key would make PySide6
        # build the ``QtCore.Qt`` namespace before the first paint, see widgets/enum_property.py)
        bar = self.menuBar()
        self._build_file_menu(bar.addMenu("&File"))
        self.go_menu = bar.addMenu("&Go")
        self.symbol_action = QAction("&Symbol…", self)
        self.symbol_action.setShortcuts([QKeySequence("Ctrl+K")])
        set_enum_property(self.symbol_action, "shortcutContext", "ApplicationShortcut")
        self.go_menu.addAction(self.symbol_action)
        self.addAction(self.symbol_action)

        self.replay_menu = bar.addMenu("&Replay")
        self.replay_menu.menuAction().setVisible(False)  # only while the replay provider runs

        self.view_menu = bar.addMenu("&View")
        for spec in self.specs:
            action = self.docks[spec.object_name].toggleViewAction()
            action.setObjectName(f"toggle_{spec.object_name}")
            self.view_menu.addAction(action)
        self._add_new_chart_action()
        self.layouts_menu: QMenu = self.view_menu.addMenu("&Layouts")
        self.theme_menu: QMenu = self.view_menu.addMenu("&Theme")

        help_menu = bar.addMenu("&Help")
        self.shortcuts_action = QAction("&Keyboard shortcuts", self)
        self.shortcuts_action.setShortcuts([QKeySequence("F1")])
        set_enum_property(self.shortcuts_action, "shortcutContext", "ApplicationShortcut")
        self.about_action = QAction("&About AI Coach", self)
        help_menu.addActions([self.shortcuts_action, self.about_action])
        self.addAction(self.shortcuts_action)

    def _build_file_menu(self, file_menu: QMenu) -> None:
        self.open_recording_action = file_menu.addAction("&Open recording…")  # (wired by ReplayController)
        self.open_recording_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Open))
        file_menu.addSeparator()
        self.quit_action = QAction("&Quit", self)
        # (the platform's own key where it has one; some platforms, e.g. offscreen or a bare X
        # session, have none: Ctrl+Q then)
        quit_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Quit) or [QKeySequence("Ctrl+Q")]
        self.quit_action.setShortcuts(quit_keys)
        set_enum_property(self.quit_action, "shortcutContext", "ApplicationShortcut")
        self.quit_action.triggered.connect(self.quit_requested.emit)
        file_menu.addAction(self.quit_action)

    def _add_new_chart_action(self) -> None:
        self.view_menu.addSeparator()
        self._extra_separator = self.view_menu.actions()[-1]  # extra charts' toggles go above it
        self.new_chart_action = self.view_menu.addAction("&New chart")
        self.new_chart_action.setShortcuts([QKeySequence("Ctrl+Shift+N")])

    def add_theme_actions(self, themes: tuple[str, ...], current: str, choose: Callable[[str], None]) -> None:
        self.theme_menu.clear()
        for name in themes:
            action = self.theme_menu.addAction(name.title())
            action.setCheckable(True)
            action.setChecked(name == current)
            action.triggered.connect(lambda _checked=False, n=name: choose(n))

    def add_dock(self, spec: PanelSpec) -> QDockWidget:
        """A dock made after start (another chart), with its View-menu toggle."""
        dock = make_dock(self, spec)
        self.docks[spec.object_name] = dock
        self.addDockWidget(spec.dock_area(), dock)
        action = dock.toggleViewAction()
        action.setObjectName(f"toggle_{spec.object_name}")
        self.view_menu.insertAction(self._extra_separator, action)
        return dock

    # -- panels ----------------------------------------------------------------------------
    def build_panels(self, host: PanelHost) -> None:
        """Create the panels on screen inside their docks; the others are built when first on
        screen or needed (``panels[name]``). A failing panel shows its error."""
        self._host = host
        for spec in self.specs:
            for kind in spec.intent_kinds():
                host.intents.promise(kind, spec.object_name)
            dock = self.docks[spec.object_name]
            if dock.isVisible() and not dock.visibleRegion().isEmpty():  # (a background tab is "visible")
                self._build(spec)
            else:
                dock.visibilityChanged.connect(lambda shown, name=spec.object_name: shown and self.panels[name])
        self.extra_charts.attach(host)
        from app.ui.options_panel_toggles import wire_panel_toggles

        wire_panel_toggles(self, host.intents)

    def ensure_panel(self, name: str) -> None:
        """Build the panel ``name`` now if it is not yet (off screen until now)."""
        self.panels[name]  # (looking it up builds it)

    def _build_by_name(self, name: str) -> None:
        spec = next((s for s in self.specs if s.object_name == name), None)
        if spec is None or self._host is None:
            raise KeyError(f"panel {name!r} cannot be built (yet)")
        self._build(spec)
        self.panel_built.emit(name)

    def _build(self, spec: PanelSpec) -> None:
        started = time.perf_counter()
        assert self._host is not None
        self._host.intents.building = spec.object_name
        try:
            widget = spec.build(self._host)
        except Exception as exc:
            log.exception("panel %s failed to build", spec.object_name)
            self.failed_panels[spec.object_name] = f"{type(exc).__name__}: {exc}"
            widget = QLabel(f"{spec.title} could not start:\n{exc}", alignment=QtCore.Qt.AlignmentFlag.AlignCenter)
            widget.setWordWrap(True)
        finally:
            self._host.intents.building = None
        widget.setObjectName(f"{spec.object_name}_panel")
        style_views(widget)  # (before it is shown: polished once, with its looks)
        self.docks[spec.object_name].setWidget(widget)
        self.panels.add(spec.object_name, widget)
        self.build_times_ms[spec.object_name] = (time.perf_counter() - started) * 1000

    def focus_panel(self, object_name: str) -> None:
        dock = self.docks.get(object_name)
        if dock is None:
            return
        self.show_and_raise()
        dock.show()
        dock.raise_()
        (self.panels[object_name] if self._host is not None else dock.widget()).setFocus()  # (built now if not yet)

    def show_and_raise(self) -> None:
        self.showNormal() if self.isMinimized() else self.show()
        self.raise_()
        self.activateWindow()

    def childEvent(self, event: QChildEvent) -> None:
        # Qt makes the docks' tab bars eliding ("Notificati…", "Al…" in a narrow column said
        # nothing); once one is polished it keeps whole titles and scrolls when they do not fit.
        # (Here, not in ``event``: that override made every event of the window a call into Python.)
        if event.polished() and isinstance(tabs := event.child(), QTabBar):
            set_enum_property(tabs, "elideMode", "ElideNone")
            tabs.setUsesScrollButtons(True)
        super().childEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # With a tray icon, closing the window keeps the app running (quit from File or tray).
        # Without one there is no other way back, so closing the window quits the app.
        event.ignore()
        if self.hide_on_close:
            self.hide()
            self.close_to_tray.emit()
        else:
            self.quit_requested.emit()
