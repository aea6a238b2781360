"""ViewCache: one computation per snapshot and key, shared by askers, bounded, failures retried,
queued work of a superseded snapshot cancelled."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from app.core.view_cache import ViewCache


async def test_each_view_is_computed_once_and_shared_while_computing() -> None:
    cache: ViewCache[str] = ViewCache(size=2)
    source, calls, gate = object(), [], asyncio.Event()

    async def compute(key: str) -> str:
        calls.append(key)
        await gate.wait()
        return key.upper()

    first = asyncio.ensure_future(cache.get(source, "a", lambda: compute("a")))
    second = asyncio.ensure_future(cache.get(source, "a", lambda: compute("a")))
    await asyncio.sleep(0)
    gate.set()
    assert await first == await second == "A" and calls == ["a"]
    assert await cache.get(source, "a", lambda: compute("a")) == "A" and calls == ["a"]
    await cache.get(source, "b", lambda: compute("b"))
    await cache.get(source, "c", lambda: compute("c"))  # size 2: "a" was the least recently used
    await cache.get(source, "a", lambda: compute("a"))
    assert calls == ["a", "b", "c", "a"]
    await cache.get(object(), "a", lambda: compute("a"))  # a new snapshot starts afresh
    assert calls == ["a", "b", "c", "a", "a"]


async def test_a_failure_is_not_remembered_and_a_cancelled_asker_leaves_nothing_pending() -> None:
    cache: ViewCache[int] = ViewCache()
    source = object()

    async def fail() -> int:
        raise ValueError("no quotes")

    with pytest.raises(ValueError, match="no quotes"):
        await cache.get(source, "k", fail)

    async def answer() -> int:
        return 42

    assert await cache.get(source, "k", answer) == 42

    async def slow() -> int:
        await asyncio.sleep(10)
        return 1

    asker = asyncio.ensure_future(cache.get(source, "slow", slow))
    waiter = asyncio.ensure_future(cache.get(source, "slow", answer))
    await asyncio.sleep(0)
    asker.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asker
    assert await waiter == 42  # the computing asker was cancelled: the one waiting computes it itself
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert pending == []


async def test_work_in_the_pool_is_seen_as_soon_as_the_thread_is_done() -> None:
    cache: ViewCache[int] = ViewCache()
    source, ran = object(), threading.Event()

    def work() -> int:
        ran.set()
        return 7

    cache.start(source, "k", work)
    assert await asyncio.to_thread(ran.wait, 5)
    for _ in range(500):  # bounded: ~5 s
        if cache.peek(source, "k") is not None:
            break
        time.sleep(0.01)  # no loop turn needed: peek reads the pool's own future
    assert cache.peek(source, "k") == 7 and cache.peek(object(), "k") is None
    assert await cache.get_in_thread(source, "k", lambda: 8) == 7  # computed once

    def broken() -> int:
        raise ValueError("no quotes")

    with pytest.raises(ValueError, match="no quotes"):
        await cache.get_in_thread(source, "bad", broken)
    assert cache.peek(source, "bad") is None
    assert await cache.get_in_thread(source, "bad", lambda: 9) == 9  # a failure is not remembered


async def test_work_queued_for_a_superseded_snapshot_is_cancelled_but_its_asker_still_answered(caplog) -> None:
    cache: ViewCache[str] = ViewCache()
    old, new, release = object(), object(), threading.Event()
    running: list[threading.Event] = [threading.Event(), threading.Event()]
    ran: list[str] = []

    def busy(i: int) -> str:  # holds one of the pool's two workers until released
        running[i].set()
        release.wait(5)
        return f"busy{i}"

    def work(name: str) -> str:
        ran.append(name)
        return name

    try:
        for i in (0, 1):
            cache.start(old, f"busy{i}", lambda i=i: busy(i))
        assert all([await asyncio.to_thread(r.wait, 5) for r in running])
        cache.start(old, "queued", lambda: work("queued"))  # waits in the pool's queue
        asker = asyncio.ensure_future(cache.get_in_thread(old, "asked", lambda: work("asked")))
        await asyncio.sleep(0)
        cache.start(new, "fresh", lambda: work("fresh"))  # a newer snapshot: the old queued work is dropped
    finally:
        release.set()
    assert await cache.get_in_thread(new, "fresh", lambda: "again") == "fresh"
    assert await asker == "asked"  # one waiting for a cancelled view gets it computed anyway
    assert "queued" not in ran and ran.count("asked") == 1 and cache.peek(old, "queued") is None

    def broken() -> str:
        raise ValueError("no quotes")

    with caplog.at_level("INFO", logger="app.core.view_cache"):
        cache.start(new, "bad", broken)  # nobody awaits it: the failure is logged, not lost
        for _ in range(500):  # bounded: ~5 s
            if caplog.records:
                break
            await asyncio.sleep(0.01)
    assert any(r.exc_info and isinstance(r.exc_info[1], ValueError) for r in caplog.records)


async def test_each_symbols_views_are_kept_beside_the_others() -> None:
    from dataclasses import dataclass

    from app.core.view_cache import SymbolViewCaches

    @dataclass(eq=False)
    class Snap:
        symbol: str

    cache: SymbolViewCaches[str] = SymbolViewCaches(size=1, symbols=2)
    calls: list[str] = []

    async def compute(snap: Snap) -> str:
        calls.append(snap.symbol)
        return snap.symbol.lower()

    spy, qqq, iwm = Snap("SPY"), Snap("QQQ"), Snap("IWM")
    for snap in (spy, qqq, spy, qqq):  # the active symbol's and another group's, alternating
        await cache.get(snap, None, lambda s=snap: compute(s))
    assert calls == ["SPY", "QQQ"] and cache.peek(spy, None) == "spy" and cache.peek(iwm, None) is None
    await cache.get(Snap("SPY"), None, lambda: compute(spy))  # SPY's next snapshot: computed afresh
    assert calls == ["SPY", "QQQ", "SPY"]
    await cache.get(iwm, None, lambda: compute(iwm))  # a third symbol: the least recently asked (QQQ) goes
    await cache.get(qqq, None, lambda: compute(qqq))
    assert calls == ["SPY", "QQQ", "SPY", "IWM", "QQQ"]
    assert await cache.get_in_thread(spy, "t", lambda: "in a thread") == "in a thread"
    cache.clear()
