"""The reported payloads that escaped the Massive parsers as undeclared exceptions or sank a whole
batch: each is now one dropped, counted item (or a ``MassivePayloadError``), its siblings intact."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import pytest

from data.models import Bar, Quote, Timeframe
from data.providers.massive.errors import MassivePayloadError
from data.providers.massive.parsers import (
    Parsed,
    ms_to_seconds,
    ns_to_datetime,
    parse_aggregates,
    parse_indices_snapshot,
    parse_option_chain,
    parse_option_contracts,
    parse_ticker_search,
    parse_ws_event,
    parse_ws_events,
)
from data.providers.massive.reference_parsers import (
    parse_dividends,
    parse_news,
    parse_snapshot_list,
    parse_splits,
    parse_ticker_details,
)
from tests.conftest import shared_path

ASOF = datetime(2026, 1, 2, tzinfo=UTC)


def _contract(shares: str, strike: int = 150) -> str:
    return (f'{{"details": {{"contract_type": "call", "expiration_date": "2023-06-16", "strike_price": {strike},'
            f' "shares_per_contract": {shares}, "ticker": "O:AAPL230616C{strike * 1000:08d}"}},'
            f' "last_quote": {{"bid": 1.0, "ask": 1.2}}, "open_interest": 10}}')


def test_an_out_of_range_nanosecond_stamp_no_longer_sinks_the_snapshot_batch() -> None:
    payload = json.loads('{"results": ['
                         '{"value": 3822.39, "ticker": "I:SPX", "last_updated": 1000000000000000000000000000000,'
                         ' "session": {"previous_close": 3812.19}},'
                         '{"value": 12000.5, "ticker": "I:NDX", "last_updated": 1679597116344223500,'
                         ' "session": {"previous_close": 11900}}]}')
    quotes = parse_indices_snapshot(payload).value
    assert set(quotes) == {"SPX", "NDX"} and quotes["SPX"].ts == 0 and quotes["NDX"].ts == 1679597116
    movers = parse_snapshot_list({"tickers": [{"ticker": "NVCN", "updated": -(10**30), "day": {"c": 6.42}},
                                              {"ticker": "AAPL", "updated": 1651251948294080343, "day": {"c": 160}}]})
    assert [q.symbol for q in movers.value] == ["NVCN", "AAPL"] and movers.value[0].ts == 0
    assert ns_to_datetime(10**30) is None and ns_to_datetime(-1) is None and ms_to_seconds(4_102_444_800_000) is None


@pytest.mark.parametrize("shares", ["1e999", "-1e999", "NaN", "0", "-100", "12.5", "1e9", "\"100\"", "[]"])
def test_an_impossible_shares_per_contract_drops_that_contract_only(shares: str) -> None:
    contracts = json.loads(f'{{"results": [{_contract(shares)}, {_contract("100", 155)}]}}')
    chain = parse_option_chain([contracts], "AAPL", ASOF)
    assert list(chain.value.symbol) == ["AAPL230616C00155000"] and chain.dropped == 1
    reference = [dict(c["details"], underlying_ticker="AAPL") for c in contracts["results"]]
    parsed = parse_option_contracts([{"results": reference}])
    assert [c.symbol for c in parsed.value] == ["AAPL230616C00155000"] and parsed.dropped == 1


def test_an_adjusted_deliverable_is_kept_and_flagged() -> None:
    chain = parse_option_chain([json.loads(f'{{"results": [{_contract("150")}]}}')], "AAPL", ASOF).value
    assert len(chain) == 1 and bool(chain.adjusted[0])


def test_a_bad_bar_is_dropped_from_the_aggregates_not_the_batch() -> None:
    good = '{"o": 10, "h": 11, "l": 9, "c": 10.5, "v": 100, "t": 1660881600000}'
    bad = ['{"o": 1e999, "h": 11, "l": 9, "c": 10, "t": 1660881660000}',
           '{"o": 10, "h": 11, "l": 9, "c": 10, "t": 1660881660000, "v": -5}',  # volume unknown: 0, bar kept
           f'{{"o": {10**400}, "h": 11, "l": 9, "c": 10, "t": 1660881660000}}',
           '{"o": 10, "h": 9, "l": 11, "c": 10, "t": 1660881660000}',  # high below low
           '{"o": 0, "h": 11, "l": 0, "c": 10, "t": 1660881660000}',
           '{"o": 10, "h": 11, "l": 9, "c": 10, "t": 1e999}']
    parsed = parse_aggregates(json.loads(f'{{"results": [{good}, {", ".join(bad)}]}}'), "X", Timeframe.M1)
    assert len(parsed.value) == 2 and parsed.dropped == 5 and parsed.value.volume.tolist() == [100.0, 0.0]


def test_a_bad_event_is_dropped_from_a_ws_frame_and_counted() -> None:
    frame = json.loads(
        '[{"ev": "T", "sym": "AMZN", "p": 161.87, "t": 1651684192717},'
        f' {{"ev": "T", "sym": "AMZN", "p": {10**400}, "t": 1651684192718}},'
        ' {"ev": "T", "sym": "AMZN", "p": 1e999, "t": 1651684192718},'
        ' {"ev": "V", "T": "I:SPX", "val": -1, "t": 1678220098130},'
        ' {"ev": "Q", "sym": "MSFT", "bp": 114.2, "ap": 114.1, "t": 1644506128351},'
        ' {"ev": "AM", "sym": "MSFT", "o": 1, "h": 0.5, "l": 1, "c": 1, "s": 1610144640000},'
        ' {"ev": "A", "sym": "\u0410APL", "c": 1, "e": 1610144640000},'
        ' {"ev": "status", "status": "connected"},'
        ' {"ev": "AM", "sym": "MSFT", "o": 114.11, "h": 114.19, "l": 114.09, "c": 114.14, "v": 1e999,'
        ' "s": 1610144640000}]')
    parsed = parse_ws_events(frame)
    assert parsed.dropped == 6 and [type(e) for e in parsed.value] == [Quote, Bar]
    assert parsed.value[1] == Bar("MSFT", Timeframe.M1, 1610144640, 114.11, 114.19, 114.09, 114.14, 0.0, True)
    quote = parse_ws_event({"ev": "Q", "sym": "O:SPY241220P00720000", "bp": 0, "ap": 0.05, "t": 1644506128351})
    assert (quote.bid, quote.ask, quote.last) == (0.0, 0.05, 0.025)  # no bid is a real option market
    with pytest.raises(MassivePayloadError):
        parse_ws_events({"ev": "T"})


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "1969-01-01", "", 1])
def test_a_news_item_with_an_impossible_time_is_dropped(stamp: object) -> None:
    good = {"title": "t", "article_url": "https://example.com", "published_utc": "2022-04-28T17:08:00Z",
            "tickers": ["NFLX", "ＮＦＬＸ", "X:BTCUSD", [1]]}
    parsed = parse_news([{"results": [dict(good, published_utc=stamp), good]}])
    assert len(parsed.value) == 1 and parsed.dropped == 1 and parsed.value[0].tickers == ("NFLX",)
    naive = parse_news([{"results": [dict(good, published_utc="2022-04-28T17:08:00")]}]).value[0]
    assert naive.published == datetime(2022, 4, 28, 17, 8, tzinfo=UTC)  # naive = UTC, not the PC's zone


def test_reference_numbers_must_be_finite() -> None:
    dividends = parse_dividends([{"results": [
        {"ticker": "AAPL", "ex_dividend_date": "2025-05-12", "cash_amount": 10**400},
        {"ticker": "AAPL", "ex_dividend_date": "2025-05-12", "cash_amount": 0.24, "frequency": 1e999},
        {"ticker": "AAPL", "ex_dividend_date": "2025-05-12", "cash_amount": 0.24, "frequency": 4}]}])
    assert dividends.dropped == 1 and [d.frequency for d in dividends.value] == [0, 4]
    splits = parse_splits([{"results": [{"ticker": "GOOGL", "execution_date": "2022-07-18", "split_from": 1,
                                         "split_to": math.inf}]}])
    assert splits.value == [] and splits.dropped == 1
    details = parse_ticker_details({"results": {"ticker": "AAPL", "market_cap": 10**400, "name": ["x"]}})
    assert math.isnan(details.market_cap) and details.name == "AAPL"


def test_ticker_search_drops_what_we_cannot_trade() -> None:
    found = parse_ticker_search({"results": [{"ticker": "X:BTCUSD"}, {"ticker": "ＡＡＰＬ"}, {"ticker": "A", "name": 5},
                                             {"ticker": "I:SPX", "market": "indices", "name": "S&P 500"}]})
    assert [(f.symbol, f.name) for f in found.value] == [("A", ""), ("SPX", "S&P 500")] and found.dropped == 2


def test_recorded_ws_frames_parse_into_the_same_events_the_stream_emits() -> None:
    folder = shared_path("fixtures", "massive", "ws")

    def frame(rel: str) -> Parsed:
        return parse_ws_events(json.loads((folder / rel).read_text()))

    trades = frame("mock_server/05_trades_T_AMZN_batch.json")
    assert [q.last for q in trades.value] == [161.87, 161.87] and trades.dropped == 0
    bar = frame("spec_examples/stocks_AM.json").value[0]
    assert isinstance(bar, Bar) and bar.ts == 1610144640 and bar.close == 0.4486
    value = frame("spec_examples/indices_V.json").value[0]
    assert isinstance(value, Quote) and value.symbol == "SPX" and value.last == 3988.5
    quote = frame("spec_examples/stocks_Q.json").value[0]
    assert (quote.bid, quote.ask) == (114.125, 114.128)
    for path in sorted(folder.rglob("*.json")):
        parsed = parse_ws_events(json.loads(path.read_text()))
        assert parsed.dropped == 0, path.name  # every recorded event is valid
    for name in ("01_connected.json", "03_subscribed_T.AAPL.json", "../observed/status_auth_failed.json"):
        assert frame(f"mock_server/{name}").value == []


@pytest.mark.parametrize("raw", ["[" * 100_000, "1" * 5000, b"\xff\xfe[", "", "{'a': 1}", None])
def test_undecodable_json_is_a_payload_error(raw: object) -> None:
    """json.loads raises RecursionError (not a ValueError) on deep nesting: a crafted frame or body."""
    from data.providers.massive.parsers import decode_json

    with pytest.raises(MassivePayloadError, match="not valid JSON"):
        decode_json(raw, "a stream frame")  # type: ignore[arg-type]
