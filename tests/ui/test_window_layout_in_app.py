"""The window on a first start: it fills the (1280 x 800 test) screen, panel tabs keep whole
titles, and the options workspace fits without growing the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabBar

from app.ui.application import AppController
from tests.gui_helpers import run_app, settings, until


def test_first_start_fills_the_screen_with_whole_tab_titles(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        w = c.window
        screen = w.screen().availableGeometry()
        assert w.frameGeometry().width() <= screen.width() and w.width() >= screen.width() - 10
        await until(lambda: bool(w.findChildren(QTabBar)))
        for tabs in w.findChildren(QTabBar):
            if tabs.count():
                assert tabs.elideMode() == Qt.TextElideMode.ElideNone
        await c.layouts.use_options_layout()
        await until(lambda: w.docks["gex"].isVisible())
        assert w.width() <= screen.width()  # no panel's minimum width pushed it past the screen

    assert run_app(settings(tmp_path), scenario) == 0
