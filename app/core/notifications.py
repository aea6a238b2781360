"""The one notification API: dedupe/cooldown, persist to the log, publish for the UI to show.

How it is shown (system tray or in-app toast) is the UI's business; the engine only decides
*whether* to notify and records it. A record is stamped with market time — the clock of the
provider of the moment, simulated for demo and replay — so a notification reads "09:38" on the
same clock as the chart and the alert that caused it (it used to carry the wall clock). The
cooldown is wall time: it is about not repeating itself to the user.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from app.core.bus import EventBus
from app.core.events import ErrorReported, NotificationPosted
from app.core.logging_setup import redact
from data.store import notifications as notification_log
from data.store.database import Store
from data.store.records import NotificationRecord

if TYPE_CHECKING:
    from data.providers.base import Clock

log = logging.getLogger(__name__)


class NotificationService:
    def __init__(self, store: Store, bus: EventBus, cooldown_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic,
                 market_clock: Callable[[], Clock | None] = lambda: None) -> None:
        self._store = store
        self._bus = bus
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._market_clock = market_clock  # the current provider's clock (None: none yet)
        self._last_sent: dict[tuple[str, str], float] = {}
        self.suppressed = 0

    async def notify(self, kind: str, title: str, message: str, *, key: str | None = None,
                     cooldown_s: float | None = None) -> NotificationRecord | None:
        """Record and publish a notification unless the same (kind, key) fired within the
        cooldown; ``key`` defaults to the title, so identical repeats are merged."""
        title, message = redact(title), redact(message)  # stored and shown: never a secret
        dedupe = (kind, key if key is not None else title)
        window = self.cooldown_s if cooldown_s is None else cooldown_s
        now = self._clock()
        last = self._last_sent.get(dedupe)
        if last is not None and now - last < window:
            self.suppressed += 1
            return None
        self._last_sent[dedupe] = now
        created = self.market_time()
        record = await self._store.run(
            lambda s: notification_log.add(s, kind, title, message, dedupe[1], created))
        self._bus.publish(NotificationPosted(record))
        return record

    def market_time(self) -> datetime:
        """Now on the market's clock; the wall clock only before any provider has one."""
        market = self._market_clock()
        return market.now() if market is not None else datetime.now(UTC)

    async def notify_error(self, event: ErrorReported) -> None:
        """Errors reach the notification log (and tray/toast), at most once a minute per source."""
        try:
            await self.notify("error", f"Error in {event.source}", event.message, key=event.source, cooldown_s=60)
        except Exception:
            log.exception("could not record an error notification")

    async def recent(self, limit: int = 500) -> list[NotificationRecord]:
        return await self._store.run(lambda s: notification_log.recent(s, limit))
