"""Desktop notifications that can be clicked, on Linux desktops with a freedesktop notification server.

Why not ``QSystemTrayIcon.showMessage``: where the tray is a StatusNotifierItem host (KDE, GNOME
with AppIndicator, most current Linux desktops) Qt 6 turns it into an
``org.freedesktop.Notifications.Notify`` call *without actions* (it adds a default action only
to Critical messages), so clicking the notification just closes it and ``messageClicked`` never
fires. Here the call is made directly, with a ``default`` action, over the session bus (jeepney,
on the app's asyncio loop: nothing waits on the GUI thread), and the server's
``ActionInvoked`` signal says which notification was clicked. Where there is no such server
(Windows, macOS, a bare X session) ``open`` returns None and the tray or a toast is used.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Callable
from html import escape

log = logging.getLogger(__name__)
SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
APP_NAME = "ai-coach"


class DesktopNotifications:
    """One session-bus connection: ``send`` posts, ``on_click(id)`` hears a click on one."""

    def __init__(self, opener, router, on_click: Callable[[int], None], icon: str) -> None:
        self._opener, self._router = opener, router
        self._on_click = on_click
        self._icon = icon
        self._listener: asyncio.Task | None = None
        self.sent = 0

    @classmethod
    async def open(cls, on_click: Callable[[int], None], icon: str = "") -> DesktopNotifications | None:
        """Connected to the session's notification server, or None when there is none."""
        if not sys.platform.startswith("linux"):
            return None
        from jeepney.bus_messages import MatchRule, message_bus
        from jeepney.io.asyncio import open_dbus_router

        opener = open_dbus_router(bus="SESSION")
        try:
            router = await asyncio.wait_for(opener.__aenter__(), 5)
            owned = await asyncio.wait_for(router.send_and_get_reply(message_bus.NameHasOwner(SERVICE)), 5)
            if not owned.body[0]:
                await opener.__aexit__(None, None, None)
                return None
            rule = MatchRule(type="signal", interface=SERVICE, member="ActionInvoked", path=PATH)
            await asyncio.wait_for(router.send_and_get_reply(message_bus.AddMatch(rule)), 5)
        except (OSError, KeyError, EOFError, ValueError, TimeoutError) as exc:  # no bus, no address, refused
            log.info("no desktop notification server (%s): the tray or a toast shows notifications",
                     str(exc) or type(exc).__name__)  # the text, not the exception: its frames hold the window
            return None
        notes = cls(opener, router, on_click, icon)
        notes._listener = asyncio.ensure_future(notes._listen(router.filter(rule, bufsize=64)))
        return notes

    async def send(self, title: str, body: str, timeout_ms: int = 8000) -> int:
        """Post one notification with a default (click) action; its id."""
        from jeepney import DBusAddress, new_method_call

        address = DBusAddress(PATH, bus_name=SERVICE, interface=SERVICE)
        message = new_method_call(address, "Notify", "susssasa{sv}i",
                                  (APP_NAME, 0, self._icon, title, escape(body, quote=False),
                                   ["default", "Open in AI Coach"], {}, timeout_ms))
        reply = await asyncio.wait_for(self._router.send_and_get_reply(message), 5)
        self.sent += 1
        return int(reply.body[0])

    async def _listen(self, handle) -> None:
        with handle as queue:
            while True:
                message = await queue.get()
                notification_id, action = message.body
                if action == "default":
                    try:
                        self._on_click(int(notification_id))
                    except Exception:
                        log.exception("a click on notification %s failed", notification_id)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        with contextlib.suppress(Exception):
            await self._opener.__aexit__(None, None, None)
