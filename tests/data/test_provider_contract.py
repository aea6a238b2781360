"""One contract every market-data provider passes: demo, replay and Massive (mocked network)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import numpy as np
import pytest
from websockets.asyncio.server import serve

from data.models import Bar, Bars, Quote, SymbolInfo, Timeframe
from data.providers.base import MarketDataProvider, OptionsProvider, ReplayControls
from data.providers.demo.provider import DemoProvider
from data.providers.errors import ProviderError
from data.providers.massive.client import MassiveClient
from data.providers.massive.provider import MassiveProvider
from data.providers.replay.provider import ReplayProvider
from data.providers.sim_clock import SimClock
from tests.conftest import SHARED

NOW = datetime(2026, 2, 3, 17, 0, 30, tzinfo=UTC)  # inside the 1-minute replay recording
REPLAY_FILE = SHARED / "data" / "bars_intraday" / "consolidated_rth_1min_2026" / "SPY_1min_20260122_20260306.csv"


def _demo(calendar) -> DemoProvider:
    return DemoProvider(calendar, clock=SimClock(NOW, 60.0), tick_interval=0.02)


def _massive_rest(calendar) -> httpx.MockTransport:
    """Answers aggregates and snapshots like Massive would, from the simulated market."""
    demo = DemoProvider(calendar, clock=SimClock(NOW, 1.0, lambda: 0.0))

    def handler(request: httpx.Request) -> httpx.Response:
        parts = request.url.path.split("/")
        if "range" in parts:
            sym, span, t0, t1 = parts[4], parts[7], int(parts[8]), int(parts[9])
            tf = Timeframe.D1 if span == "day" else Timeframe.M1
            bars = demo.bars_at(sym, tf, datetime.fromtimestamp(t0 / 1000, UTC), datetime.fromtimestamp(t1 / 1000, UTC),
                                True, NOW)
            results = [{"o": bars.open[i], "h": bars.high[i], "l": bars.low[i], "c": bars.close[i],
                        "v": bars.volume[i], "t": int(bars.ts[i]) * 1000} for i in range(len(bars))]
            return httpx.Response(200, json={"status": "OK", "ticker": sym, "results": results})
        if request.url.path.startswith("/v2/snapshot/locale/us/markets/stocks/tickers/"):
            q = demo.quote_at(parts[-1], NOW)
            return httpx.Response(200, json={"status": "OK", "ticker": {
                "day": {"c": q.last, "v": q.day_volume}, "prevDay": {"c": q.prev_close},
                "lastTrade": {"p": q.last, "t": int(NOW.timestamp() * 1e9)},
                "lastQuote": {"p": q.bid, "P": q.ask}, "updated": int(NOW.timestamp() * 1e9)}})
        if request.url.path == "/v3/reference/tickers":
            return httpx.Response(200, json={"status": "OK", "results": [
                {"ticker": "SPY", "name": "SPDR S&P 500 ETF Trust", "market": "stocks", "type": "ETF"}]})
        return httpx.Response(404, json={"status": "NOT_FOUND", "message": "not recorded"})

    return httpx.MockTransport(handler)


async def _massive_ws(ws) -> None:
    await ws.send(json.dumps([{"ev": "status", "status": "connected", "message": "Connected Successfully"}]))
    await ws.recv()
    await ws.send(json.dumps([{"ev": "status", "status": "auth_success", "message": "authenticated"}]))
    await ws.recv()
    s = int(NOW.timestamp()) // 60 * 60_000
    await ws.send(json.dumps([{"ev": "AM", "sym": "SPY", "o": 600, "h": 601, "l": 599, "c": 600.5, "v": 10,
                               "s": s, "e": s + 60_000}]))
    await asyncio.sleep(2)


@pytest.fixture(params=["demo", "replay", "massive"])
async def provider(request, calendar) -> AsyncIterator[MarketDataProvider]:
    if request.param == "demo":
        p = _demo(calendar)
        yield p
        await p.aclose()
    elif request.param == "replay":
        if not REPLAY_FILE.exists():
            pytest.skip("../shared/data/bars_intraday not present (plain clone)")
        p = ReplayProvider(calendar, REPLAY_FILE, clock=SimClock(NOW, 60.0), tick_interval=0.02)
        yield p
        await p.aclose()
    else:
        async with serve(_massive_ws, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            client = MassiveClient("contract-key-123", transport=_massive_rest(calendar))
            p = MassiveProvider(calendar, "contract-key-123", client=client, ws_url=f"ws://127.0.0.1:{port}/{{cluster}}")
            p._clock.now = lambda: NOW  # type: ignore[method-assign]
            yield p
            await p.aclose()


@pytest.mark.parametrize("timeframe", [Timeframe.M1, Timeframe.M5, Timeframe.H1, Timeframe.D1])
async def test_bars_are_sorted_valid_and_in_range(provider: MarketDataProvider, timeframe: Timeframe) -> None:
    assert isinstance(provider, MarketDataProvider)
    start = NOW - timedelta(days=10)
    bars = await provider.get_bars("SPY", timeframe, start, NOW)
    assert isinstance(bars, Bars) and bars.timeframe is timeframe and len(bars) > 0
    assert np.all(np.diff(bars.ts) > 0)
    assert np.all(bars.high >= np.maximum(bars.open, bars.close))
    assert np.all(bars.low <= np.minimum(bars.open, bars.close))
    slack = 86400 if timeframe is Timeframe.D1 else 0
    assert bars.ts[0] >= start.timestamp() - slack and bars.ts[-1] <= NOW.timestamp()


async def test_capabilities_are_declared_not_inferred_from_the_name(provider: MarketDataProvider) -> None:
    live = provider.name == "massive"  # the expectations, per provider
    assert provider.clock.simulated is not live and provider.clock.paused is False
    assert isinstance(provider, ReplayControls) is (provider.name == "replay")
    assert isinstance(provider, OptionsProvider) is (provider.name != "replay")
    if isinstance(provider, OptionsProvider):
        assert provider.chain_refresh_s > 0
    if isinstance(provider, ReplayControls):
        provider.pause()
        assert provider.clock.paused
        provider.resume()
        assert not provider.clock.paused


async def test_quote_search_and_bad_symbols(provider: MarketDataProvider) -> None:
    quote = await provider.get_quote("spy")
    assert isinstance(quote, Quote) and quote.symbol == "SPY" and quote.last > 0
    found = await provider.search_symbols("SPY")
    assert found and isinstance(found[0], SymbolInfo) and found[0].symbol == "SPY"
    with pytest.raises(ProviderError):
        await provider.get_bars("NOT VALID", Timeframe.M1)


async def test_stream_delivers_live_data(provider: MarketDataProvider) -> None:
    stream = provider.open_stream()
    stream.subscribe(["SPY"])
    got: list = []

    async def run() -> None:
        async for event in stream:
            if isinstance(event, Quote | Bar):
                got.append(event)
            if got and stream.last_activity > 0:  # (a REST snapshot may come before the stream's own)
                break

    await asyncio.wait_for(run(), 10)
    await stream.aclose()
    assert got and got[0].symbol == "SPY" and stream.last_activity > 0
