"""Views computed from one snapshot at a time, each once, for the options views' services.

A panel and (later) a coach tool may ask for the same view of the same snapshot: the second
asker gets the first one's result, also while it is still being computed. Only the newest
snapshot's views are kept (a snapshot is a whole chain), and at most ``size`` of them.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class ViewCache(Generic[V]):
    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._source: object | None = None
        self._views: OrderedDict[Hashable, asyncio.Future[V]] = OrderedDict()

    def clear(self) -> None:
        """Forget every view (what they were computed from changed, e.g. new stored history)."""
        self._source = None
        self._views = OrderedDict()

    async def get(self, source: object, key: Hashable, compute: Callable[[], Awaitable[V]]) -> V:
        """The view ``key`` of ``source`` (compared by identity), computed by ``compute`` if new."""
        if source is not self._source:
            self.clear()
            self._source = source
        known = self._views.get(key)
        if known is None:
            return await self._compute(key, compute)
        self._views.move_to_end(key)
        try:
            return await asyncio.shield(known)  # this asker cancelled does not cancel the computing one
        except asyncio.CancelledError:
            if not known.cancelled() or asyncio.current_task().cancelling():
                raise
        return await self.get(source, key, compute)  # the computing asker was cancelled, not this one

    async def _compute(self, key: Hashable, compute: Callable[[], Awaitable[V]]) -> V:
        # a plain future, not a task: nothing is left pending if the asker is cancelled at quit
        views = self._views
        result: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        views[key] = result
        while len(views) > self._size:
            views.popitem(last=False)
        try:
            value = await compute()
        except BaseException as exc:
            if views.get(key) is result:
                del views[key]  # a failure is not remembered: the next asker tries again
            if isinstance(exc, asyncio.CancelledError):
                result.cancel()
            else:
                result.set_exception(exc)
                result.exception()  # retrieved (by the asker, raised below): no "never retrieved" log
            raise
        result.set_result(value)
        return value
