"""A hostile fake Massive: a real loopback WebSocket server plus REST (an httpx MockTransport), on one
market clock that runs ``60 / minute_s`` times faster than the wall clock.

The socket publishes second aggregates (``A``) every ``tick_s`` and, at each minute's close, one
``AM`` frame per symbol to whoever is logged in at that moment (a client that is away misses it).
Faults: drops in the middle of a minute's AM batch (``drop_minutes``), REST serving a minute only
``rest_lag`` real seconds after its close, 429/503 storms in a window of real time (with or without
``Retry-After``), logins that are never answered, logins accepted then dropped, a socket that goes
silent, and a free-tier budget (``budget`` requests per market minute; beyond it, 429).

``consume`` is the consumer side: it counts every minute bar delivered and the longest pause
between consecutive live events of one connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field

import httpx
from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed

from data.models import Bar, ConnectionState, Quote

T0 = 1_796_049_000  # 2026-11-30 14:30 UTC, 09:30 ET: a session's open (epoch seconds)
AGGS = re.compile(r"/v2/aggs/ticker/([^/]+)/range/1/minute/(\d+)/(\d+)")


def bar_values(symbol: str, minute: int) -> tuple[float, float, float, float, float]:
    base = 100.0 + 10 * (sum(map(ord, symbol)) % 7) + 0.1 * minute
    return base, base + 0.5, base - 0.5, base + 0.2, 1000.0 + minute


@dataclass
class FakeMassive:
    symbols: tuple[str, ...] = ("SPY", "QQQ", "IWM", "DIA")
    minutes: int = 20  # AMs for minutes 0..minutes-1, then only second aggregates
    minute_s: float = 0.25
    tick_s: float = 0.05
    drop_minutes: frozenset[int] = frozenset()
    rest_lag: float = 0.0
    storm: tuple[float, float] | None = None  # real seconds after start
    storm_status: int = 429
    retry_after: str | None = None
    budget: int | None = None  # requests per market minute
    mute_logins: int = 0  # of the connections after the first
    drop_after_login: int = 0
    silent_after: float | None = None  # the first connection stops hearing anything after this
    connections: list[float] = field(default_factory=list)  # monotonic times
    drops: list[float] = field(default_factory=list)
    rest_requests: int = 0
    storm_refusals: int = 0
    budget_refusals: int = 0
    _clients: dict = field(default_factory=dict)  # ws -> (subscribed symbols, silent from)
    _sent_am: int = 0
    _started: float = 0.0
    _budget_log: deque = field(default_factory=deque)

    # -- the clock ------------------------------------------------------------------------------
    def market_now(self) -> float:
        return T0 + (time.monotonic() - self._started) / self.minute_s * 60

    def elapsed(self) -> float:
        return time.monotonic() - self._started

    # -- WebSocket ------------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def running(self):
        self._started = time.monotonic()
        async with serve(self._handler, "127.0.0.1", 0) as server:
            self.port = server.sockets[0].getsockname()[1]
            task = asyncio.create_task(self._broadcast())
            try:
                yield self
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/{{cluster}}"

    async def _handler(self, ws) -> None:
        self.connections.append(time.monotonic())
        await ws.send(json.dumps([{"ev": "status", "status": "connected", "message": "Connected Successfully"}]))
        await ws.recv()
        if self.mute_logins > 0 and len(self.connections) > 1:  # accepted, then never a word
            self.mute_logins -= 1
            await ws.wait_closed()
            return
        await ws.send(json.dumps([{"ev": "status", "status": "auth_success", "message": "authenticated"}]))
        if self.drop_after_login > 0:
            self.drop_after_login -= 1
            ws.transport.abort()
            return
        topics = json.loads(await ws.recv())["params"].split(",")
        await ws.send(json.dumps([{"ev": "status", "status": "success", "message": f"subscribed to: {t}"}
                                  for t in topics]))
        silent = None
        if self.silent_after is not None:
            silent, self.silent_after = time.monotonic() + self.silent_after, None
        self._clients[ws] = ({t.split(".", 1)[1] for t in topics}, silent)
        try:
            await ws.wait_closed()
        finally:
            self._clients.pop(ws, None)

    async def _broadcast(self) -> None:
        while True:
            await asyncio.sleep(self.tick_s)
            now = self.market_now()
            ms = int(now * 1000)
            await self._send_all(lambda sym, ms=ms: [{"ev": "A", "sym": sym, "c": bar_values(sym, 0)[3], "av": 1,
                                                      "s": ms - 1000, "e": ms}])
            while self._sent_am < self.minutes and T0 + 60 * (self._sent_am + 1) <= now:
                await self._publish_minute(self._sent_am)
                self._sent_am += 1

    async def _publish_minute(self, minute: int) -> None:
        start = T0 + 60 * minute
        for i, sym in enumerate(self.symbols):
            if minute in self.drop_minutes and i == len(self.symbols) // 2:
                self.drops.append(time.monotonic())
                for ws in list(self._clients):
                    ws.transport.abort()  # mid-batch: half the symbols got this minute
            o, h, low, c, v = bar_values(sym, minute)
            frame = {"ev": "AM", "sym": sym, "o": o, "h": h, "l": low, "c": c, "v": v,
                     "s": start * 1000, "e": (start + 60) * 1000}
            await self._send_all(lambda s, f=frame: [f] if s == f["sym"] else [])

    async def _send_all(self, frames_for) -> None:
        for ws, (subscribed, silent) in list(self._clients.items()):
            if silent is not None and time.monotonic() >= silent:
                continue
            items = [item for sym in subscribed for item in frames_for(sym)]
            if items:
                with contextlib.suppress(ConnectionClosed):
                    await ws.send(json.dumps(items))

    # -- REST -----------------------------------------------------------------------------------
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._rest)

    def _rest(self, request: httpx.Request) -> httpx.Response:
        self.rest_requests += 1
        now = time.monotonic()
        if self.budget is not None:
            while self._budget_log and now - self._budget_log[0] >= self.minute_s:
                self._budget_log.popleft()
            if len(self._budget_log) >= self.budget:
                self.budget_refusals += 1
                return httpx.Response(429, json={"status": "ERROR", "error": "exceeded the maximum requests"})
            self._budget_log.append(now)
        if self.storm and self.storm[0] <= self.elapsed() < self.storm[1]:
            self.storm_refusals += 1
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            return httpx.Response(self.storm_status, headers=headers, json={"status": "ERROR", "error": "storm"})
        match = AGGS.match(request.url.path)
        if not match:
            return httpx.Response(404, json={"status": "NOT_FOUND", "message": "not here"})
        sym, first, last = match[1], int(match[2]) // 1000, int(match[3]) // 1000
        served_until = self.market_now() - self.rest_lag / self.minute_s * 60  # REST runs behind
        results = []
        for minute in range(self.minutes):
            start = T0 + 60 * minute
            if first <= start <= last and start + 60 <= served_until and sym in self.symbols:
                o, h, low, c, v = bar_values(sym, minute)
                results.append({"o": o, "h": h, "l": low, "c": c, "v": v, "t": start * 1000})
        return httpx.Response(200, json={"status": "OK", "ticker": sym, "resultsCount": len(results),
                                         "results": results})


@dataclass
class Figures:
    expected: int
    missing: int
    duplicate: int
    longest_pause: float  # longest wait between live events of one connection (real seconds)
    states: list[ConnectionState]
    seconds: float

    def line(self, name: str) -> str:
        return (f"{name}: bars expected {self.expected} / missing {self.missing} / duplicate {self.duplicate}, "
                f"longest live-data pause {self.longest_pause * 1000:.0f} ms, {self.seconds:.1f} s")


async def consume(stream, fake: FakeMassive, timeout: float, grace: float = 0.5) -> Figures:
    """Read ``stream`` until every minute bar of the session came (then ``grace`` more seconds, to
    catch a late double) or ``timeout``; the counts are what a consumer saw."""
    expected = {(sym, T0 + 60 * m) for sym in fake.symbols for m in range(fake.minutes)}
    counts: Counter = Counter()
    states: list[ConnectionState] = []
    began = time.monotonic()
    last_live, longest = None, 0.0
    deadline = began + timeout
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout) as scope:
            async for event in stream:
                now = time.monotonic()
                if isinstance(event, Bar):
                    counts[(event.symbol, event.ts)] += 1
                    if expected <= set(counts) and deadline > now + grace:
                        deadline = now + grace
                        scope.reschedule(asyncio.get_running_loop().time() + grace)
                elif isinstance(event, Quote):
                    if last_live is not None:
                        longest = max(longest, now - last_live)
                    last_live = now
                elif isinstance(event, ConnectionState):
                    states.append(event)
                    if event.state in ("reconnecting", "offline"):
                        last_live = None  # an outage is not a pause of a live connection
    await stream.aclose()
    missing = len(expected - set(counts))
    duplicate = sum(n - 1 for key, n in counts.items() if key in expected and n > 1)
    return Figures(len(expected), missing, duplicate, longest, states, time.monotonic() - began)
