"""Massive reference and market-wide endpoints: the recorded responses of the datasets the app uses,
fetched through the client over the recorded transport and parsed into standard records."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime

import httpx
from hypothesis import given, settings

from data.models import Timeframe
from data.providers.massive.client import MassiveClient
from data.providers.massive.errors import MassivePayloadError
from data.providers.massive.parsers import parse_aggregates, parse_ticker_search
from data.providers.massive.reference_parsers import (
    parse_dividends,
    parse_news,
    parse_snapshot_list,
    parse_splits,
    parse_ticker_details,
)
from tests.data.test_massive_rest import KEY, _recorded_transport, fx, json_values, needs_fixtures


async def _fetch_all() -> tuple[dict, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    client = MassiveClient(KEY, transport=_recorded_transport(seen))
    try:
        got = {
            "dividends": await client.paginate("/v3/reference/dividends"),
            "splits": await client.paginate("/v3/reference/splits"),
            "news": await client.paginate("/v2/reference/news", {"ticker": "NFLX"}),
            "details": await client.get("/v3/reference/tickers/AAPL"),
            "details_2020": await client.get("/v3/reference/tickers/AAPL", {"date": "2020-10-01"}),
            "gainers": await client.get("/v2/snapshot/locale/us/markets/stocks/gainers"),
            "all_tickers": await client.get("/v2/snapshot/locale/us/markets/stocks/tickers"),
            "tickers": await client.paginate("/v3/reference/tickers"),
            "range_0402": await client.get("/v2/aggs/ticker/AAPL/range/1/day/2005-04-02/2005-04-04"),
        }
    finally:
        await client.aclose()
    return got, seen


@needs_fixtures
async def test_reference_and_market_wide_endpoints_parse_into_records() -> None:
    got, seen = await _fetch_all()
    assert all(r.url.host == "api.massive.com" for r in seen) and len(seen) == 10  # 2 pages: tickers

    dividends = parse_dividends(got["dividends"])
    assert dividends.dropped == 0 and len(dividends.value) == len(fx("v3/reference/dividends.json")["results"])
    first = dividends.value[0]
    assert (first.symbol, first.ex_date, first.cash_amount, first.frequency) == ("CSSEN", date(2025, 6, 12),
                                                                                 0.59375, 4)
    splits = parse_splits(got["splits"]).value
    googl = next(s for s in splits if s.symbol == "GOOGL")
    assert googl.execution_date == date(2022, 7, 18) and googl.ratio == 20.0
    assert next(s for s in splits if s.symbol == "BRW").ratio == 0.5  # a reverse split

    news = parse_news(got["news"]).value
    assert len(news) == 1  # the payload claims count 10 and carries 1 (recorded quirk)
    assert news[0].publisher == "MarketWatch" and "NFLX" in news[0].tickers
    assert news[0].published == datetime(2022, 4, 28, 17, 8, tzinfo=UTC)

    details = parse_ticker_details(got["details"])
    assert (details.symbol, details.name, details.type_code, details.currency) == ("AAPL", "Apple Inc.", "CS", "USD")
    assert details.market_cap == 2488795282370 and details.active
    assert parse_ticker_details(got["details_2020"]).symbol == "AAPL"

    gainers = parse_snapshot_list(got["gainers"]).value
    assert gainers[0].symbol == "NVCN" and gainers[0].prev_close == 0.29 and gainers[0].last == 6.42
    assert gainers[0].change_pct > 2000
    assert len(parse_snapshot_list(got["all_tickers"]).value) == 1


@needs_fixtures
async def test_ticker_pages_and_a_daily_range() -> None:
    got, _seen = await _fetch_all()
    tickers = [s for page in got["tickers"] for s in parse_ticker_search(page).value]
    assert [s.symbol for s in tickers][-2:] == ["AAA", "AAAU"]
    daily = parse_aggregates(got["range_0402"], "AAPL", Timeframe.D1).value
    assert len(daily) >= 1 and daily.timeframe is Timeframe.D1


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_reference_parsers_never_raise_anything_but_their_own_errors(payload: object) -> None:
    for parse in (lambda p: parse_dividends([p]), lambda p: parse_splits([p]), lambda p: parse_news([p]),
                  parse_ticker_details, parse_snapshot_list):
        with contextlib.suppress(MassivePayloadError):
            parse(payload)
