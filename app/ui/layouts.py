"""Window layouts: the working layout (autosaved), named layouts, and the built-in default.

The working layout is stored as ``__session__`` whenever it changes (checked every few
seconds) and on quit, so a killed app comes back as it was. Named layouts are saved only on
"Save layout as…" (``app.core.layouts.LayoutStore`` keeps them). The window is restored
before its first paint via a plain-sqlite read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QTimer

from app.core.layouts import DEFAULT, MULTI_CHART, OPTIONS, SESSION, LayoutStore
from app.ui.extra_charts import unwrap, wrap
from app.ui.main_window import MainWindow
from data.store.fast_read import SavedLayout, peek_layout

__all__ = ["DEFAULT", "MULTI_CHART", "OPTIONS", "SESSION", "LayoutManager"]
# the built-in multi-chart layout: the active symbol on 1m and 5m, then two more link groups beside them
MULTI_CHARTS = ({"name": "chart", "group": "red", "timeframe": "1m"},
                {"name": "chart_2", "group": "red", "timeframe": "5m"},
                {"name": "chart_3", "group": "green", "timeframe": "5m"},
                {"name": "chart_4", "group": "blue", "timeframe": "5m"})
if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu

    from app.core.engine import Engine
    from app.core.workspace import Workspace

log = logging.getLogger(__name__)
AUTOSAVE_MS = 5000

# the built-in options layout tabs these with the chain (one a line: later panels add theirs)
TABBED_WITH_CHAIN = (
    "scanner",
    "tracked_setups",
    "positions",
    "journal",
    "journal_dashboard",
    "brief",
    "macro",
    "earnings",
    "coach",
)


class LayoutManager:
    def __init__(self, window: MainWindow, engine: Callable[[], Engine], db_path: Path,
                 run: Callable[..., object], on_error: Callable[[str], None]) -> None:
        """``engine`` gives the engine: it is made after the window's first paint, which restores the layout."""
        self._window = window
        self._engine = engine
        self._db_path = db_path
        self._run = run  # TaskRunner.spawn-like
        self._on_error = on_error
        self._default_state: bytes | None = None  # "Reset to default": made when first needed
        self._last_saved: bytes | None = None
        self._names: list[str] = []
        self.unknown_request: str | None = None  # a layout asked for at start that does not exist
        self.geometry_restored = False  # else the window is fitted to the screen (first start)
        self._timer = QTimer(window, interval=AUTOSAVE_MS)
        self._timer.timeout.connect(lambda: self._run(self.save_session()))

    @property
    def default_state(self) -> bytes:
        """The built-in arrangement's state (restored by "Reset to default" and under the
        options workspace)."""
        if self._default_state is None:
            self._default_state = self._window.default_state()
        return self._default_state

    # -- start ---------------------------------------------------------------------------
    def restore_at_start(self, requested: str | None) -> str:
        """Restore ``requested`` (a named layout or "default"), else the working layout, on a
        window whose docks are not placed yet (``MainWindow(arranged=False)``).
        Returns the layout's name, ``DEFAULT`` when the built-in arrangement is used."""
        if requested not in (DEFAULT, OPTIONS, MULTI_CHART):
            saved = peek_layout(self._db_path, requested or SESSION)
            if saved is None and requested:
                self.unknown_request = requested  # told with the saved names once the store is open
                saved = peek_layout(self._db_path, SESSION)
            if saved is not None and self.apply(saved):
                self._window.place_new_docks()  # (a panel newer than the layout: after an update)
                return saved.name
        self._window.arrange_by_default()
        if requested == OPTIONS:
            return OPTIONS  # arranged once the window is shown (see arrange_options)
        if requested == MULTI_CHART:
            self.arrange_multi_chart()
            return MULTI_CHART
        return DEFAULT

    def start_autosave(self) -> None:
        self._timer.start()

    def apply(self, saved: SavedLayout) -> bool:
        """False when Qt could not restore the docks' state (the window keeps its arrangement)."""
        if saved.geometry and self._window.restoreGeometry(QByteArray(saved.geometry)):
            self.geometry_restored = True
        charts, state = unwrap(saved.state)
        if charts is not None:
            self._window.extra_charts.ensure(charts)  # their docks first: Qt restores places of docks it has
        if not self._window.restoreState(QByteArray(state)):
            log.warning("layout %s could not be restored; keeping the current one", saved.name)
            return False
        return True

    def current(self) -> tuple[bytes, bytes]:
        state = wrap(self._window.extra_charts.manifest(), bytes(self._window.saveState().data()))
        return bytes(self._window.saveGeometry().data()), state

    def _workspace(self) -> Workspace:
        from app.core.workspace import Workspace  # SQLAlchemy: loaded after the first paint

        return self._engine().service(Workspace)

    # -- persistence ----------------------------------------------------------------------
    def _store(self) -> LayoutStore | None:
        # None before the engine starts and once its stop begins (the store is closing)
        return self._engine().service(LayoutStore) if self._engine().context is not None else None

    async def save_session(self) -> None:
        store = self._store()
        geometry, state = self.current()
        if store is None or geometry + state == self._last_saved:
            return
        await store.save_session(geometry, state)
        self._last_saved = geometry + state

    async def save_as(self, name: str) -> None:
        geometry, state = self.current()
        clean = await self._engine().service(LayoutStore).save(name, geometry, state)
        await self._workspace().set_preference("current_layout", clean)
        await self.refresh_menu()

    async def switch(self, name: str) -> None:
        self.apply(await self._engine().service(LayoutStore).load(name))
        await self._workspace().set_preference("current_layout", name)
        await self.save_session()

    async def delete(self, name: str) -> None:
        await self._engine().service(LayoutStore).delete(name)
        await self.refresh_menu()

    def arrange_options(self) -> None:
        """The built-in options workspace: chart top left, GEX beside it, the chain below the
        chart and the heatmap below GEX; 0DTE, the scanner, tracked setups and positions tabbed with the chain,
        IV with the heatmap; lists stay on the left."""
        from PySide6.QtCore import Qt

        w, docks = self._window, self._window.docks
        if not all(n in docks for n in ("watchlist", "chart", "options_chain", "gex", "heatmap", "zero_dte", "iv")):
            return
        w.restoreState(QByteArray(self.default_state))
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        w.splitDockWidget(docks["chart"], docks["gex"], horizontal)
        w.splitDockWidget(docks["chart"], docks["options_chain"], vertical)
        w.splitDockWidget(docks["gex"], docks["heatmap"], vertical)
        w.tabifyDockWidget(docks["options_chain"], docks["zero_dte"])
        for name in TABBED_WITH_CHAIN:
            if name in docks:
                w.tabifyDockWidget(docks["options_chain"], docks[name])
        w.tabifyDockWidget(docks["heatmap"], docks["iv"])
        for name in ("options_chain", "heatmap"):
            docks[name].show()
            docks[name].raise_()
        # the list column as narrow as it goes, the chart a little wider than GEX
        w.resizeDocks([docks["watchlist"], docks["chart"], docks["gex"]],
                      [w.width() * 2 // 10, w.width() * 45 // 100, w.width() * 35 // 100], horizontal)
        w.resizeDocks([docks["chart"], docks["options_chain"]], [w.height() // 2, w.height() // 2], vertical)
        w.resizeDocks([docks["gex"], docks["heatmap"]], [w.height() // 2, w.height() // 2], vertical)
        w.size_split_panels()  # (the list column: the default state's proportions come from a scratch window)

    def arrange_multi_chart(self) -> None:
        """Four charts in a 2 × 2 grid (two link groups and the main one), the lists on the left."""
        from PySide6.QtCore import Qt

        w = self._window
        w.extra_charts.ensure(list(MULTI_CHARTS))
        docks = w.docks
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        w.splitDockWidget(docks["chart"], docks["chart_3"], horizontal)
        w.splitDockWidget(docks["chart"], docks["chart_2"], vertical)
        w.splitDockWidget(docks["chart_3"], docks["chart_4"], vertical)
        for name in ("chart", "chart_2", "chart_3", "chart_4"):
            docks[name].show()
        QTimer.singleShot(0, self._size_multi_chart)  # once shown: the charts take most of the height

    def _size_multi_chart(self) -> None:
        from PySide6.QtCore import Qt

        w, docks = self._window, self._window.docks
        if "options_chain" in docks and not docks["options_chain"].isHidden():
            w.resizeDocks([docks["chart"], docks["options_chain"]], [w.height() * 3 // 4, w.height() // 4],
                          Qt.Orientation.Vertical)
        for top, bottom in (("chart", "chart_2"), ("chart_3", "chart_4")):
            w.resizeDocks([docks[top], docks[bottom]], [w.height(), w.height()], Qt.Orientation.Vertical)

    async def use_multi_chart_layout(self) -> None:
        self.arrange_multi_chart()
        await self._workspace().set_preference("current_layout", MULTI_CHART)
        await self.save_session()

    async def use_options_layout(self) -> None:
        self.arrange_options()
        await self._workspace().set_preference("current_layout", OPTIONS)
        await self.save_session()

    async def reset_default(self) -> None:
        self._window.restoreState(QByteArray(self.default_state))
        for dock in self._window.docks.values():
            if dock.isFloating():
                dock.setFloating(False)
        self._window.size_default_areas()
        await self._workspace().set_preference("current_layout", DEFAULT)
        await self.save_session()

    async def names(self) -> list[str]:
        return await self._engine().service(LayoutStore).names()

    async def unknown_request_problem(self) -> str | None:
        """What to tell about a layout asked for at start that does not exist (None if none)."""
        if self.unknown_request is None:
            return None
        saved = [n for n in await self.names() if n != SESSION]
        return (f"There is no layout named '{self.unknown_request}' (saved: {', '.join(saved) or 'none'}; "
                f"built in: {DEFAULT}, {OPTIONS}, {MULTI_CHART}). The last working layout is used.")

    # -- menu -------------------------------------------------------------------------------
    async def refresh_menu(self) -> None:
        self._names = await self.names()
        self.build_menu(self._window.layouts_menu)

    def build_menu(self, menu: QMenu) -> None:
        menu.clear()
        menu.addAction("Save layout as…", self.ask_save_as)
        switch = menu.addMenu("Switch to")
        delete = menu.addMenu("Delete")
        for name in self._names:
            switch.addAction(name, lambda n=name: self._run(self.switch(n)))
            delete.addAction(name, lambda n=name: self._run(self.delete(n)))
        switch.setEnabled(bool(self._names))
        delete.setEnabled(bool(self._names))
        menu.addSeparator()
        menu.addAction("Options workspace (built in)", lambda: self._run(self.use_options_layout()))
        menu.addAction("Multi-chart (built in)", lambda: self._run(self.use_multi_chart_layout()))
        menu.addAction("Reset to default", lambda: self._run(self.reset_default()))

    def ask_save_as(self) -> None:
        from PySide6.QtWidgets import QInputDialog  # (its type and enums made when used, not before the paint)

        dialog = QInputDialog(self._window)
        dialog.setWindowTitle("Save layout")
        dialog.setLabelText("Layout name:")
        dialog.textValueSelected.connect(lambda name: self._run(self.save_as(name)))
        dialog.open()  # never exec(): the asyncio loop must keep running
