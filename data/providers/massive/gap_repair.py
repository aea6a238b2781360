"""The repair loop beside a stream's reader: asks REST for every pending minute until it is filled.

It never runs on the reader's path: each pass fetches the symbols with gaps concurrently (at most
``concurrency`` at a time, each request paced by the client's rate limiting) — one ranged minute
request per symbol, the fewest Massive allows (its grouped aggregates are daily only) — bounded by
``pass_timeout`` so a storm of retries cannot hold a pass for minutes; what a pass left pending
is asked again on the next one. ``describe`` turns the stream's situation into the state the
status bar shows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from data.models import Bar, ConnectionState
from data.providers.massive.minute_ledger import MinuteLedger

log = logging.getLogger(__name__)
Backfill = Callable[[str, int, int], Awaitable[list[Bar]]]  # (symbol, first, last minute start) -> bars
REPAIR_INTERVAL_S = 2.0
REPAIR_CONCURRENCY = 4
PASS_TIMEOUT_S = 60.0


class GapRepair:
    def __init__(self, ledger: MinuteLedger, backfill: Backfill, emit: Callable[[Bar], None], *,
                 interval: float = REPAIR_INTERVAL_S, concurrency: int = REPAIR_CONCURRENCY,
                 pass_timeout: float = PASS_TIMEOUT_S, on_pass: Callable[[], None] = lambda: None) -> None:
        self._ledger = ledger
        self._backfill = backfill
        self._emit = emit
        self._interval = interval
        self._limit = asyncio.Semaphore(concurrency)
        self._pass_timeout = pass_timeout
        self._on_pass = on_pass
        self.failed_passes = 0  # passes in a row that left minutes pending
        self.busy = False
        self.requests = 0
        self._woken = asyncio.Event()

    def wake(self) -> None:
        """Start a pass now (an outage just ended: its minutes are known)."""
        self._woken.set()

    async def run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), self._interval)
            self._woken.clear()
            gaps = self._ledger.gaps()
            if gaps:
                self.busy = True
                try:
                    await self._watched(self.repair(gaps))
                except Exception:  # a bug in one pass must not end the repairs for the session
                    log.exception("gap repair pass failed")
                self.busy = False
                self.failed_passes = self.failed_passes + 1 if self._ledger.pending() else 0
            else:
                self.failed_passes = 0
            self._on_pass()

    async def _watched(self, work: Awaitable[None]) -> None:
        """Run one pass, at most ``pass_timeout``, telling ``on_pass`` every interval meanwhile
        (a storm of 429s is shown while the retries wait, not after them)."""
        task = asyncio.ensure_future(work)
        try:
            async with asyncio.timeout(self._pass_timeout):
                while not task.done():
                    self._on_pass()
                    await asyncio.wait({task}, timeout=self._interval)
        except TimeoutError:
            pass
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def repair(self, gaps: dict[str, list[int]]) -> None:
        """One pass: every symbol's gaps in one ranged request each, side by side."""
        answers: dict[str, int | None] = {}
        await asyncio.gather(*(self._one(sym, minutes, answers) for sym, minutes in gaps.items()))
        newest = max((n for n in answers.values() if n is not None), default=None)
        for sym, own in answers.items():
            self._ledger.answered(sym, gaps[sym], own, newest)

    async def _one(self, symbol: str, minutes: list[int], answers: dict[str, int | None]) -> None:
        async with self._limit:
            self.requests += 1
            try:
                bars = await self._backfill(symbol, minutes[0], minutes[-1])
            except Exception as exc:  # REST down or refusing: asked again on the next pass
                log.info("backfill of %s failed: %s", symbol, exc)
                return
        answers[symbol] = max((b.ts for b in bars), default=None)
        for bar in sorted(bars, key=lambda b: b.ts):
            if self._ledger.accept(bar, live=False):
                self._emit(bar)


def describe(live: str, pending: int, rate_limited: bool, repair: GapRepair | None) -> ConnectionState:
    """The state to show for a live connection (``live``: "connected" or "delayed")."""
    minutes = f"{pending} missed minute{'s' if pending != 1 else ''}"
    if rate_limited:
        return ConnectionState("degraded", f"rate-limited by Massive; {minutes} pending" if pending
                               else "rate-limited by Massive")
    if pending and repair is not None and repair.failed_passes:
        return ConnectionState("degraded", f"{minutes} pending, asking Massive again")
    if pending:
        return ConnectionState("backfilling", f"fetching {minutes}")
    return ConnectionState(live, "15-minute delayed feed" if live == "delayed" else "")
