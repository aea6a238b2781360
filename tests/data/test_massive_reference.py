"""Massive reference, market-wide and tick endpoints: every remaining recorded response fetched
through the client over the recorded transport and parsed into standard records."""

from __future__ import annotations

import contextlib
import math
from datetime import UTC, date, datetime

import httpx
from hypothesis import given, settings

from data.models import Timeframe
from data.providers.massive.client import MassiveClient
from data.providers.massive.errors import MassivePayloadError
from data.providers.massive.parsers import (
    parse_aggregates,
    parse_indicator,
    parse_last_trade_and_nbbo,
    parse_prev_close,
    parse_ticker_search,
)
from data.providers.massive.reference_parsers import (
    parse_conditions,
    parse_dividends,
    parse_exchanges,
    parse_grouped_daily,
    parse_news,
    parse_quote_ticks,
    parse_snapshot_list,
    parse_splits,
    parse_ticker_details,
    parse_ticker_events,
    parse_ticker_types,
    parse_trades,
    parse_universal_snapshot,
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
            "types": await client.get("/v3/reference/tickers/types"),
            "events": await client.get("/vX/reference/tickers/META/events", {"types": "ticker_change"}),
            "exchanges": await client.get("/v3/reference/exchanges"),
            "conditions": await client.get("/v3/reference/conditions", {"asset_class": "stocks"}),
            "grouped": await client.get("/v2/aggs/grouped/locale/us/market/stocks/2005-04-04", {"adjusted": True}),
            "gainers": await client.get("/v2/snapshot/locale/us/markets/stocks/gainers"),
            "all_tickers": await client.get("/v2/snapshot/locale/us/markets/stocks/tickers"),
            "universal": await client.get("/v3/snapshot"),
            "summaries": await client.get("/v1/summaries", {
                "ticker.any_of": "NCLH,O:NCLH221014C00005000,C:EURUSD,X:BTCUSD,APx"}),
            "trades": await client.paginate("/v3/trades/AAPL", {"limit": 2}),
            "quotes": await client.paginate("/v3/quotes/AAPL"),
            "tickers": await client.paginate("/v3/reference/tickers"),
            "ema": await client.get("/v1/indicators/ema/AAPL", {
                "window": 5, "adjusted": False, "timestamp.lte": 1478393873000, "timestamp.gte": 1477972800000}),
            "range_0402": await client.get("/v2/aggs/ticker/AAPL/range/1/day/2005-04-02/2005-04-04"),
        }
    finally:
        await client.aclose()
    return got, seen


@needs_fixtures
async def test_reference_and_market_wide_endpoints_parse_into_records() -> None:
    got, seen = await _fetch_all()
    assert all(r.url.host == "api.massive.com" for r in seen) and len(seen) == 21  # 2 pages: quotes, tickers

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
    assert parse_ticker_types(got["types"]).value["ETF"].startswith("Exchange Traded")
    events = parse_ticker_events(got["events"]).value
    assert [(e.day, e.symbol) for e in events] == [(date(2012, 5, 18), "FB"), (date(2022, 6, 11), "META")]
    exchanges = parse_exchanges(got["exchanges"]).value
    assert exchanges[1].acronym == "AMEX" and exchanges[1].mic == "XASE"
    conditions = parse_conditions(got["conditions"]).value
    assert conditions[1] == "Acquisition" and conditions[2] == "Average Price Trade"

    grouped = parse_grouped_daily(got["grouped"]).value
    gik = grouped["GIK"]
    assert gik.timeframe is Timeframe.D1 and (gik.open, gik.close, gik.volume) == (9.99, 10.02, 895345)
    gainers = parse_snapshot_list(got["gainers"]).value
    assert gainers[0].symbol == "NVCN" and gainers[0].prev_close == 0.29 and gainers[0].last == 6.42
    assert gainers[0].change_pct > 2000
    assert len(parse_snapshot_list(got["all_tickers"]).value) == 1


@needs_fixtures
async def test_universal_snapshots_ticks_and_pages() -> None:
    got, _seen = await _fetch_all()
    universal = parse_universal_snapshot(got["universal"])
    assert universal.dropped == 1  # TSLAAPL: per-ticker NOT_FOUND
    option = universal.value["NCLH221014C00005000"]
    assert (option.bid, option.ask, option.prev_close) == (20.9, 21.25, fx("v3/snapshot.json")["results"][0][
        "session"]["previous_close"])
    assert universal.value["AAPL"].last > 0
    summaries = parse_universal_snapshot(got["summaries"])
    assert set(summaries.value) == {"NCLH", "NCLH221014C00005000"}  # fx and crypto are not traded here
    assert summaries.dropped == 3 and summaries.value["NCLH"].last == 22.3

    trades = parse_trades(got["trades"], "AAPL").value
    assert [t.price for t in trades] == [156.43, 157.43] and trades[0].conditions == (12, 37)
    assert trades[0].ts_ns == 1651181822461979400  # nanoseconds kept as an integer
    quotes = parse_quote_ticks(got["quotes"], "AAPL")
    assert quotes.dropped == 0 and len(quotes.value) == sum(len(p["results"]) for p in got["quotes"])
    assert all(q.ask >= q.bid for q in quotes.value)
    tickers = [s for page in got["tickers"] for s in parse_ticker_search(page).value]
    assert [s.symbol for s in tickers][-2:] == ["AAA", "AAAU"]

    ema = parse_indicator(got["ema"]).value
    assert ema and all(math.isfinite(p.value) for p in ema)
    daily = parse_aggregates(got["range_0402"], "AAPL", Timeframe.D1).value
    assert len(daily) >= 1 and daily.timeframe is Timeframe.D1


@needs_fixtures
def test_documentation_examples_for_options_and_indices() -> None:
    trade = parse_last_trade_and_nbbo(fx("spec_examples/options_last_trade.json"), {}, "TSLA210903C00700000")
    assert trade.last == 115.55 and trade.bid == trade.ask == 115.55
    assert parse_prev_close(fx("spec_examples/options_prev.json"), "TSLA210903C00700000") == 115.97
    rsi = parse_indicator(fx("spec_examples/indices_rsi_I_NDX.json")).value
    assert rsi and all(0 <= p.value <= 100 for p in rsi)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_reference_parsers_never_raise_anything_but_their_own_errors(payload: object) -> None:
    for parse in (lambda p: parse_dividends([p]), lambda p: parse_splits([p]), lambda p: parse_news([p]),
                  parse_ticker_details, parse_ticker_events, parse_ticker_types, parse_exchanges, parse_conditions,
                  parse_grouped_daily, parse_snapshot_list, parse_universal_snapshot,
                  lambda p: parse_trades([p], "X"), lambda p: parse_quote_ticks([p], "X")):
        with contextlib.suppress(MassivePayloadError):
            parse(payload)
