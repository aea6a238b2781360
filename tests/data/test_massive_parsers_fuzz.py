"""Every Massive parser, fed mutated recorded payloads and random JSON, raises only
``MassivePayloadError``; one bad item of a batch is dropped and counted, its siblings survive.

Seeds are small payloads shaped like the recorded responses (so the file runs in a plain clone);
with ../shared present the recorded responses themselves are swept too.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.models import Bar, Quote, Timeframe
from data.providers.massive.errors import MassivePayloadError
from data.providers.massive.parsers import (
    decode_json,
    parse_aggregates,
    parse_indices_snapshot,
    parse_option_chain,
    parse_option_contracts,
    parse_stock_snapshot,
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
from tests.conftest import SHARED

FIXTURES = SHARED / "fixtures" / "massive"
ASOF = datetime(2026, 1, 2, tzinfo=UTC)
DECLARED = (MassivePayloadError,)


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


# Values a hostile or broken server could put anywhere: wrong types, non-finite and huge numbers,
# stamps in the wrong unit or out of range, Unicode digits and look-alikes, nested junk.
JUNK: list[Any] = [
    None, True, False, 0, -1, 1, 0.5, -0.0, 10**400, -(10**400), 2**63, -(2**63) - 1, 10**30, 1e308, -1e308,
    math.inf, -math.inf, math.nan, 1e-320, 1e11, 10**17, 4_102_444_800_000, "", "x", "1e999", "NaN", "١٢٣",
    "ＡＡＰＬ", "АAPL", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2022-13-45", "O:AAPL٢٣0616C00150000",
    [], {}, [None, {}], {"a": [1, {"b": None}]}, _nested(60),
]
DELETE = object()


@dataclass(frozen=True)
class Case:
    name: str
    parse: Callable[[Any], Any]
    seed: Any
    items: Callable[[Any], list] | None = None  # where the batch's items are in the seed
    size: Callable[[Any], int] | None = None  # how many items the parsed value holds


def _value(result: Any) -> Any:
    return result.value if hasattr(result, "value") and hasattr(result, "dropped") else result


def _len(result: Any) -> int:
    return len(_value(result))


def _bar(t: int, c: float) -> dict:
    return {"v": 1000, "vw": c, "o": c, "c": c, "h": c + 1, "l": c - 1, "t": t, "n": 3}


CONTRACT = {"break_even_price": 179.075, "day": {"close": 29, "volume": 8, "last_updated": 1651204800000000000},
            "details": {"contract_type": "call", "exercise_style": "american", "expiration_date": "2023-06-16",
                        "shares_per_contract": 100, "strike_price": 150, "ticker": "O:AAPL230616C00150000"},
            "greeks": {"delta": 0.64, "gamma": 0.006}, "implied_volatility": 0.357,
            "last_quote": {"ask": 29.25, "bid": 28.9, "last_updated": 1651254260800059648},
            "last_trade": {"price": 29.25, "sip_timestamp": 1678718527714665700}, "open_interest": 8133}
REF_CONTRACT = {"contract_type": "put", "expiration_date": "2022-05-20", "shares_per_contract": 100,
                "strike_price": 65, "ticker": "O:A220520P00065000", "underlying_ticker": "A"}
SNAPSHOT = {"day": {"c": 160.315, "v": 68840127}, "lastQuote": {"P": 159.99, "p": 159.98, "t": 1651251948407646487},
            "lastTrade": {"p": 159.99, "t": 1651251948294080343}, "min": {"av": 68834255, "c": 160.3},
            "prevDay": {"c": 163.64}, "ticker": "AAPL", "updated": 1651251948294080343}
NEWS = {"id": "JeJE", "publisher": {"name": "MarketWatch"}, "title": "Incomes are falling",
        "published_utc": "2022-04-28T17:08:00Z", "article_url": "https://example.com/a", "tickers": ["MSFT", "NFLX"]}
WS_EVENTS = [
    {"ev": "AM", "sym": "MSFT", "v": 10204, "av": 200304, "op": 114.04, "vw": 114.4040, "o": 114.11, "c": 114.14,
     "h": 114.19, "l": 114.09, "a": 114.1314, "z": 10, "s": 1610144640000, "e": 1610144700000},
    {"ev": "A", "sym": "I:SPX", "op": 3985.67, "o": 3985.67, "c": 3985.67, "h": 3985.67, "l": 3985.67,
     "s": 1678220675805, "e": 1678220675805},
    {"ev": "T", "sym": "AMZN", "i": "799", "x": 4, "p": 161.87, "s": 100, "t": 1651684192717, "q": 4009434, "z": 3},
    {"ev": "V", "val": 3988.5, "T": "I:SPX", "t": 1678220098130},
    {"ev": "Q", "sym": "O:SPY241220P00720000", "bx": 302, "ax": 302, "bp": 9.71, "ap": 9.81, "bs": 17, "as": 24,
     "t": 1644506128351, "q": 844090872},
]

CASES = [
    Case("aggregates", lambda p: parse_aggregates(p, "AAPL", Timeframe.D1),
         {"ticker": "AAPL", "results": [_bar(1112331600000, 43.5), _bar(1112590800000, 43.6)]},
         lambda p: p["results"], _len),
    Case("aggregates M1", lambda p: parse_aggregates(p, "AAPL", Timeframe.M1),
         {"results": [_bar(1660881600000, 170.0), _bar(1660881660000, 170.5), _bar(1660881720000, 171.0)]},
         lambda p: p["results"], _len),
    Case("stock snapshot", lambda p: parse_stock_snapshot(p, "AAPL"), {"status": "OK", "ticker": SNAPSHOT}),
    Case("indices snapshot", parse_indices_snapshot,
         {"results": [{"value": 3822.39, "ticker": "I:SPX", "last_updated": 1679597116344223500,
                       "session": {"previous_close": 3812.19}},
                      {"value": 12000.5, "ticker": "I:NDX", "last_updated": 1679597116344223500,
                       "session": {"previous_close": 11900.0}}]},
         lambda p: p["results"], _len),
    Case("option chain", lambda p: parse_option_chain([p], "AAPL", ASOF),
         {"results": [CONTRACT, copy.deepcopy(CONTRACT), copy.deepcopy(CONTRACT)]}, lambda p: p["results"], _len),
    Case("option contracts", lambda p: parse_option_contracts([p]),
         {"results": [REF_CONTRACT, copy.deepcopy(REF_CONTRACT)]}, lambda p: p["results"], _len),
    Case("ticker search", parse_ticker_search,
         {"results": [{"ticker": "A", "name": "Agilent", "market": "stocks", "type": "CS"},
                      {"ticker": "SPY", "name": "SPDR", "market": "stocks", "type": "ETF"}]},
         lambda p: p["results"], _len),
    Case("news", lambda p: parse_news([p]), {"results": [NEWS, copy.deepcopy(NEWS)]}, lambda p: p["results"], _len),
    Case("ticker details", parse_ticker_details,
         {"results": {"ticker": "AAPL", "name": "Apple Inc.", "type": "CS", "active": True, "currency_name": "usd",
                      "market_cap": 2488795282370, "primary_exchange": "XNAS", "description": "Phones"}}),
    Case("dividends", lambda p: parse_dividends([p]),
         {"results": [{"cash_amount": 0.59375, "dividend_type": "CD", "ex_dividend_date": "2025-06-12",
                       "frequency": 4, "pay_date": "2025-06-30", "ticker": "CSSEN"},
                      {"cash_amount": 0.24, "dividend_type": "CD", "ex_dividend_date": "2025-05-12",
                       "frequency": 4, "pay_date": "2025-05-15", "ticker": "AAPL"}]},
         lambda p: p["results"], _len),
    Case("splits", lambda p: parse_splits([p]),
         {"results": [{"execution_date": "2022-07-18", "split_from": 1, "split_to": 20, "ticker": "GOOGL"},
                      {"execution_date": "2022-05-20", "split_from": 2, "split_to": 1, "ticker": "BRW"}]},
         lambda p: p["results"], _len),
    Case("movers", parse_snapshot_list, {"status": "OK", "tickers": [SNAPSHOT, dict(SNAPSHOT, ticker="NVCN")]},
         lambda p: p["tickers"], _len),
    Case("ws frame", parse_ws_events, WS_EVENTS, lambda p: p, _len),
]


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


def _mutate(seed: Any, path: tuple, junk: Any) -> Any:
    if not path:
        return None if junk is DELETE else copy.deepcopy(junk)
    value = copy.deepcopy(seed)
    parent = value
    for key in path[:-1]:
        parent = parent[key]
    if junk is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(junk)
    return value


def _undeclared(parse: Callable[[Any], Any], payload: Any) -> str | None:
    try:
        parse(payload)
    except DECLARED:
        return None
    except Exception as exc:  # counting what escapes is the point
        return f"{type(exc).__name__}: {exc}"
    return None


def _in_an_item(case: Case, path: tuple, junk: Any) -> bool:
    """Whether a mutation changes one item of the batch (not the batch itself, nor its length)."""
    if case.items is None:
        return False
    level = 0 if case.name == "ws frame" else 1  # the items' index in the path
    return len(path) > level + 1 or (len(path) == level + 1 and junk is not DELETE)


def _survivors_ok(case: Case, mutated: Any) -> bool:
    """All but at most the one mutated item come through, and the dropped one is counted (a stream
    event that lost its ``ev`` is just not market data: not counted)."""
    n = len(case.items(case.seed))
    result = case.parse(mutated)
    kept = case.size(result)
    counted = kept + result.dropped
    return kept >= n - 1 and (counted == n or (case.name == "ws frame" and counted == n - 1))


def _sweep(case: Case) -> tuple[list[str], list[str]]:
    """Every path x every junk value (and deletion): undeclared errors, batch-survival failures."""
    undeclared, lost = [], []
    for path in _paths(case.seed):
        for junk in [*JUNK, DELETE]:
            mutated = _mutate(case.seed, path, junk)
            problem = _undeclared(case.parse, mutated)
            if problem:
                undeclared.append(f"{case.name} {path}={junk!r:.40}: {problem}")
            elif _in_an_item(case, path, junk) and not _survivors_ok(case, mutated):
                lost.append(f"{case.name} {path}={junk!r:.40}")
    return undeclared, lost


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_single_mutation_raises_only_declared_errors_and_keeps_the_siblings(case: Case) -> None:
    assert _undeclared(case.parse, case.seed) is None
    undeclared, lost = _sweep(case)
    assert len(undeclared) == 0, undeclared[:5]
    assert len(lost) == 0, lost[:5]


@pytest.mark.parametrize("case", [c for c in CASES if c.items], ids=[c.name for c in CASES if c.items])
def test_seeds_parse_whole(case: Case) -> None:
    """The seeds are valid: every item comes through, nothing is dropped."""
    result = case.parse(case.seed)
    assert result.dropped == 0 and case.size(result) == len(case.items(case.seed))


junk_values = st.sampled_from(JUNK) | st.integers() | st.floats() | st.text(max_size=6)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["results", "tickers", "ticker", "details", "t", "s", "e", "o", "h", "l", "c", "v", "p",
                         "ev", "sym", "T", "val", "bp", "ap", "value", "session", "day", "min", "lastTrade",
                         "strike_price", "shares_per_contract", "expiration_date", "contract_type",
                         "published_utc", "title", "article_url", "split_from", "cash_amount", "ex_dividend_date"]),
        children, max_size=6),
    max_leaves=24)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CASES), st.data())
def test_multiple_mutations_raise_only_declared_errors(case: Case, data: st.DataObject) -> None:
    payload = case.seed
    for _ in range(data.draw(st.integers(1, 4))):
        paths = _paths(payload)
        path = data.draw(st.sampled_from(paths))
        payload = _mutate(payload, path, data.draw(junk_values | json_values | st.just(DELETE)))
    with contextlib.suppress(DECLARED):
        case.parse(payload)


@settings(max_examples=120, deadline=None)
@given(json_values)
def test_random_json_raises_only_declared_errors(payload: Any) -> None:
    for case in CASES:
        with contextlib.suppress(DECLARED):
            case.parse(payload)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(WS_EVENTS) | json_values, max_size=6))
def test_a_ws_frame_keeps_every_valid_event_whatever_sits_beside_it(items: list) -> None:
    parsed = parse_ws_events(items)
    valid = [i for i in items if any(i is e for e in WS_EVENTS)]
    assert len(parsed.value) >= len(valid)
    assert all(isinstance(e, Bar | Quote) for e in parsed.value)


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=64) | st.text(max_size=64) | json_values.map(json.dumps)
       | st.integers(1, 3000).map(lambda n: "[" * n + "]" * n))
def test_raw_frames_decode_and_parse_raising_only_declared_errors(raw: str | bytes) -> None:
    with contextlib.suppress(DECLARED):
        parse_ws_events(decode_json(raw, "a stream frame"))


def _recorded() -> list[tuple[str, Case]]:
    """The recorded responses, each as the seed of the parser that reads it."""
    if not FIXTURES.exists():
        return []
    by_file = {
        "v2/aggs/ticker/AAPL/range/1/day/2005-04-01/2005-04-04.json": CASES[0],
        "spec_examples/indices_aggs_range_I_NDX.json": CASES[0],
        "v2/snapshot/locale/us/markets/stocks/tickers/AAPL.json": CASES[2],
        "v3/snapshot/indices__ticker.any_of_SPX_APx_APy.json": CASES[3],
        "v3/snapshot/options/AAPL.json": CASES[4],
        "v3/reference/options/contracts.json": CASES[5],
        "v3/reference/tickers.json": CASES[6],
        "v2/reference/news__ticker_NFLX.json": CASES[7],
        "v3/reference/tickers/AAPL.json": CASES[8],
        "v3/reference/dividends.json": CASES[9],
        "v3/reference/splits.json": CASES[10],
        "v2/snapshot/locale/us/markets/stocks/gainers.json": CASES[11],
    }
    out = [(rel, case) for rel, case in by_file.items()]
    out += [(f"ws/{p.parent.name}/{p.name}", CASES[12]) for p in sorted((FIXTURES / "ws").rglob("*.json"))]
    return out


@pytest.mark.skipif(not FIXTURES.exists(), reason="../shared/fixtures/massive not present (plain clone)")
@pytest.mark.parametrize(("rel", "case"), _recorded(), ids=[rel for rel, _ in _recorded()])
def test_recorded_responses_mutated_raise_only_declared_errors(rel: str, case: Case) -> None:
    seed = json.loads((FIXTURES / rel).read_text())
    undeclared = [f"{path}={junk!r:.40}: {problem}" for path in _paths(seed)[:400] for junk in [*JUNK, DELETE]
                  if (problem := _undeclared(case.parse, _mutate(seed, path, junk)))]
    assert len(undeclared) == 0, undeclared[:5]


def test_ws_event_types_it_does_not_read_are_none_and_junk_is_a_payload_error() -> None:
    assert parse_ws_event({"ev": "status", "status": "connected"}) is None
    assert parse_ws_event({"ev": ["AM"]}) is None
    with pytest.raises(MassivePayloadError):
        parse_ws_event([1, 2])
