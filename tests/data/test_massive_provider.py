"""The Massive provider over a mocked transport and a local stream server; keys and the registry."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime

import httpx
import keyring
import numpy as np
import pytest
from keyring.backend import KeyringBackend
from websockets.asyncio.server import serve

from data.models import Bar, Quote, Timeframe
from data.providers.base import MarketDataProvider, OptionsProvider
from data.providers.errors import ProviderError
from data.providers.massive.client import MassiveClient
from data.providers.massive.provider import MassiveProvider
from data.providers.registry import available_providers, create_provider, needs_secret
from data.secrets import SecretStoreError, get_api_key, mask, set_api_key
from tests.conftest import SHARED

KEY = "prov-key-abcdef123"
FIX = SHARED / "fixtures" / "massive"


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_keys_come_from_the_keychain_then_the_environment(memory_keyring, monkeypatch) -> None:
    monkeypatch.delenv("MASSIVE_API_KEY", raising=False)
    assert get_api_key("massive") is None
    monkeypatch.setenv("MASSIVE_API_KEY", "from-env-123456")
    assert get_api_key("massive").source == "MASSIVE_API_KEY"
    set_api_key("massive", "  from-keychain-789  ")
    found = get_api_key("massive")
    assert (found.value, found.source) == ("from-keychain-789", "keychain")
    assert mask(found.value) == "••••••••-789" and "from" not in mask(found.value)


def test_no_keychain_gives_a_clear_message(monkeypatch) -> None:
    from keyring.backends.fail import Keyring as FailKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        monkeypatch.setenv("MASSIVE_API_KEY", "env-only-key-42")
        assert get_api_key("massive").value == "env-only-key-42"
        with pytest.raises(SecretStoreError, match="MASSIVE_API_KEY"):
            set_api_key("massive", "x-12345678")
    finally:
        keyring.set_keyring(previous)


def test_registry_offers_massive_and_explains_a_missing_key(memory_keyring, monkeypatch, calendar) -> None:
    monkeypatch.delenv("MASSIVE_API_KEY", raising=False)
    assert available_providers() == ["demo", "replay", "massive"]
    with pytest.raises(ProviderError, match="needs an API key"):
        create_provider("massive", calendar)


def test_the_registry_says_which_key_a_provider_needs_and_reads_none_itself(memory_keyring, monkeypatch,
                                                                             calendar) -> None:
    monkeypatch.delenv("MASSIVE_API_KEY", raising=False)
    assert [needs_secret(name) for name in available_providers()] == [None, None, "massive"]
    assert needs_secret("unknown") is None
    set_api_key("massive", KEY)
    with pytest.raises(ProviderError, match="needs an API key"):  # the caller looks it up and passes it in
        create_provider("massive", calendar)


def _fixture_transport(requests: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        path = request.url.path
        if path.startswith("/v2/aggs/ticker/AAPL/range/1/day/"):
            return httpx.Response(200, content=(FIX / "v2/aggs/ticker/AAPL/range/1/day/2005-04-01/2005-04-04.json")
                                  .read_bytes())
        if path == "/v2/snapshot/locale/us/markets/stocks/tickers/AAPL":
            return httpx.Response(200, content=(FIX / "v2/snapshot/locale/us/markets/stocks/tickers/AAPL.json")
                                  .read_bytes())
        if path == "/v3/snapshot/indices":
            assert request.url.params["ticker.any_of"] == "I:DJI"
            return httpx.Response(200, content=(FIX / "spec_examples/indices_snapshot_I_DJI.json").read_bytes())
        if path == "/v3/reference/tickers":
            return httpx.Response(200, content=(FIX / "v3/reference/tickers.json").read_bytes())
        if path == "/v3/reference/options/contracts":
            if "cursor" in request.url.params:  # the next_url page: no filters re-sent
                return httpx.Response(200, content=(FIX / "v3/reference/options/contracts__cursor_page2.json")
                                      .read_bytes())
            assert request.url.params["underlying_ticker"] == "A"
            return httpx.Response(200, content=(FIX / "v3/reference/options/contracts.json").read_bytes())
        if path == "/v3/snapshot/options/AAPL":
            return httpx.Response(200, content=(FIX / "v3/snapshot/options/AAPL.json").read_bytes())
        return httpx.Response(404, json={"status": "NOT_FOUND", "message": "no recording"})

    return httpx.MockTransport(handler)


@pytest.mark.skipif(not FIX.exists(), reason="../shared/fixtures/massive not present (plain clone)")
async def test_requests_map_to_the_documented_endpoints(calendar) -> None:
    requests: list[httpx.Request] = []
    client = MassiveClient(KEY, transport=_fixture_transport(requests))
    provider = MassiveProvider(calendar, KEY, client=client)
    assert isinstance(provider, MarketDataProvider)
    try:
        daily = await provider.get_bars("AAPL", Timeframe.D1, datetime(2005, 4, 1, tzinfo=UTC),
                                        datetime(2005, 4, 5, tzinfo=UTC))
        assert len(daily) == 2 and daily.timeframe is Timeframe.D1
        quote = await provider.get_quote("aapl")
        assert quote.symbol == "AAPL" and quote.last == 159.99
        assert (await provider.get_quote("DJI")).symbol == "DJI"
        first = await provider.search_symbols("agil")
        second = await provider.search_symbols("agil")
        assert first == second and first[0].symbol == "A"
        chain = await provider.get_option_chain("AAPL")
        assert len(chain) == 1 and chain.underlying == "AAPL"
        with pytest.raises(ProviderError):
            await provider.get_quote("NOT A TICKER")
        assert (await provider.get_option_contracts("A"))[0].underlying == "A"
        assert isinstance(provider, OptionsProvider)
        assert await provider.get_expirations("A") == []  # the recorded contracts expired in 2022
        provider._clock.now = lambda: datetime(2022, 5, 2, 15, tzinfo=UTC)  # as of the recording
        provider._cache.clear()
        assert await provider.get_expirations("A") == [date(2022, 5, 20)]
    finally:
        await provider.aclose()
    searches = [r for r in requests if r.url.path == "/v3/reference/tickers"]
    assert len(searches) == 1  # the second search came from the 24 h cache
    aggs = next(r for r in requests if "/range/" in r.url.path)
    assert aggs.url.params["adjusted"] == "true" and aggs.url.params["sort"] == "asc"


REFERENCE_FIXTURES = {  # path → the recorded answer (the recordings are market-wide, not per ticker)
    "/v2/reference/news": "v2/reference/news__ticker_NFLX.json",
    "/v3/reference/tickers/AAPL": "v3/reference/tickers/AAPL.json",
    "/v3/reference/dividends": "v3/reference/dividends.json",
    "/v3/reference/splits": "v3/reference/splits.json",
    "/v2/snapshot/locale/us/markets/stocks/gainers": "v2/snapshot/locale/us/markets/stocks/gainers.json",
}


@pytest.mark.skipif(not FIX.exists(), reason="../shared/fixtures/massive not present (plain clone)")
async def test_news_details_corporate_actions_and_movers(calendar) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        rel = REFERENCE_FIXTURES.get(request.url.path)
        return httpx.Response(200, content=(FIX / rel).read_bytes()) if rel else httpx.Response(404, json={})

    provider = MassiveProvider(calendar, KEY, client=MassiveClient(KEY, transport=httpx.MockTransport(handler)))
    try:
        news = await provider.get_news("nflx", since=datetime(2022, 4, 28, 12, tzinfo=UTC))
        assert news[0].publisher == "MarketWatch" and news[0].published == datetime(2022, 4, 28, 17, 8, tzinfo=UTC)
        details = await provider.get_ticker_details("AAPL")
        assert (details.name, details.type_code, details.market_cap) == ("Apple Inc.", "CS", 2488795282370)
        assert await provider.get_ticker_details("aapl") is details  # cached
        dividends = await provider.get_dividends("CSSEN", since=date(2025, 1, 1))
        assert (dividends[0].ex_date, dividends[0].cash_amount, dividends[0].frequency) == (date(2025, 6, 12),
                                                                                          0.59375, 4)
        splits = await provider.get_splits("GOOGL")
        assert next(s for s in splits if s.symbol == "GOOGL").ratio == 20.0
        gainers = await provider.get_movers("gainers")
        assert gainers[0].symbol == "NVCN" and gainers[0].change_pct > 2000
        with pytest.raises(ProviderError, match="gainers"):
            await provider.get_movers("sideways")
    finally:
        await provider.aclose()
    sent = {r.url.path: dict(r.url.params) for r in requests}
    assert sent["/v2/reference/news"] == {"ticker": "NFLX", "published_utc.gte": "2022-04-28T12:00:00Z"}
    assert sent["/v3/reference/dividends"] == {"ticker": "CSSEN", "ex_dividend_date.gte": "2025-01-01",
                                               "order": "desc", "limit": "1000"}
    assert sent["/v3/reference/splits"] == {"ticker": "GOOGL", "order": "desc", "limit": "1000"}
    assert [r.url.path for r in requests].count("/v3/reference/tickers/AAPL") == 1


async def test_the_provider_stream_merges_clusters_and_backfills(calendar) -> None:
    subscriptions: dict[str, str] = {}

    async def handler(ws) -> None:
        cluster = ws.request.path.strip("/")
        await ws.send(json.dumps([{"ev": "status", "status": "connected", "message": "Connected Successfully"}]))
        await ws.recv()
        await ws.send(json.dumps([{"ev": "status", "status": "auth_success", "message": "authenticated"}]))
        subscriptions[cluster] = json.loads(await ws.recv())["params"]
        if cluster == "stocks":
            s = 1_790_000_040_000
            await ws.send(json.dumps([{"ev": "AM", "sym": "SPY", "o": 1, "h": 2, "l": 0.5, "c": 1.5, "v": 10,
                                       "s": s, "e": s + 60_000}]))
        else:
            await ws.send(json.dumps([{"ev": "V", "val": 6000.5, "T": "I:SPX", "t": 1_790_000_041_000}]))
        await asyncio.sleep(2)

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        client = MassiveClient(KEY, transport=httpx.MockTransport(lambda r: httpx.Response(404, json={})))
        provider = MassiveProvider(calendar, KEY, client=client, ws_url=f"ws://127.0.0.1:{port}/{{cluster}}")
        stream = provider.open_stream()
        stream.subscribe(["SPY", "SPX"])
        got: list = []

        async def run() -> None:
            async for event in stream:
                got.append(event)
                if any(isinstance(e, Bar) for e in got) and any(getattr(e, "symbol", "") == "SPX" for e in got):
                    break

        await asyncio.wait_for(run(), 10)
        await provider.aclose()
    assert subscriptions == {"stocks": "AM.SPY,A.SPY", "indices": "AM.I:SPX,V.I:SPX"}
    assert stream.last_activity > 0


@pytest.mark.skipif(not FIX.exists(), reason="../shared/fixtures/massive not present (plain clone)")
async def test_stream_quotes_carry_the_previous_close_from_a_snapshot(calendar) -> None:
    """Second aggregates say nothing of the previous close: the provider seeds it from the
    recorded AAPL snapshot (prevDay.c 163.64), shows that snapshot at once, then completes
    every streamed quote with it."""
    release = asyncio.Event()

    async def handler(ws) -> None:
        await ws.send(json.dumps([{"ev": "status", "status": "connected", "message": "Connected Successfully"}]))
        await ws.recv()
        await ws.send(json.dumps([{"ev": "status", "status": "auth_success", "message": "authenticated"}]))
        await ws.recv()
        await release.wait()  # the snapshot first, as on a quiet market
        s = 1_790_000_040_000
        await ws.send(json.dumps([{"ev": "A", "sym": "AAPL", "o": 165, "h": 166, "l": 164.5, "c": 165.5,
                                   "v": 10, "av": 70_000_000, "s": s, "e": s + 1_000}]))
        await asyncio.sleep(2)

    snapshot = (FIX / "v2/snapshot/locale/us/markets/stocks/tickers/AAPL.json").read_bytes()
    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        client = MassiveClient(KEY, transport=httpx.MockTransport(lambda r: httpx.Response(200, content=snapshot)))
        provider = MassiveProvider(calendar, KEY, client=client, ws_url=f"ws://127.0.0.1:{port}/{{cluster}}")
        stream = provider.open_stream()
        stream.subscribe(["AAPL"])
        quotes = []

        async def run() -> None:
            async for event in stream:
                if isinstance(event, Quote):
                    quotes.append(event)
                    release.set()
                if len(quotes) == 2:
                    break

        await asyncio.wait_for(run(), 10)
        await provider.aclose()
    shown, streamed = quotes
    assert (shown.last, shown.bid, shown.ask, shown.prev_close) == (159.99, 159.98, 159.99, 163.64)
    assert (streamed.last, streamed.prev_close, streamed.day_volume) == (165.5, 163.64, 70_000_000)
    assert streamed.change_pct == pytest.approx(100 * (165.5 - 163.64) / 163.64)


async def test_history_is_cached_on_disk_and_only_new_sessions_are_fetched(calendar, tmp_path) -> None:
    from data.providers.bar_cache import BarCache
    from data.providers.demo.provider import DemoProvider
    from data.providers.sim_clock import SimClock

    now = datetime(2026, 2, 3, 17, 0, tzinfo=UTC)
    demo = DemoProvider(calendar, clock=SimClock(now, 1.0, lambda: 0.0))
    asked: list[tuple[int, int]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        parts = request.url.path.split("/")
        t0, t1 = int(parts[8]) // 1000, int(parts[9]) // 1000
        asked.append((t0, t1))
        bars = demo.bars_at("SPY", Timeframe.M1, datetime.fromtimestamp(t0, UTC), datetime.fromtimestamp(t1, UTC),
                            True, now)
        return httpx.Response(200, json={"results": [{"o": bars.open[i], "h": bars.high[i], "l": bars.low[i],
                                                      "c": bars.close[i], "v": bars.volume[i],
                                                      "t": int(bars.ts[i]) * 1000} for i in range(len(bars))]})

    def provider() -> MassiveProvider:
        p = MassiveProvider(calendar, KEY, client=MassiveClient(KEY, transport=httpx.MockTransport(handler)),
                            cache=BarCache(tmp_path))
        p._clock.now = lambda: now  # type: ignore[method-assign]
        return p

    start = datetime(2026, 1, 26, tzinfo=UTC)
    first = provider()
    a = await first.get_bars("SPY", Timeframe.M5, start, now)
    await first.aclose()
    second = provider()  # a new session of the app: history comes from disk
    b = await second.get_bars("SPY", Timeframe.M5, start, now)
    await second.aclose()
    np.testing.assert_array_equal(a.ts, b.ts)
    np.testing.assert_array_equal(a.close, b.close)
    today = int(datetime(2026, 2, 3, 5, tzinfo=UTC).timestamp())  # 00:00 ET
    assert asked[0][0] == int(start.timestamp()) and asked[1][0] == today  # only today is fetched again
