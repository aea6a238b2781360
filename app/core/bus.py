"""Typed in-process event bus: publish frozen events, each handler isolated from the others.

Handlers may be plain functions or coroutine functions. A failing handler is logged (and
reported through ``on_error``) and the remaining handlers still run. Coroutine handlers become
tasks the bus keeps strong references to, so ``drain()`` can await them on shutdown.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from app.core.events import Event

log = logging.getLogger(__name__)
E = TypeVar("E", bound=Event)
Handler = Callable[[Any], Any]


class EventBus:
    def __init__(self, on_error: Callable[[str, BaseException], None] | None = None) -> None:
        self._handlers: dict[type, list[Handler]] = defaultdict(list)
        self._tasks: set[asyncio.Task] = set()
        self._on_error = on_error
        self.handler_errors = 0

    def subscribe(self, event_type: type[E], handler: Callable[[E], Any]) -> Callable[[], None]:
        """Call ``handler`` for every published ``event_type`` (or subclass); returns an unsubscriber."""
        self._handlers[event_type].append(handler)

        def unsubscribe() -> None:
            if handler in self._handlers[event_type]:
                self._handlers[event_type].remove(handler)

        return unsubscribe

    def publish(self, event: Event) -> None:
        for cls in type(event).__mro__:
            for handler in list(self._handlers.get(cls, ())):
                self._call(handler, event)

    def _call(self, handler: Handler, event: Event) -> None:
        try:
            result = handler(event)
        except Exception as exc:
            self._report(handler, event, exc)
            return
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            self._tasks.add(task)
            task.add_done_callback(lambda t, h=handler, e=event: self._task_done(t, h, e))

    def _task_done(self, task: asyncio.Task, handler: Handler, event: Event) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self._report(handler, event, task.exception())

    def _report(self, handler: Handler, event: Event, exc: BaseException) -> None:
        self.handler_errors += 1
        name = getattr(handler, "__qualname__", repr(handler))
        log.error("bus handler %s failed on %s", name, type(event).__name__, exc_info=exc)
        if self._on_error is not None:
            try:
                self._on_error(f"{name} on {type(event).__name__}", exc)
            except Exception:
                log.exception("bus error callback failed")

    async def drain(self, timeout: float = 2.0) -> None:
        """Wait for running coroutine handlers; cancel what is still running after ``timeout``."""
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=timeout)
