"""After others' changes are written into the store, the services that hold those tables in
memory read them again (and publish their usual change events, so the panels follow)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from app.core.bus import EventBus
from app.core.events import SyncApplied

log = logging.getLogger(__name__)
Refresh = Callable[[], Awaitable[object]]


class SyncReloader:
    def __init__(self, bus: EventBus, refreshers: Mapping[str, Refresh]) -> None:
        """``refreshers``: table -> what re-reads it (one call per round however many of its tables changed)."""
        self._refreshers = refreshers
        self._tasks: set[asyncio.Task] = set()
        bus.subscribe(SyncApplied, self._on_applied)

    def _on_applied(self, event: SyncApplied) -> None:
        wanted = {self._refreshers[t] for t in event.tables if t in self._refreshers}
        for refresh in wanted:
            task = asyncio.get_running_loop().create_task(self._run(refresh))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _run(refresh: Refresh) -> None:
        try:
            await refresh()
        except Exception:  # a failed re-read leaves the old view up; the next round tries again
            log.exception("reloading after sync failed")
