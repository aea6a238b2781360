"""Help menu: the keyboard shortcuts (read from the live window, so the list is never out of
date) and About (version, where the data and log live, the provider)."""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QHeaderView,
    QMainWindow,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.version import app_version
from widgets.view_looks import style_views

# mouse gestures have no QAction to read them from
MOUSE = (("Chart", "Wheel", "Zoom in or out around the cursor"),
         ("Chart", "Drag", "Pan through time"),
         ("Chart", "Right-click", "Alert at that price, option chain near it"),
         ("Chart", "Drag an alert line", "Move the alert"))


@dataclass(frozen=True, slots=True)
class ShortcutRow:
    where: str  # "Menu", or the panel the shortcut works in
    keys: str
    what: str


def _where(obj: QAction | QShortcut) -> str:
    widget = obj.parent()
    while widget is not None and not isinstance(widget, QDockWidget):
        widget = widget.parent()
    return widget.windowTitle() if isinstance(widget, QDockWidget) else "Anywhere"


def shortcut_rows(window: QMainWindow) -> list[ShortcutRow]:
    """Every keyboard shortcut the window has now: menu actions by their text, panel shortcuts
    by their ``whatsThis`` description, then the mouse gestures."""
    rows: dict[tuple[str, str], ShortcutRow] = {}
    for action in window.findChildren(QAction):
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if keys and action.text():
            rows.setdefault((keys, action.text()), ShortcutRow(_where(action), keys, action.text().replace("&", "")))
    for shortcut in window.findChildren(QShortcut):
        keys = shortcut.key().toString(QKeySequence.SequenceFormat.NativeText)
        if keys and shortcut.isEnabled():
            what = shortcut.whatsThis() or "(no description)"
            rows.setdefault((keys, what), ShortcutRow(_where(shortcut), keys, what))
    listed = sorted(rows.values(), key=lambda r: (r.where != "Anywhere", r.where, r.what))
    return listed + [ShortcutRow(where, keys, what) for where, keys, what in MOUSE]


def show_shortcuts(window: QMainWindow) -> QDialog:
    rows = shortcut_rows(window)
    dialog = QDialog(window)
    dialog.setWindowTitle("Keyboard shortcuts")
    table = QTableWidget(len(rows), 3, dialog)
    table.setHorizontalHeaderLabels(["Where", "Keys", "What it does"])
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    for r, row in enumerate(rows):
        for c, text in enumerate((row.where, row.keys, row.what)):
            table.setItem(r, c, QTableWidgetItem(text))
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    style_views(table)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    layout.addWidget(buttons)
    dialog.resize(620, 520)
    dialog.finished.connect(lambda _r: dialog.deleteLater())
    dialog.open()
    return dialog


def about_text(data_dir: Path, log_file: Path, provider: str) -> str:
    return (f"<h3>AI Coach {app_version()}</h3>"
            "<p>A desktop trading assistant for options and day traders. Nothing is sent to a broker.</p>"
            f"<p>Market data: {provider}<br>Data folder: {data_dir}<br>Log file: {log_file}</p>"
            f"<p>Python {platform.python_version()} · Qt {qVersion()} · PySide6 {pyside_version}"
            f" · {sys.platform}</p>")


def show_about(parent: QWidget, data_dir: Path, log_file: Path, provider: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, "About AI Coach", about_text(data_dir, log_file, provider),
                      QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.finished.connect(lambda _r: box.deleteLater())
    box.open()
    return box
