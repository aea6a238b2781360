"""Help → Keyboard shortcuts lists what the window really has; About tells version and folders."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QMessageBox, QTableWidget

from app.ui.application import AppController
from app.ui.help_menu import shortcut_rows
from app.version import app_version
from tests.gui_helpers import run_app, settings, until


def test_shortcuts_and_about(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        w = c.window
        rows = shortcut_rows(w)
        keys = {(r.keys, r.what) for r in rows}
        assert ("Ctrl+K", "Symbol…") in keys and ("F1", "Keyboard shortcuts") in keys
        assert ("Ctrl+Q", "Quit") in keys
        undescribed = [r for r in rows if r.what == "(no description)"]
        assert not undescribed, f"shortcuts without a description (setWhatsThis): {undescribed}"
        w.shortcuts_action.trigger()
        await until(lambda: any(isinstance(d, QDialog) and d.isVisible() and d.windowTitle() == "Keyboard shortcuts"
                                for d in w.findChildren(QDialog)))
        dialog = next(d for d in w.findChildren(QDialog) if d.windowTitle() == "Keyboard shortcuts")
        assert dialog.findChild(QTableWidget).rowCount() == len(rows)
        dialog.reject()
        w.about_action.trigger()
        await until(lambda: any(b.isVisible() and b.windowTitle() == "About AI Coach"
                                for b in w.findChildren(QMessageBox)))
        box = next(b for b in w.findChildren(QMessageBox) if b.windowTitle() == "About AI Coach")
        assert app_version() in box.text() and str(tmp_path) in box.text() and "demo" in box.text()
        box.accept()

    assert run_app(settings(tmp_path), scenario) == 0
