"""Massive WebSocket stream for one cluster (stocks, options or indices).

Session: connected → auth → subscribe (one topic per event type and symbol) → frames, each a
JSON array of events. Minute aggregates (AM) become closed 1-minute ``Bar``s; second
aggregates (A), trades (T) and index values (V) become ``Quote``s. Connection changes are
reported as ``ConnectionState`` events.

Survival: a dropped connection is retried with exponential backoff and jitter; after every
reconnect the stream re-authenticates, re-subscribes and asks ``backfill`` for the minute bars
it missed, reporting only those newer than the last bar it delivered (no gap, no duplicate).
``auth_failed`` is fatal (``MassiveAuthError``); ``max_connections`` waits a minute before the
next try, since another app holds the account's one connection per cluster.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedOK, InvalidHandshake, InvalidURI

from data.models import Bar, ConnectionState, Quote, StreamEvent, Timeframe
from data.providers.massive.errors import MassiveAuthError
from data.providers.massive.parsers import from_massive_ticker, ms_to_seconds, to_massive_ticker
from data.symbols import SymbolKind, normalize_symbol, symbol_kind

log = logging.getLogger(__name__)
REALTIME_HOST, DELAYED_HOST = "socket.massive.com", "delayed.massive.com"
Backfill = Callable[[str, int], Awaitable[list[Bar]]]  # (symbol, last delivered bar start) -> bars after it


class MassiveStream:
    def __init__(self, api_key: str, *, cluster: str = "stocks", delayed: bool = False, url: str | None = None,
                 backfill: Backfill | None = None, reconnect_initial: float = 1.0, reconnect_max: float = 30.0,
                 max_connections_wait: float = 60.0, open_timeout: float = 10.0) -> None:
        if not api_key:
            raise MassiveAuthError("No Massive API key is set. Enter it in Preferences or set MASSIVE_API_KEY.")
        self._key = api_key
        self.cluster = cluster
        self.delayed = delayed
        self.url = url or f"wss://{DELAYED_HOST if delayed else REALTIME_HOST}/{cluster}"
        self._backfill = backfill
        self._initial, self._max = reconnect_initial, reconnect_max
        self._max_conn_wait = max_connections_wait
        self._open_timeout = open_timeout
        self._symbols: set[str] = set()
        self._ws: Any = None
        self._closed = False
        self.last_activity = 0.0
        self.last_bar_ts: dict[str, int] = {}
        self.malformed_frames = 0
        self.reconnects = 0

    # -- subscriptions ------------------------------------------------------------------------
    def topics(self, symbols: set[str] | None = None) -> list[str]:
        out = []
        for sym in sorted(self._symbols if symbols is None else symbols):
            ticker = to_massive_ticker(sym)
            kind = symbol_kind(sym)
            # indices: minute aggs + values; options: minute aggs + quotes (≤1,000 contracts per
            # connection); stocks: minute + second aggs
            kinds = {SymbolKind.INDEX: ("AM", "V"), SymbolKind.OPTION: ("AM", "Q")}.get(kind, ("AM", "A"))
            out.extend(f"{ev}.{ticker}" for ev in kinds)
        return out

    def subscribe(self, symbols: list[str]) -> None:
        new = {normalize_symbol(s) for s in symbols} - self._symbols
        self._symbols |= new
        if new:
            self._send_soon({"action": "subscribe", "params": ",".join(self.topics(new))})

    def unsubscribe(self, symbols: list[str]) -> None:
        gone = {normalize_symbol(s) for s in symbols} & self._symbols
        self._symbols -= gone
        if gone:
            self._send_soon({"action": "unsubscribe", "params": ",".join(self.topics(gone))})

    def _send_soon(self, message: dict) -> None:
        ws = self._ws
        if ws is not None:
            task = asyncio.ensure_future(_quiet_send(ws, message))
            task.add_done_callback(lambda _t: None)

    async def aclose(self) -> None:
        self._closed = True
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()

    # -- the session loop -----------------------------------------------------------------------
    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        return self._run()

    async def _run(self) -> AsyncIterator[StreamEvent]:
        attempt = 0
        while not self._closed:
            try:
                async with connect(self.url, open_timeout=self._open_timeout, max_size=2**24) as ws:
                    self._ws = ws
                    wait = await self._handshake(ws)
                    if wait is not None:
                        yield ConnectionState("offline", wait)
                        await asyncio.sleep(self._max_conn_wait)
                        continue
                    attempt = 0
                    yield ConnectionState("delayed" if self.delayed else "connected",
                                          "15-minute delayed feed" if self.delayed else "")
                    async for event in self._backfill_gap():
                        yield event
                    async for raw in ws:
                        for event in self._parse_frame(raw):
                            yield event
            except MassiveAuthError:
                raise
            except ConnectionClosedOK:
                if self._closed:
                    break
            except (ConnectionClosed, OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
                log.warning("Massive %s stream dropped: %s", self.cluster, type(exc).__name__)
            finally:
                self._ws = None
            if self._closed:
                break
            attempt += 1
            self.reconnects += 1
            delay = min(self._max, self._initial * 2 ** (attempt - 1)) * random.uniform(0.8, 1.2)
            yield ConnectionState("reconnecting", f"retrying in {delay:.0f} s")
            await asyncio.sleep(delay)

    async def _handshake(self, ws: Any) -> str | None:
        """Auth and subscribe; returns a message when the server refuses the connection slot."""
        await ws.send(json.dumps({"action": "auth", "params": self._key}))
        while True:
            for item in self._frame_items(await ws.recv()):
                if item.get("ev") != "status":
                    continue
                status, message = item.get("status"), str(item.get("message", ""))
                if status == "auth_failed":
                    raise MassiveAuthError("Massive refused the API key on the stream (auth failed). "
                                           "Check the key, and use the delayed feed if your plan is delayed.")
                if status == "max_connections":
                    return ("Another app is using this Massive account's stream connection; "
                            "retrying in a minute.")
                if status == "auth_success" or (status == "success" and "authenticated" in message):
                    if self._symbols:
                        await ws.send(json.dumps({"action": "subscribe", "params": ",".join(self.topics())}))
                    return None

    async def _backfill_gap(self) -> AsyncIterator[StreamEvent]:
        if self._backfill is None:
            return
        for symbol, last in list(self.last_bar_ts.items()):
            try:
                bars = await self._backfill(symbol, last)
            except Exception as exc:
                log.warning("backfill of %s failed: %s", symbol, exc)
                continue
            for bar in sorted(bars, key=lambda b: b.ts):
                if bar.ts > self.last_bar_ts.get(symbol, -1):
                    self.last_bar_ts[symbol] = bar.ts
                    yield bar

    def _frame_items(self, raw: str | bytes) -> list[dict]:
        self.last_activity = time.monotonic()
        try:
            data = json.loads(raw)
        except (ValueError, TypeError):
            self.malformed_frames += 1
            return []
        if not isinstance(data, list):
            self.malformed_frames += 1
            return []
        return [item for item in data if isinstance(item, dict)]

    def _parse_frame(self, raw: str | bytes) -> list[StreamEvent]:
        out: list[StreamEvent] = []
        for item in self._frame_items(raw):
            event = self._parse_event(item)
            if event is not None:
                out.append(event)
        return out

    def _parse_event(self, item: dict) -> StreamEvent | None:
        ev = item.get("ev")
        try:
            if ev == "AM":
                symbol = from_massive_ticker(str(item["sym"]))
                start = ms_to_seconds(item["s"])
                o, h, l, c = (float(item[k]) for k in ("o", "h", "l", "c"))
                if start is None or symbol not in self._symbols:
                    return None
                if start <= self.last_bar_ts.get(symbol, -1):
                    return None  # already delivered (e.g. by a backfill)
                self.last_bar_ts[symbol] = start
                return Bar(symbol, Timeframe.M1, start, o, h, l, c, float(item.get("v", 0.0)), closed=True)
            if ev == "Q":
                symbol = from_massive_ticker(str(item["sym"]))
                stamp = ms_to_seconds(item.get("t"))
                bid, ask = float(item["bp"]), float(item["ap"])
                if symbol not in self._symbols or stamp is None:
                    return None
                mid = (bid + ask) / 2  # quote-driven instruments (options) are marked at the mid
                return Quote(symbol, stamp, mid, bid, ask, math.nan, math.nan)
            if ev in ("A", "T", "V"):
                ticker = item.get("T") if ev == "V" else item.get("sym")
                price = item.get("val") if ev == "V" else (item.get("c") if ev == "A" else item.get("p"))
                stamp = ms_to_seconds(item.get("e") if ev == "A" else item.get("t"))
                symbol = from_massive_ticker(str(ticker))
                if symbol not in self._symbols or stamp is None:
                    return None
                p = float(price)
                # NaN = "this event does not say" (no bid/ask, no day volume on trades and index
                # values, never the previous close): the provider's QuoteBook fills them in
                volume = float(item["av"]) if ev == "A" and "av" in item else math.nan
                return Quote(symbol, stamp, p, math.nan, math.nan, math.nan, volume)
        except (KeyError, TypeError, ValueError):
            self.malformed_frames += 1
        return None


async def _quiet_send(ws: Any, message: dict) -> None:
    with contextlib.suppress(Exception):
        await ws.send(json.dumps(message))
