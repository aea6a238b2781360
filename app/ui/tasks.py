"""Start coroutines from Qt slots safely: strong references, errors routed to a callback."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)


class TaskRunner:
    def __init__(self, on_error: Callable[[BaseException], None] | None = None) -> None:
        self._tasks: set[asyncio.Task] = set()
        self._on_error = on_error
        self._closed = False

    def spawn(self, coro: Coroutine[Any, Any, Any],
              on_error: Callable[[BaseException], None] | None = None) -> asyncio.Task | None:
        """Run ``coro`` on the loop; an exception goes to ``on_error`` (or the default handler).

        After ``cancel_all`` (the app is quitting) nothing new starts: a Qt signal that fires
        while the engine stops would otherwise ask services that are already released."""
        if self._closed:
            coro.close()
            return None
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def done(t: asyncio.Task) -> None:
            self._tasks.discard(t)
            if t.cancelled() or t.exception() is None:
                return
            handler = on_error or self._on_error
            if handler is None:
                log.error("background task failed", exc_info=t.exception())
            else:
                handler(t.exception())

        task.add_done_callback(done)
        return task

    async def cancel_all(self, timeout: float = 2.0) -> None:
        """Cancel every running task and refuse new ones (called once, at quit)."""
        self._closed = True
        tasks = [t for t in self._tasks if not t.done()]
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)
