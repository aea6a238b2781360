"""The notifier's view of the trader's notification preferences: whether a posted notification pops
up and beeps (``app.core.notification_rules``, on the notification's market-time stamp), the snooze
(15 minutes, an hour, until the next open) saved as this computer's ``notifications_snoozed_until``,
and the sound.

The sound is ``QApplication.beep()``: Qt Multimedia (``QSoundEffect``) ships only in PySide6-Addons,
which the bundle leaves out (its 215 MB budget, ``tests/e2e/test_frozen_app.py``), so a short sound
resource is not played; the player is a plain callable, replaced by tests to count the sounds."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from app.core.notification_rules import Delivery, delivery, snooze_until

if TYPE_CHECKING:
    from app.ui.panel_host import PanelHost
    from data.store.records import NotificationRecord

log = logging.getLogger(__name__)
SNOOZE_KEY = "notifications_snoozed_until"
SNOOZE_LABELS = (("15m", "Snooze notifications for 15 minutes"), ("1h", "Snooze notifications for 1 hour"),
                 ("open", "Snooze notifications until the next open"), ("off", "Resume notifications"))


def system_beep() -> None:
    QApplication.beep()


class NotificationQuiet:
    def __init__(self, host: PanelHost, sound: Callable[[], None] = system_beep) -> None:
        self._host = host
        self.sound = sound  # called once per notification that makes a sound
        self.sounded = 0

    def _preferences(self) -> dict:
        from app.core.workspace import Workspace  # SQLAlchemy: after the first paint

        try:
            return self._host.engine.service(Workspace).preferences
        except LookupError:  # no engine yet: every notification pops up, silently
            return {}

    def delivery(self, record: NotificationRecord) -> Delivery:
        return delivery(record.kind, record.created_at, self._preferences(), record.dedupe_key)

    def play(self) -> None:
        self.sounded += 1
        try:
            self.sound()
        except Exception:  # a sound is never worth losing the notification
            log.exception("could not play the notification sound")

    async def snooze(self, choice: str) -> str:
        """Snooze (or resume, "off") on this computer: the value saved."""
        from app.core.notifications import NotificationService
        from app.core.workspace import Workspace

        engine = self._host.engine
        now = engine.service(NotificationService).market_time()  # the provider's clock, as the stamps
        until = snooze_until(choice, now, engine.context.calendar)
        await engine.service(Workspace).set_preference(SNOOZE_KEY, until)
        return until

    def request_snooze(self, choice: str, on_error: Callable[[str], None] | None = None) -> None:
        self._host.run(self.snooze(choice), on_error)
