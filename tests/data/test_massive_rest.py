"""Massive REST client and parsers against the recorded responses in ../shared/fixtures/massive."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.market_calendar import ET
from data.models import Timeframe
from data.providers.massive.client import MassiveClient
from data.providers.massive.errors import (
    MassiveAuthError,
    MassiveError,
    MassiveNotEntitledError,
    MassiveNotFoundError,
    MassivePayloadError,
    MassiveRateLimitError,
)
from data.providers.massive.parsers import (
    ms_to_seconds,
    parse_aggregates,
    parse_indices_snapshot,
    parse_option_chain,
    parse_stock_snapshot,
    parse_ticker_search,
    to_massive_ticker,
)
from tests.conftest import SHARED

FIXTURES = SHARED / "fixtures" / "massive"
needs_fixtures = pytest.mark.skipif(not FIXTURES.exists(),
                                    reason="../shared/fixtures/massive not present (plain clone)")
KEY = "test-key-9f8e7d6c5b4a"


def fx(rel: str) -> dict:
    return json.loads((FIXTURES / rel).read_text())


def _manifest() -> dict[str, Path]:
    """URL (path + decoded query) each recorded file answers → file."""
    out = {}
    with (FIXTURES / "MANIFEST.tsv").open() as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            url = row["endpoint_url_it_answers"].split(" ")[1]
            parts = urlsplit(url)
            out[unquote(parts.path) + ("?" + unquote(parts.query) if parts.query else "")] = FIXTURES / row["file"]
    return out


def _recorded_transport(seen: list[httpx.Request]) -> httpx.MockTransport:
    urls = _manifest()

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        key = unquote(request.url.path) + ("?" + unquote(request.url.query.decode()) if request.url.query else "")
        path = urls.get(key)
        if path is None:
            return httpx.Response(404, json={"status": "NOT_FOUND", "message": f"no recording for {key}"})
        return httpx.Response(200, content=path.read_bytes(), headers={"Content-Type": "application/json"})

    return httpx.MockTransport(handler)


@needs_fixtures
def test_every_recorded_rest_response_is_valid_json() -> None:
    files = [p for p in FIXTURES.rglob("*.json") if "ws" not in p.parts]
    assert len(files) > 40
    for p in files:
        json.loads(p.read_text())


@needs_fixtures
def test_aggregates_daily_stock_and_index_bars() -> None:
    parsed = parse_aggregates(fx("v2/aggs/ticker/AAPL/range/1/day/2005-04-01/2005-04-04.json"), "AAPL", Timeframe.D1)
    bars = parsed.value
    assert parsed.dropped == 0 and len(bars) == 2
    days = [datetime.fromtimestamp(int(t), ET) for t in bars.ts]
    assert [d.date() for d in days] == [date(2005, 4, 1), date(2005, 4, 4)] and all(d.hour == 0 for d in days)
    assert bars.close.tolist() == [1.4604, 1.4675] and bars.volume[0] == 642646396.0
    ndx = parse_aggregates(fx("spec_examples/indices_aggs_range_I_NDX.json"), "NDX", Timeframe.D1).value
    assert len(ndx) == 2 and np.all(ndx.volume == 0)  # indices carry no volume
    opt = parse_aggregates(fx("spec_examples/options_aggs_range.json"), "RDFN211119C00025000", Timeframe.D1)
    assert len(opt.value) >= 1


@needs_fixtures
def test_snapshots_quotes_and_per_item_errors() -> None:
    q = parse_stock_snapshot(fx("v2/snapshot/locale/us/markets/stocks/tickers/AAPL.json"), "AAPL")
    assert (q.last, q.bid, q.ask) == (159.99, 159.98, 159.99) and q.prev_close > 0
    assert datetime.fromtimestamp(q.ts, UTC).year == 2022
    edited = parse_indices_snapshot(fx("v3/snapshot/indices__ticker.any_of_SPX_APx_APy.json"))
    assert list(edited.value) == ["SPX"] and edited.dropped == 2  # NOT_FOUND and NOT_ENTITLED items
    dji = parse_indices_snapshot(fx("spec_examples/indices_snapshot_I_DJI.json")).value
    assert "DJI" in dji and dji["DJI"].prev_close > 0
    with pytest.raises(MassivePayloadError):
        parse_stock_snapshot({"status": "OK"}, "AAPL")


@needs_fixtures
def test_option_chain_snapshots() -> None:
    asof = datetime(2022, 4, 29, 16, tzinfo=ET)
    parsed = parse_option_chain([fx("v3/snapshot/options/AAPL.json")], "AAPL", asof)
    chain = parsed.value
    assert len(chain) == 1 and parsed.dropped == 0
    assert (chain.symbol[0], chain.strike[0], bool(chain.is_call[0])) == ("AAPL230616C00150000", 150.0, True)
    assert chain.expiry[0] == np.datetime64("2023-06-16") and chain.open_interest[0] == 8133
    assert chain.iv[0] == pytest.approx(0.357, abs=1e-3) and chain.mid[0] == pytest.approx(29.075)
    single = parse_option_chain([fx("v3/snapshot/options/AAPL/O_AAPL230616C00150000.json")], "AAPL", asof)
    assert len(single.value) == 1  # results as an object
    malformed = parse_option_chain([fx("spec_examples/options_chain_snapshot.json")], "AAPL", asof)
    assert len(malformed.value) == 0 and malformed.dropped == 1  # 9 strike digits: rejected, no crash


@needs_fixtures
def test_ticker_search_and_timestamp_units() -> None:
    found = parse_ticker_search(fx("v3/reference/tickers.json")).value
    assert [f.symbol for f in found][:2] == ["A", "AA"] and found[0].name == "Agilent Technologies Inc."
    sma = fx("v1/indicators/sma/AAPL__window_30_timespan_quarter_timestamp_1483958600_expand_underlying_true.json")
    assert ms_to_seconds(sma["results"]["values"][0]["timestamp"]) is None  # seconds, not ms: flagged
    assert ms_to_seconds(1660881600000) == 1660881600
    assert to_massive_ticker("SPX") == "I:SPX" and to_massive_ticker("SPY") == "SPY"
    assert to_massive_ticker("SPY251219C00650000") == "O:SPY251219C00650000"


@needs_fixtures
async def test_pagination_follows_next_url_with_the_key_in_the_header_only() -> None:
    seen: list[httpx.Request] = []
    client = MassiveClient(KEY, transport=_recorded_transport(seen))
    try:
        pages = await client.paginate("/v3/reference/tickers")
        assert len(pages) == 2 and len(pages[1]["results"]) == 2
        quotes = await client.paginate("/v3/quotes/AAPL")
        contracts = await client.paginate("/v3/reference/options/contracts")
        assert len(quotes) == 2 and len(contracts) == 2
    finally:
        await client.aclose()
    assert all(r.headers["Authorization"] == f"Bearer {KEY}" for r in seen)
    assert not any(KEY in str(r.url) for r in seen)
    assert seen[1].url.host == "api.massive.com" and "cursor=" in str(seen[1].url)


def _scripted(responses: list, seen: list | None = None) -> httpx.MockTransport:
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return httpx.MockTransport(handler)


async def _no_sleep(_s: float) -> None:
    return None


@pytest.mark.parametrize(("status", "body", "error", "text"), [
    (401, {"status": "ERROR"}, MassiveAuthError, "rejected the API key"),
    (403, {"status": "NOT_AUTHORIZED", "message": "You are not entitled to this data."}, MassiveNotEntitledError,
     "not entitled"),
    (404, {"status": "NOT_FOUND", "message": "Ticker not found."}, MassiveNotFoundError, "Ticker not found"),
    (400, {"status": "ERROR", "error": "Failed to parse query parameters"}, MassiveError, "Failed to parse"),
])
async def test_client_errors_are_clear_and_never_retried(status: int, body: dict, error: type, text: str) -> None:
    seen: list = []
    client = MassiveClient(KEY, transport=_scripted([httpx.Response(status, json=body)], seen), sleep=_no_sleep)
    with pytest.raises(error, match=text) as info:
        await client.get("/v2/aggs/ticker/AAPL/prev")
    await client.aclose()
    assert len(seen) == 1 and KEY not in str(info.value)


async def test_retries_rate_limits_server_errors_and_timeouts() -> None:
    slept: list[float] = []

    async def sleep(s: float) -> None:
        slept.append(s)

    ok = httpx.Response(200, json={"status": "OK", "results": []})
    script = [httpx.Response(429, headers={"Retry-After": "7"}, json={"error": "slow down"}),
              httpx.Response(503), httpx.ReadTimeout("timeout"), ok]
    client = MassiveClient(KEY, transport=_scripted(script), sleep=sleep, backoff=0.5)
    assert await client.get("/v3/reference/tickers") == {"status": "OK", "results": []}
    assert slept[0] == 7.0 and len(slept) == 3
    assert 0.8 <= slept[1] <= 1.2 and 1.6 <= slept[2] <= 2.4  # exponential backoff with ±20 % jitter
    await client.aclose()
    forever = MassiveClient(KEY, transport=_scripted([httpx.Response(429, json={})] * 6), sleep=_no_sleep,
                            max_retries=3)
    with pytest.raises(MassiveRateLimitError, match="rate limit"):
        await forever.get("/v3/reference/tickers")
    await forever.aclose()
    down = MassiveClient(KEY, transport=_scripted([httpx.ConnectError("down")] * 6), sleep=_no_sleep, max_retries=2)
    with pytest.raises(MassiveError, match="unreachable"):
        await down.get("/v3/reference/tickers")
    await down.aclose()


async def test_repeated_cursor_and_page_cap_stop_pagination() -> None:
    page = {"results": [1], "next_url": "https://api.massive.com/v3/reference/tickers?cursor=SAME"}
    client = MassiveClient(KEY, transport=_scripted([httpx.Response(200, json=page)] * 10), sleep=_no_sleep)
    pages = await client.paginate("/v3/reference/tickers")
    assert len(pages) == 2  # the second page repeats the cursor: stop
    await client.aclose()
    counter = iter(range(100))

    def handler(_r: httpx.Request) -> httpx.Response:
        n = next(counter)
        return httpx.Response(200, json={"results": [n], "next_url": f"https://api.massive.com/x?cursor=c{n}"})

    capped = MassiveClient(KEY, transport=httpx.MockTransport(handler))
    assert len(await capped.paginate("/x", max_pages=5)) == 5
    await capped.aclose()


def test_a_missing_key_is_a_clear_error() -> None:
    with pytest.raises(MassiveAuthError, match="No Massive API key"):
        MassiveClient("  ")


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                           lambda children: st.lists(children, max_size=4)
                           | st.dictionaries(st.sampled_from(["results", "ticker", "t", "o", "h", "l", "c", "v",
                                                              "details", "session", "value", "day", "min"]),
                                             children, max_size=6), max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_parsers_never_raise_anything_but_their_own_errors(payload: object) -> None:
    asof = datetime(2026, 1, 2, tzinfo=UTC)
    for parse in (lambda p: parse_aggregates(p, "X", Timeframe.M1), lambda p: parse_stock_snapshot(p, "X"),
                  parse_indices_snapshot, lambda p: parse_option_chain([p], "X", asof), parse_ticker_search):
        with contextlib.suppress(MassivePayloadError):
            parse(payload)


def test_key_never_reaches_the_log(tmp_path: Path, monkeypatch) -> None:
    from app.core.logging_setup import remove_handlers, setup_logging

    monkeypatch.setenv("MASSIVE_API_KEY", KEY)
    log_file = setup_logging(tmp_path)

    async def run() -> None:
        client = MassiveClient(KEY, transport=_scripted([httpx.Response(401, json={})]), sleep=_no_sleep)
        try:
            await client.get("/v2/aggs/ticker/AAPL/prev")
        except MassiveAuthError as exc:
            import logging

            logging.getLogger("test").error("request with %s failed: %s", f"apiKey={KEY}", exc)
        finally:
            await client.aclose()

    asyncio.run(run())
    remove_handlers()
    assert KEY not in log_file.read_text() and "401" in log_file.read_text()


@needs_fixtures
def test_option_contracts() -> None:
    from data.providers.massive.parsers import parse_option_contracts

    pages = [fx("v3/reference/options/contracts.json"), fx("v3/reference/options/contracts__cursor_page2.json")]
    contracts = parse_option_contracts(pages)
    assert contracts.dropped == 0 and contracts.value[0].symbol == "A220520C00065000"
    single = parse_option_contracts([fx("v3/reference/options/contracts/OEVRI240119C00002500.json")]).value
    assert single[0].strike == 2.5


@pytest.mark.parametrize(("header", "expected"), [("7", 7.0), ("-3", 0.0), ("inf", None), ("1e999", None),
                                                  ("nan", None), ("soon", None), ("86400", 120.0)])
def test_retry_after_is_a_bounded_number_of_seconds(header: str, expected: float | None) -> None:
    from data.providers.massive.client import _retry_after

    assert _retry_after(httpx.Response(429, headers={"Retry-After": header})) == expected
