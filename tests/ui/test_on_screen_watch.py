"""watch_on_screen: a panel's dock shown, hidden, or behind another tab (where Qt keeps it
``isVisible()``, only moved off screen) — what the heatmap tells its service."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow

from app.ui.panels.options_feed import on_screen, watch_on_screen


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def test_a_dock_behind_another_tab_or_closed_is_off_screen(qapp) -> None:
    window = QMainWindow()
    window.setCentralWidget(QLabel("centre"))
    window.resize(800, 600)
    docks = [QDockWidget(name, window) for name in ("heatmap", "iv")]
    for dock in docks:
        dock.setObjectName(dock.windowTitle())
        dock.setWidget(QLabel("Loading…"))
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.show()
    window.tabifyDockWidget(*docks)
    _settle()
    heard: list[bool] = []
    panel = QLabel("heatmap")
    watch_on_screen(panel, heard.append)
    try:
        docks[0].setWidget(panel)  # built after the window is shown, as the app does
        _settle()
        assert heard[-1] is False and panel.isVisible()  # behind the IV tab, yet "visible"
        docks[0].raise_()
        _settle()
        assert heard[-1] is True and on_screen(panel)
        docks[1].raise_()
        _settle()
        assert heard[-1] is False
        docks[0].raise_()
        _settle()
        assert heard[-1] is True
        docks[0].close()
        _settle()
        assert heard[-1] is False and not on_screen(panel)
    finally:
        window.close()
        window.deleteLater()
