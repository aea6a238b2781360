"""The app's real Notifier on whatever desktop DISPLAY and DBUS_SESSION_BUS_ADDRESS name, on the
app's own kind of loop (qasync): shows the tray icon and says ``has_tray <bool>`` on stdout, then
``desktop <bool>`` once it has looked for the session's notification server; at ``post`` on stdin
posts one setup notification and says ``shown``; a click on it says ``opened <symbol>``; at
``quit`` (or end of input, or after a minute) quits. Run, with QT_QPA_PLATFORM=xcb, by
tests/e2e/test_tray_notifications.py."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo, as a script

from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication

TITLE = "SPY · Opening-range breakout long"
MESSAGE = "Entry 512.40 · stop 511.10 · target 514.00"


def say(line: str) -> None:
    print(line, flush=True)


async def run(app: QApplication) -> int:
    from app.ui.main_window import MainWindow
    from app.ui.notifier import Notifier
    from data.store.records import NotificationRecord

    window = MainWindow(panels=())
    notifier = Notifier(window, open_symbol=lambda symbol: say(f"opened {symbol}"))
    say(f"has_tray {notifier.has_tray}")
    say(f"desktop {await notifier.connect_desktop()}")
    record = NotificationRecord(id=1, kind="setup", title=TITLE, message=MESSAGE,
                                dedupe_key="setup:SPY:1:triggered", created_at=datetime.now(UTC))
    done = asyncio.Event()

    def on_stdin() -> None:
        for command in os.read(sys.stdin.fileno(), 1024).decode().split() or ["quit"]:  # nothing read: EOF
            if command == "post":
                notifier.show(record)
                say("shown")
            else:
                done.set()

    stdin = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    stdin.activated.connect(on_stdin)
    QTimer.singleShot(60_000, done.set)
    await done.wait()
    notifier.close()
    await notifier.close_desktop()
    window.deleteLater()
    return 0


def main() -> int:
    import qasync

    app = QApplication(sys.argv)
    app.setApplicationName("ai-coach")
    return qasync.run(run(app))


if __name__ == "__main__":
    sys.exit(main())
