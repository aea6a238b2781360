"""The app's real Notifier on whatever desktop DISPLAY and DBUS_SESSION_BUS_ADDRESS name: shows the
tray icon and says ``has_tray <bool>`` on stdout; at ``post`` on stdin posts one setup notification
and says ``shown``; at ``quit`` (or end of input, or after a minute) quits. Run, with QT_QPA_PLATFORM=xcb, by
tests/e2e/test_tray_notifications.py."""

from __future__ import annotations

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


def main() -> int:
    app = QApplication(sys.argv)
    app.setApplicationName("ai-coach")
    from app.ui.main_window import MainWindow
    from app.ui.notifier import Notifier
    from data.store.records import NotificationRecord

    window = MainWindow(panels=())
    notifier = Notifier(window)
    say(f"has_tray {notifier.has_tray}")
    record = NotificationRecord(id=1, kind="setup", title=TITLE, message=MESSAGE, dedupe_key="spy-orb-long",
                                created_at=datetime.now(UTC))

    def on_stdin() -> None:
        for command in os.read(sys.stdin.fileno(), 1024).decode().split() or ["quit"]:  # nothing read: EOF
            if command == "post":
                notifier.show(record)
                say("shown")
            else:
                app.quit()

    stdin = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    stdin.activated.connect(on_stdin)
    QTimer.singleShot(60_000, app.quit)
    code = app.exec()
    notifier.close()
    window.deleteLater()
    return code


if __name__ == "__main__":
    sys.exit(main())
