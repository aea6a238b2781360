"""Shows posted notifications: system tray balloon when the desktop has a tray, else a toast."""

from __future__ import annotations

from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.ui.main_window import MainWindow
from data.store.records import NotificationRecord
from resources import resource_path
from widgets.toast import ToastArea

# Which panel a click on a notification of this kind opens.
FOCUS_PANEL = {"health": "health", "error": "health"}


class Notifier:
    def __init__(self, window: MainWindow, use_tray: bool | None = None) -> None:
        self._window = window
        self.toasts = ToastArea(window)
        available = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray: QSystemTrayIcon | None = None
        self._last_kind = ""
        if available if use_tray is None else (use_tray and available):
            self.tray = QSystemTrayIcon(QIcon(str(resource_path("icons", "app.svg"))), window)
            self.tray.setToolTip("AI Coach")
            menu = QMenu(window)
            show = QAction("Show AI Coach", menu)
            show.triggered.connect(window.show_and_raise)
            menu.addAction(show)
            menu.addSeparator()
            menu.addAction(window.quit_action)
            self.tray.setContextMenu(menu)
            self.tray.activated.connect(lambda _reason: window.show_and_raise())
            self.tray.messageClicked.connect(self._on_message_clicked)
            self.tray.show()
        self.shown = 0

    @property
    def has_tray(self) -> bool:
        return self.tray is not None

    def show(self, record: NotificationRecord) -> None:
        self.shown += 1
        self._last_kind = record.kind
        if self.tray is not None:
            self.tray.showMessage(record.title, record.message, QSystemTrayIcon.MessageIcon.Information, 8000)
        else:
            self.toasts.show(record.title, record.message)

    def _on_message_clicked(self) -> None:
        self._window.focus_panel(FOCUS_PANEL.get(self._last_kind, "notifications"))

    def close(self) -> None:
        if self.tray is not None:
            self.tray.hide()
