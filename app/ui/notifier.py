"""Shows posted notifications: a clickable desktop notification where the session has a
freedesktop notification server (``desktop_notifications``: Linux), else the system tray's
balloon where there is a tray, else an in-app toast.

A click on one (the tray's message, or a toast) brings the window forward at what it is about:
a setup or detection notification (``notice_symbol``) makes its symbol the active one — the
watchlist's path, ``open_symbol`` — and focuses the chart, where the setup's lines show; other
kinds focus their panel (``FOCUS_PANEL``, else the notifications log).

The trader's notification preferences (``NotificationQuiet``: muted kinds, quiet hours, a snooze,
which kinds beep) decide whether one pops up and makes a sound; every one is logged regardless. The
tray's menu offers the snooze."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from app.core.setups.notices import notice_symbol
from app.ui.desktop_notifications import DesktopNotifications
from app.ui.main_window import MainWindow
from app.ui.notification_quiet import SNOOZE_LABELS, NotificationQuiet
from data.store.records import NotificationRecord
from resources import resource_path
from widgets.toast import ToastArea

log = logging.getLogger(__name__)
SENT_KEPT = 200  # desktop notifications whose click we can still answer
# Which panel a click on a notification of this kind opens.
FOCUS_PANEL = {"health": "health", "error": "health"}


class _Clicks(QObject):
    """Calls ``on_click`` when the widget it filters is clicked (its labels pass clicks up)."""

    def __init__(self, parent: QWidget, on_click: Callable[[], None]) -> None:
        super().__init__(parent)
        self._on_click = on_click

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease:
            self._on_click()
            return True
        return False


class Notifier:
    def __init__(self, window: MainWindow, use_tray: bool | None = None,
                 open_symbol: Callable[[str], None] | None = None, quiet: NotificationQuiet | None = None) -> None:
        self._window = window
        self._open_symbol = open_symbol
        self.quiet = quiet  # None: every notification pops up, silently (the tray child test)
        self.held = 0  # logged, but muted, snoozed or in quiet hours: no pop-up
        self.toasts = ToastArea(window)
        available = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray: QSystemTrayIcon | None = None
        self._last: NotificationRecord | None = None
        if available if use_tray is None else (use_tray and available):
            self.tray = QSystemTrayIcon(QIcon(str(resource_path("icons", "app.svg"))), window)
            self.tray.setToolTip("AI Coach")
            self.tray.setContextMenu(self._tray_menu(window))
            self.tray.activated.connect(lambda _reason: window.show_and_raise())
            self.tray.messageClicked.connect(self._on_message_clicked)
            self.tray.show()
        self.shown = 0
        self.desktop: DesktopNotifications | None = None
        self._sent: OrderedDict[int, NotificationRecord] = OrderedDict()
        self._posting: set[asyncio.Task] = set()

    def _tray_menu(self, window: MainWindow) -> QMenu:
        menu = QMenu(window)
        show = QAction("Show AI Coach", menu)
        show.triggered.connect(window.show_and_raise)
        menu.addAction(show)
        if self.quiet is not None:
            menu.addSeparator()
            for choice, label in SNOOZE_LABELS:
                action = menu.addAction(label)
                action.triggered.connect(lambda _c=False, ch=choice: self.quiet.request_snooze(ch))
        menu.addSeparator()
        menu.addAction(window.quit_action)
        return menu

    @property
    def has_tray(self) -> bool:
        return self.tray is not None

    async def connect_desktop(self) -> bool:
        """Use the session's notification server when there is one (clicks then work everywhere)."""
        self.desktop = await DesktopNotifications.open(self._on_desktop_click,
                                                       str(resource_path("icons", "app.svg")))
        return self.desktop is not None

    def show(self, record: NotificationRecord) -> None:
        if self.quiet is not None:
            decided = self.quiet.delivery(record)
            if not decided.popup:
                self.held += 1
                log.debug("notification %s not shown: %s", record.id, decided.reason)
                return
            if decided.sound:
                self.quiet.play()
        self.shown += 1
        self._last = record
        if self.desktop is not None:
            task = asyncio.ensure_future(self._post(self.desktop, record))
            self._posting.add(task)
            task.add_done_callback(self._posting.discard)
        else:
            self._show_here(record)

    async def _post(self, desktop: DesktopNotifications, record: NotificationRecord) -> None:
        try:
            self._sent[await desktop.send(record.title, record.message)] = record
        except Exception as exc:  # the server went away: show it here instead
            log.warning("desktop notification failed (%s): shown in the app", str(exc) or type(exc).__name__)
            self._show_here(record)
            return
        while len(self._sent) > SENT_KEPT:
            self._sent.popitem(last=False)

    def _on_desktop_click(self, notification_id: int) -> None:
        record = self._sent.get(notification_id)
        if record is not None:
            self.open(record)

    def _show_here(self, record: NotificationRecord) -> None:
        if self.tray is not None:
            self.tray.showMessage(record.title, record.message, QSystemTrayIcon.MessageIcon.Information, 8000)
        else:
            toast = self.toasts.show(record.title, record.message)
            toast.installEventFilter(_Clicks(toast, lambda: self._clicked_toast(toast, record)))

    def _on_message_clicked(self) -> None:
        """The tray's message clicked: it is the last one shown (the tray shows one at a time)."""
        if self._last is not None:
            self.open(self._last)

    def _clicked_toast(self, toast: QWidget, record: NotificationRecord) -> None:
        toast.close()
        self.open(record)

    def open(self, record: NotificationRecord) -> None:
        """The window, forward, at what ``record`` is about."""
        self._window.show_and_raise()
        symbol = notice_symbol(record)
        if symbol is not None and self._open_symbol is not None:
            self._open_symbol(symbol)
            self._window.focus_panel("chart")
            return
        self._window.focus_panel(FOCUS_PANEL.get(record.kind, "notifications"))

    def close(self) -> None:
        if self.tray is not None:
            self.tray.hide()
        for task in self._posting:
            task.cancel()

    async def close_desktop(self) -> None:
        if self.desktop is not None:
            desktop, self.desktop = self.desktop, None
            await desktop.close()
