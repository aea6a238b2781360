"""The Massive WebSocket stream against a local server speaking the Massive protocol."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.server import serve

from data.models import Bar, ConnectionState, Quote, Timeframe
from data.providers.massive.errors import MassiveAuthError
from data.providers.massive.stream import MassiveStream
from tests.conftest import SHARED

KEY = "stream-key-123456"
T0 = 1_790_000_040_000  # ms, a minute boundary


BAR = {m: (600 + m, 601 + m, 599 + m, 600.5 + m, 100 + m) for m in range(10)}  # o h l c v


def am(minute: int, sym: str = "SPY") -> dict:
    s = T0 + 60_000 * minute
    o, h, l, c, v = BAR[minute]
    return {"ev": "AM", "sym": sym, "v": v, "o": o, "h": h, "l": l, "c": c, "s": s, "e": s + 60_000}


class Server:
    """Scripted Massive server: per connection, a list of frames to send after subscribing."""

    def __init__(self, scripts: list[list], auth_reply: str = "auth_success") -> None:
        self.scripts = scripts
        self.auth_reply = auth_reply
        self.auths: list[str] = []
        self.subscriptions: list[str] = []
        self.connections = 0

    async def handler(self, ws) -> None:
        self.connections += 1
        script = self.scripts.pop(0) if self.scripts else []
        await ws.send(json.dumps([{"ev": "status", "status": "connected", "message": "Connected Successfully"}]))
        auth = json.loads(await ws.recv())
        self.auths.append(auth["params"])
        ok = auth["params"] == KEY and self.auth_reply == "auth_success"
        await ws.send(json.dumps([{"ev": "status", "status": self.auth_reply,
                                   "message": "authenticated" if ok else "authentication failed"}]))
        if self.auth_reply != "auth_success":
            await ws.close()
            return
        sub = json.loads(await ws.recv())
        self.subscriptions.append(sub["params"])
        await ws.send(json.dumps([{"ev": "status", "status": "success", "message": f"subscribed to: {t}"}
                                  for t in sub["params"].split(",")]))
        for frame in script:
            if frame == "DROP":
                ws.transport.abort()  # no close handshake: a real drop
                return
            await ws.send(frame if isinstance(frame, str) else json.dumps(frame))
            await asyncio.sleep(0.01)
        await asyncio.sleep(5)


async def _collect(stream: MassiveStream, until, timeout: float = 10.0) -> list:
    events: list = []

    async def run() -> None:
        async for event in stream:
            events.append(event)
            if until(events):
                break

    await asyncio.wait_for(run(), timeout)
    await stream.aclose()
    return events


async def test_session_reconnect_resubscribe_and_gap_backfill() -> None:
    server = Server([
        [[am(0)], "not json", {"ev": "AM"}, [am(1), {"ev": "A", "sym": "SPY", "c": 601.7, "av": 5000,
                                                       "s": T0 + 61_000, "e": T0 + 62_000}], "DROP"],
        [[am(4)], [am(5)]],
    ])
    backfilled: list[tuple[str, int, int]] = []

    async def backfill(symbol: str, first: int, last: int) -> list[Bar]:
        backfilled.append((symbol, first, last))
        # the REST answer overlaps what was already delivered (minutes 1 and 4) and fills 2–3
        return [Bar(symbol, Timeframe.M1, (T0 // 1000) + 60 * m, *BAR[m], True) for m in (1, 2, 3, 4)
                if symbol == "SPY"]

    async with serve(server.handler, "127.0.0.1", 0) as ws_server:
        port = ws_server.sockets[0].getsockname()[1]
        stream = MassiveStream(KEY, url=f"ws://127.0.0.1:{port}/stocks", backfill=backfill, reconnect_initial=0.05,
                               repair_interval=0.05)
        stream.subscribe(["SPY", "SPX"])
        events = await _collect(stream, lambda ev: sum(isinstance(e, Bar) for e in ev) >= 6)
    bars = [e for e in events if isinstance(e, Bar)]
    minutes = [(b.ts - T0 // 1000) // 60 for b in bars]
    assert sorted(minutes) == [0, 1, 2, 3, 4, 5]  # no gap, no duplicate across the drop
    assert ("SPY", T0 // 1000 + 120, T0 // 1000 + 180) in backfilled
    states = [e.state for e in events if isinstance(e, ConnectionState)]
    assert states[:2] == ["connected", "reconnecting"]
    # SPX sent nothing and REST has nothing for it: its minutes stay pending, and the state says so
    assert states[2] == "degraded" and any("pending" in e.message for e in events if isinstance(e, ConnectionState))
    quotes = [e for e in events if isinstance(e, Quote)]
    assert quotes and quotes[0].last == 601.7 and quotes[0].day_volume == 5000
    assert server.auths == [KEY, KEY]
    assert set(server.subscriptions[0].split(",")) == {"AM.SPY", "A.SPY", "AM.I:SPX", "V.I:SPX"}
    assert server.subscriptions[1] == server.subscriptions[0]  # re-subscribed after the reconnect
    assert stream.malformed_frames == 2 and stream.reconnects == 1


async def test_auth_failure_is_fatal_and_clear() -> None:
    server = Server([], auth_reply="auth_failed")
    async with serve(server.handler, "127.0.0.1", 0) as ws_server:
        port = ws_server.sockets[0].getsockname()[1]
        stream = MassiveStream(KEY, url=f"ws://127.0.0.1:{port}/stocks", reconnect_initial=0.05)
        stream.subscribe(["SPY"])
        with pytest.raises(MassiveAuthError, match="auth failed") as info:
            await _collect(stream, lambda ev: False, timeout=5)
    assert KEY not in str(info.value) and server.connections == 1


async def test_max_connections_waits_and_says_why() -> None:
    async def handler(ws) -> None:
        await ws.send(json.dumps([{"ev": "status", "status": "connected", "message": "Connected Successfully"}]))
        await ws.recv()
        frames = SHARED / "fixtures" / "massive" / "ws" / "observed" / "status_max_connections.json"
        payload = frames.read_text() if frames.exists() else json.dumps(
            [{"ev": "status", "status": "max_connections", "message": "Maximum number of websocket connections"}])
        await ws.send(payload)
        await ws.close()

    async with serve(handler, "127.0.0.1", 0) as ws_server:
        port = ws_server.sockets[0].getsockname()[1]
        stream = MassiveStream(KEY, url=f"ws://127.0.0.1:{port}/stocks", max_connections_wait=0.05)
        stream.subscribe(["SPY"])
        events = await _collect(stream, lambda ev: len(ev) >= 2, timeout=5)
    assert events[0].state == "offline" and "Another app" in events[0].message


async def test_recorded_frames_parse(tmp_path) -> None:
    folder = SHARED / "fixtures" / "massive" / "ws"
    if not folder.exists():
        pytest.skip("../shared/fixtures/massive not present (plain clone)")
    stream = MassiveStream(KEY)
    stream.subscribe(["AAPL", "AMZN", "GTE", "SPCE", "MSFT", "SPX"])
    trades = stream._parse_frame((folder / "mock_server" / "05_trades_T_AMZN_batch.json").read_text())
    assert [q.last for q in trades] == [161.87, 161.87]  # a batched frame: both events
    bar = stream._parse_frame((folder / "spec_examples" / "stocks_AM.json").read_text())[0]
    assert isinstance(bar, Bar) and bar.ts == 1610144640 and bar.close == 0.4486
    value = stream._parse_frame((folder / "spec_examples" / "indices_V.json").read_text())[0]
    assert isinstance(value, Quote) and value.symbol == "SPX" and value.last == 3988.5
    for name in ("01_connected.json", "03_subscribed_T.AAPL.json"):
        assert stream._parse_frame((folder / "mock_server" / name).read_text()) == []


def test_quote_events_become_quotes() -> None:
    folder = SHARED / "fixtures" / "massive" / "ws" / "spec_examples"
    if not folder.exists():
        pytest.skip("../shared/fixtures/massive not present (plain clone)")
    stream = MassiveStream(KEY)
    stream.subscribe(["MSFT"])
    quote = stream._parse_frame((folder / "stocks_Q.json").read_text())[0]
    assert isinstance(quote, Quote) and (quote.bid, quote.ask) == (114.125, 114.128)


def test_topics_per_asset_class() -> None:
    stream = MassiveStream(KEY, cluster="options")
    stream.subscribe(["SPY251219C00650000", "spx", "aapl"])
    assert set(stream.topics()) == {"AM.O:SPY251219C00650000", "Q.O:SPY251219C00650000", "AM.I:SPX", "V.I:SPX",
                                    "AM.AAPL", "A.AAPL"}
