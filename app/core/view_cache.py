"""Views computed from one snapshot at a time, each once, for the options views' services.

A panel and (later) a coach tool may ask for the same view of the same snapshot: the second
asker gets the first one's result, also while it is still being computed. Only the newest
snapshot's views are kept (a snapshot is a whole chain), and at most ``size`` of them.

Work that needs no awaiting runs in a small pool of its own (``start``/``get_in_thread``): it
starts the moment it is asked for, even while the loop is busy (a bus handler can start it as
a snapshot is published), and ``peek`` sees the result as soon as the thread is done, without
waiting for the loop to hear about it. The pool's queue has no bound: work for a superseded
snapshot that has not started yet is cancelled (an asker still waiting for it gets its answer).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
V = TypeVar("V")
# two workers (2 cores is common); its queue is unbounded, hence the cancelling in ``clear``
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="options-views")


class ViewCache(Generic[V]):
    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._source: object | None = None
        self._views: OrderedDict[Hashable, asyncio.Future[V]] = OrderedDict()
        self._threads: dict[Hashable, Future[V]] = {}  # the pool's own futures, for ``peek``

    def clear(self) -> None:
        """Forget every view (what they were computed from changed, e.g. new stored history); work
        still queued in the pool is cancelled (work already running finishes, unseen)."""
        for queued in self._threads.values():
            queued.cancel()  # a no-op once running or done
        self._source = None
        self._views = OrderedDict()
        self._threads = {}

    def _adopt(self, source: object) -> None:
        if source is not self._source:
            self.clear()
            self._source = source

    def _remember(self, key: Hashable, result: asyncio.Future[V]) -> None:
        self._views[key] = result
        while len(self._views) > self._size:
            old, _view = self._views.popitem(last=False)
            self._threads.pop(old, None)

    def _forget_failed(self, key: Hashable, result: asyncio.Future[V]) -> None:
        # a failure is not remembered (the next asker tries again); reading it also marks it retrieved
        failed = result.cancelled() or result.exception() is not None
        if failed and not result.cancelled():
            log.info("view %r failed (computed again when next asked)", key, exc_info=result.exception())
        if failed and self._views.get(key) is result:
            del self._views[key]
            self._threads.pop(key, None)

    def peek(self, source: object, key: Hashable) -> V | None:
        """The view if it is computed already (None while computing, after a failure, or unknown)."""
        if source is not self._source:
            return None
        done = self._threads.get(key) or self._views.get(key)
        if done is None or not done.done() or done.cancelled() or done.exception() is not None:
            return None
        return done.result()

    def start(self, source: object, key: Hashable, work: Callable[[], V]) -> None:
        """Start computing the view ``key`` of ``source`` in the pool now, unless it is known."""
        self._adopt(source)
        if key in self._views:
            self._views.move_to_end(key)
            return
        running = _POOL.submit(work)
        result = asyncio.wrap_future(running)
        result.add_done_callback(lambda f: self._forget_failed(key, f))
        self._threads[key] = running
        self._remember(key, result)

    async def get_in_thread(self, source: object, key: Hashable, work: Callable[[], V]) -> V:
        """The view ``key`` of ``source``, ``work`` run in the pool if it is new."""
        self.start(source, key, work)
        view = self._views[key]
        try:
            return await asyncio.shield(view)  # an asker cancelled leaves the work to the others
        except asyncio.CancelledError:
            if not view.cancelled() or asyncio.current_task().cancelling():
                raise
        # cancelled before it ran (a newer snapshot came): this asker still gets its view, not kept
        return await asyncio.wrap_future(_POOL.submit(work))

    async def get(self, source: object, key: Hashable, compute: Callable[[], Awaitable[V]]) -> V:
        """The view ``key`` of ``source`` (compared by identity), awaited from ``compute`` if new."""
        self._adopt(source)
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
        result: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._remember(key, result)
        try:
            value = await compute()
        except BaseException as exc:
            if isinstance(exc, asyncio.CancelledError):
                result.cancel()
            else:
                result.set_exception(exc)
            self._forget_failed(key, result)
            raise
        result.set_result(value)
        return value


class SymbolViewCaches(Generic[V]):
    """A ``ViewCache`` per snapshot symbol (at most ``symbols`` of them, the least recently asked
    dropped): options panels in other link groups ask for other symbols' snapshots, and one cache of
    "the newest snapshot" would throw the active symbol's views away at each of theirs."""

    def __init__(self, size: int = 16, symbols: int = 5) -> None:
        self._size, self._symbols = size, symbols
        self._caches: OrderedDict[str, ViewCache[V]] = OrderedDict()

    def _for(self, source: object) -> ViewCache[V]:
        symbol = str(getattr(source, "symbol", ""))
        cache = self._caches.get(symbol)
        if cache is None:
            cache = self._caches[symbol] = ViewCache(self._size)
            while len(self._caches) > self._symbols:
                _old, dropped = self._caches.popitem(last=False)
                dropped.clear()
        self._caches.move_to_end(symbol)
        return cache

    def clear(self) -> None:
        for cache in self._caches.values():
            cache.clear()

    def has_thread_work(self) -> bool:
        """Whether any view was started in the pool and is still kept (tests: nothing gridded ahead)."""
        return any(cache._threads for cache in self._caches.values())

    def peek(self, source: object, key: Hashable) -> V | None:
        cache = self._caches.get(str(getattr(source, "symbol", "")))
        return cache.peek(source, key) if cache is not None else None

    def start(self, source: object, key: Hashable, work: Callable[[], V]) -> None:
        self._for(source).start(source, key, work)

    async def get_in_thread(self, source: object, key: Hashable, work: Callable[[], V]) -> V:
        return await self._for(source).get_in_thread(source, key, work)

    async def get(self, source: object, key: Hashable, compute: Callable[[], Awaitable[V]]) -> V:
        return await self._for(source).get(source, key, compute)
