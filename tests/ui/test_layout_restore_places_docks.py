"""A saved layout places the docks of a window made without the built-in arrangement; a panel
the layout does not know (newer than it) is placed as the built-in arrangement places it, behind
the layout's front tab; a layout Qt cannot read leaves the built-in arrangement; a dock restored
floating has its title bar before it first shows."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from app.core.layouts import DEFAULT, SESSION
from app.ui import layouts
from app.ui.layouts import LayoutManager
from app.ui.main_window import MainWindow
from app.ui.panels import PANELS
from data.store.fast_read import SavedLayout

NONE = Qt.DockWidgetArea.NoDockWidgetArea


def _manager(window: MainWindow, tmp_path: Path) -> LayoutManager:
    return LayoutManager(window, lambda: None, tmp_path / "none.sqlite3", lambda coro: coro.close(), print)


def _saved_without_coach(qtbot) -> SavedLayout:
    older = MainWindow(tuple(s for s in PANELS if s.object_name != "coach"))  # a layout saved before the panel
    qtbot.addWidget(older)
    older.removeDockWidget(older.docks["journal"])  # the trader moved the journal out of the tabs...
    older.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, older.docks["journal"])  # ...to the left
    older.docks["scanner"].close()
    older.docks["positions"].raise_()  # ...and brought Positions to the front of the chain's tabs
    return SavedLayout(SESSION, b"", bytes(older.saveState().data()))


def test_a_saved_layout_places_every_dock_and_a_newer_panel_goes_where_the_default_puts_it(
        qtbot, tmp_path: Path, monkeypatch) -> None:
    saved = _saved_without_coach(qtbot)
    monkeypatch.setattr(layouts, "peek_layout", lambda _db, name: saved if name == SESSION else None)
    window = MainWindow(arranged=False)
    qtbot.addWidget(window)
    assert all(window.dockWidgetArea(d) == NONE for d in window.docks.values())  # not arranged only to be undone
    assert _manager(window, tmp_path).restore_at_start(None) == SESSION
    assert window.dockWidgetArea(window.docks["journal"]) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert window.docks["scanner"].isHidden()
    assert all(window.dockWidgetArea(d) != NONE for d in window.docks.values())
    assert window.docks["coach"] in window.tabifiedDockWidgets(window.docks["options_chain"])  # as by default
    window.show()
    fronts = {name for name, dock in window.docks.items() if not dock.visibleRegion().isEmpty()}
    assert "positions" in fronts and "coach" not in fronts  # a background tab: the layout's front stays


def test_a_layout_qt_cannot_read_leaves_the_built_in_arrangement(qtbot, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(layouts, "peek_layout", lambda _db, _name: SavedLayout(SESSION, b"", b"not a state"))
    window = MainWindow(arranged=False)
    qtbot.addWidget(window)
    manager = _manager(window, tmp_path)
    assert manager.restore_at_start(None) == DEFAULT
    reference = MainWindow()
    qtbot.addWidget(reference)
    assert _arrangement(window) == _arrangement(reference)
    window.removeDockWidget(window.docks["journal"])
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, window.docks["journal"])
    assert _arrangement(window) != _arrangement(reference)
    window.restoreState(manager.default_state)  # "Reset to default", made on a scratch window
    assert _arrangement(window) == _arrangement(reference)


def _arrangement(window: MainWindow) -> dict[str, tuple]:
    return {name: (window.dockWidgetArea(dock), dock.isHidden(),
                   frozenset(d.objectName() for d in window.tabifiedDockWidgets(dock)))
            for name, dock in window.docks.items()}


def test_a_dock_restored_floating_has_its_title_bar_before_it_shows(qapp, qtbot, tmp_path: Path,
                                                                   monkeypatch) -> None:
    """Given at its first show, the bar made Qt hide the floating dock and make its window again
    without a frame (a flash on screen)."""
    from PySide6.QtCore import QEvent, QObject

    from widgets.dock_title_bar import DockTitleBar

    class Shows(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.with_bar: list[bool] = []

        def eventFilter(self, watched, event) -> bool:  # Qt's name
            if event.type() == QEvent.Type.Show:
                self.with_bar.append(isinstance(watched.titleBarWidget(), DockTitleBar))
            return False

    older = MainWindow()
    qtbot.addWidget(older)
    older.show()
    older.docks["journal"].setFloating(True)
    saved = SavedLayout(SESSION, b"", bytes(older.saveState().data()))
    older.docks["journal"].setFloating(False)
    monkeypatch.setattr(layouts, "peek_layout", lambda _db, name: saved if name == SESSION else None)
    window = MainWindow(arranged=False)
    qtbot.addWidget(window)
    shows = Shows()
    window.docks["journal"].installEventFilter(shows)
    assert _manager(window, tmp_path).restore_at_start(None) == SESSION
    window.show()
    qapp.processEvents()
    assert window.docks["journal"].isFloating() and window.docks["journal"].isVisible()
    assert shows.with_bar == [True]  # shown once, with its bar
