"""Massive WebSocket stream for one cluster (stocks, options or indices).

Session: connected → auth → subscribe (one topic per event type and symbol) → frames, each a
JSON array of events. Minute aggregates (AM) become closed 1-minute ``Bar``s; second
aggregates (A), trades (T) and index values (V) become ``Quote``s. Connection changes are
reported as ``ConnectionState`` events: connected (or delayed), backfilling, degraded (REST
rate-limited, or minutes still missing — with how many), reconnecting, offline.

Survival:
* The socket is read by its own task into a queue, always: REST never pauses it (a paused
  socket fills the server's buffer and gets killed).
* A ``MinuteLedger`` records the closed minutes each symbol has; a ``GapRepair`` loop beside the
  reader asks ``backfill`` for whatever an outage cost, pass after pass, until it is filled (or
  REST shows there was no trade, or the session is over). A minute from both is passed on once.
* A login that never answers (``login_timeout``) and a socket that goes silent after data flowed
  (``silent_timeout``; pings catch a dead TCP link) are dropped and retried.
* Reconnects back off exponentially with jitter; the backoff resets only after a connection
  stayed up ``healthy_after`` seconds, so a server that accepts and drops is not hammered.
  ``auth_failed`` is fatal (``MassiveAuthError``); ``max_connections`` waits a minute before the
  next try, since another app holds the account's one connection per cluster.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedOK, InvalidHandshake, InvalidURI

from data.models import Bar, ConnectionState, StreamEvent
from data.providers.massive.errors import MassiveAuthError, MassivePayloadError
from data.providers.massive.gap_repair import REPAIR_INTERVAL_S, Backfill, GapRepair, describe
from data.providers.massive.minute_ledger import MinuteLedger
from data.providers.massive.parsers import decode_json, parse_ws_event, to_massive_ticker
from data.symbols import SymbolKind, normalize_symbol, symbol_kind

log = logging.getLogger(__name__)
REALTIME_HOST, DELAYED_HOST = "socket.massive.com", "delayed.massive.com"
LOGIN_TIMEOUT_S = 10.0  # connected → auth_success
SILENT_TIMEOUT_S = 90.0  # no frame at all this long after data had been flowing: a hung feed
HEALTHY_AFTER_S = 60.0  # a connection up this long resets the reconnect backoff
PING_INTERVAL_S, PING_TIMEOUT_S = 10.0, 10.0  # as Massive's Go client
_END = object()


class MassiveStream:
    def __init__(self, api_key: str, *, cluster: str = "stocks", delayed: bool = False, url: str | None = None,
                 backfill: Backfill | None = None, reconnect_initial: float = 1.0, reconnect_max: float = 30.0,
                 max_connections_wait: float = 60.0, open_timeout: float = 10.0,
                 login_timeout: float = LOGIN_TIMEOUT_S, silent_timeout: float = SILENT_TIMEOUT_S,
                 healthy_after: float = HEALTHY_AFTER_S, repair_interval: float = REPAIR_INTERVAL_S,
                 rate_limited: Callable[[], bool] = lambda: False) -> None:
        if not api_key:
            raise MassiveAuthError("No Massive API key is set. Enter it in Preferences or set MASSIVE_API_KEY.")
        self._key = api_key
        self.cluster = cluster
        self.delayed = delayed
        self.url = url or f"wss://{DELAYED_HOST if delayed else REALTIME_HOST}/{cluster}"
        self._initial, self._max = reconnect_initial, reconnect_max
        self._max_conn_wait = max_connections_wait
        self._open_timeout, self._login_timeout = open_timeout, login_timeout
        self._silent_timeout, self._healthy_after = silent_timeout, healthy_after
        self._rate_limited = rate_limited
        self.ledger = MinuteLedger()
        self._symbols = self.ledger.symbols
        self._out: asyncio.Queue = asyncio.Queue()
        self._repair = (GapRepair(self.ledger, backfill, self._out.put_nowait, interval=repair_interval,
                                  on_pass=self._show_state) if backfill is not None else None)
        self._ws: Any = None
        self._live = False  # logged in and subscribed
        self._flowing = False  # market data came on this connection
        self._shown: ConnectionState | None = None
        self._tasks: list[asyncio.Task] = []
        self._closed = False
        self.last_activity = 0.0
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
        await _cancel(self._tasks)
        self._out.put_nowait(_END)  # the reader may be gone before it could say so

    # -- the session loop -----------------------------------------------------------------------
    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        return self._run()

    async def _run(self) -> AsyncIterator[StreamEvent]:
        """Hand on what the reader and the repair loop queue; neither waits for the other."""
        self._tasks = [asyncio.create_task(self._sessions())]
        if self._repair is not None:
            self._tasks.append(asyncio.create_task(self._repair.run()))
        try:
            while True:
                item = await self._out.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            await _cancel(self._tasks)

    async def _sessions(self) -> None:
        try:
            attempt = 0
            while not self._closed:
                began = await self._session()
                if self._closed:
                    break
                if began is not None and time.monotonic() - began >= self._healthy_after:
                    attempt = 0  # it was healthy: this drop starts a fresh backoff
                attempt += 1
                self.reconnects += 1
                delay = min(self._max, self._initial * 2 ** (attempt - 1)) * random.uniform(0.8, 1.2)
                self._set_state(ConnectionState("reconnecting", f"retrying in {delay:.0f} s"))
                await asyncio.sleep(delay)
        except Exception as exc:  # auth_failed, or a bug: end the stream loudly, never hang it
            self._out.put_nowait(exc)
        self._out.put_nowait(_END)

    async def _session(self) -> float | None:
        """One connection; returns when it was live (monotonic), None if it never got there."""
        began = None
        try:
            async with connect(self.url, open_timeout=self._open_timeout, max_size=2**24,
                               ping_interval=PING_INTERVAL_S, ping_timeout=PING_TIMEOUT_S) as ws:
                self._ws, self._flowing = ws, False
                async with asyncio.timeout(self._login_timeout):
                    wait = await self._handshake(ws)
                if wait is not None:
                    self._set_state(ConnectionState("offline", wait))
                    await asyncio.sleep(self._max_conn_wait)
                    return None
                began, self._live = time.monotonic(), True
                self._show_state()
                await self._read(ws)
        except MassiveAuthError:
            raise
        except ConnectionClosedOK:
            pass
        except (ConnectionClosed, OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
            log.warning("Massive %s stream dropped: %s", self.cluster, type(exc).__name__)
        finally:
            self._ws, self._live = None, False
            self.ledger.dropped()
        return began

    async def _read(self, ws: Any) -> None:
        while True:
            async with asyncio.timeout(self._silent_timeout if self._flowing else None):
                raw = await ws.recv()
            for event in self._parse_frame(raw):
                self._flowing = True
                self._out.put_nowait(event)

    def _show_state(self) -> None:
        if self._live:
            live = "delayed" if self.delayed else "connected"
            pending = self.ledger.pending() if self._repair is not None else 0  # nothing would fill them
            self._set_state(describe(live, pending, self._rate_limited(), self._repair))

    def _set_state(self, state: ConnectionState) -> None:
        if state != self._shown:
            self._shown = state
            self._out.put_nowait(state)

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

    def _frame_items(self, raw: str | bytes) -> list[dict]:
        self.last_activity = time.monotonic()
        try:
            data = decode_json(raw, "a stream frame")
        except MassivePayloadError:
            data = None
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
        try:
            event = parse_ws_event(item)
        except MassivePayloadError:
            self.malformed_frames += 1
            return None
        if event is None or event.symbol not in self._symbols:
            return None
        if isinstance(event, Bar):
            was_out = self.ledger.in_outage
            news = self.ledger.accept(event, live=True)  # once, even if REST had it
            if was_out and self._repair is not None:
                self._repair.wake()  # the outage's minutes are known now: ask for them at once
            return event if news else None
        self.ledger.observe(event.ts)
        return event


async def _cancel(tasks: list[asyncio.Task]) -> None:
    current = asyncio.current_task()
    for task in tasks:
        if task is not current:
            task.cancel()
    for task in tasks:
        if task is not current:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def _quiet_send(ws: Any, message: dict) -> None:
    with contextlib.suppress(Exception):
        await ws.send(json.dumps(message))
