"""Earnings sources: Alpha Vantage's CSV read by header name (quoted commas, CRLF, the 7th column),
its JSON refusals told apart; Massive's Benzinga results and errors; the demo calendar; the
store replacing a source's window. HTTP goes to a real server on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from data.earnings import (
    AMC,
    BAD_KEY,
    BMO,
    EMPTY,
    MALFORMED,
    NO_KEY,
    NOT_IN_PLAN,
    THROTTLED,
    UNKNOWN,
    UNREACHABLE,
    EarningsSourceError,
    timing_of_time,
)
from data.earnings.alphavantage import AlphaVantageClient, parse_calendar
from data.earnings.benzinga import fetch_earnings, parse_earnings
from data.earnings.demo import demo_events, estimate_for, timing_for
from data.providers.demo.options import next_earnings
from data.providers.massive.client import MassiveClient
from data.store import earnings
from data.store.database import Store
from data.store.records import EarningsEvent
from tests.data import earnings_server as fake
from tests.data.earnings_server import INVALID_KEY, NOT_AUTHORIZED, EarningsServer, av_csv, benzinga

KEY = "AVKEY-7f3a9c"
MASSIVE_KEY = "MSKEY-51d0e2"
ROWS = ('AAPL,Apple Inc,2027-01-28,2026-12-31,2.65,USD,post-market',
        'JPM,"JPMorgan Chase & Co, N.A.",2027-01-13,2026-12-31,5.10,USD,pre-market',
        'XYZ,"Block, Inc.",2027-02-19,2026-12-31,,USD,',
        'BRK-B,Berkshire Hathaway Inc,2027-02-27,2026-12-31,4.90,USD,pre-market')


# -- Alpha Vantage -------------------------------------------------------------------------------
def test_the_calendar_is_read_by_header_name_with_quoted_commas_and_crlf() -> None:
    parsed = parse_calendar(av_csv(*ROWS))
    by_symbol = {e.symbol: e for e in parsed.events}
    assert set(by_symbol) == {"AAPL", "JPM", "XYZ", "BRK.B"} and parsed.dropped == 0
    aapl, jpm, xyz = by_symbol["AAPL"], by_symbol["JPM"], by_symbol["XYZ"]
    assert (aapl.report_date, aapl.timing, aapl.estimate_eps, aapl.source) == (date(2027, 1, 28), AMC, 2.65,
                                                                              "alphavantage")
    assert aapl.fiscal_period == "2026-12-31" and aapl.name == "Apple Inc" and aapl.currency == "USD"
    assert jpm.name == "JPMorgan Chase & Co, N.A." and jpm.timing == BMO and jpm.estimate_eps == 5.10
    assert xyz.name == "Block, Inc." and xyz.estimate_eps is None and xyz.timing == UNKNOWN


def test_a_header_without_name_and_in_another_order_reads_the_same() -> None:
    text = av_csv("2027-01-28,AAPL,USD,2.65,post-market,2026-12-31",
                  header="reportDate,symbol,currency,estimate,timeOfTheDay,fiscalDateEnding")
    (event,) = parse_calendar(text).events
    assert (event.symbol, event.report_date, event.timing, event.estimate_eps, event.name) == (
        "AAPL", date(2027, 1, 28), AMC, 2.65, "")


def test_the_six_column_header_has_no_timing_and_bad_rows_are_dropped() -> None:
    text = av_csv("AAPL,Apple Inc,2027-01-28,2026-12-31,2.65,USD", "MSFT,Microsoft,not-a-date,2026-12-31,3.1,USD",
                  ",Nobody,2027-01-30,2026-12-31,,USD", "NVDA,NVIDIA,2027-02-25,2027-01-31,nan,USD",
                  header="symbol,name,reportDate,fiscalDateEnding,estimate,currency")
    parsed = parse_calendar(text)
    assert [(e.symbol, e.timing, e.estimate_eps) for e in parsed.events] == [("AAPL", UNKNOWN, 2.65),
                                                                             ("NVDA", UNKNOWN, None)]
    assert parsed.dropped == 2


@pytest.mark.parametrize(("body", "kind", "words"), [
    (json.dumps(fake.THROTTLED), THROTTLED, "25 a day"),
    (json.dumps({"Note": "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute"}),
     THROTTLED, "limit"),
    (json.dumps(INVALID_KEY), BAD_KEY, "refused the API key"),
    ('{"Information": ', MALFORMED, "broken answer"),
    ("<html>Service Unavailable</html>", MALFORMED, "not an earnings calendar"),
    ("", MALFORMED, "not an earnings calendar"),
    (av_csv(), EMPTY, "empty earnings calendar"),
    ("symbol,name,fiscalDateEnding\r\nAAPL,Apple,2026-12-31\r\n", MALFORMED, "no reportDate column"),
])
def test_a_refusal_or_a_broken_answer_is_a_clear_error(body: str, kind: str, words: str) -> None:
    with pytest.raises(EarningsSourceError, match=words) as caught:
        parse_calendar(body)
    assert caught.value.kind == kind
    assert "KEY" not in str(caught.value)  # the throttled body names the key: the message does not


async def test_the_client_asks_the_three_month_calendar_with_the_key_in_the_query() -> None:
    with EarningsServer(av_body=av_csv(*ROWS)).running() as server:
        async with AlphaVantageClient(KEY, base_url=server.base_url) as client:
            parsed = await client.earnings_calendar()
    assert len(parsed.events) == 4
    (path, query, _headers), = server.requests
    assert path == "/query" and query == {"function": ["EARNINGS_CALENDAR"], "horizon": ["3month"], "apikey": [KEY]}


async def test_the_clients_failures_never_carry_the_key() -> None:
    with EarningsServer(av_body="oops", av_status=503).running() as server:
        async with AlphaVantageClient(KEY, base_url=server.base_url) as client:
            with pytest.raises(EarningsSourceError, match="HTTP 503") as answered:
                await client.earnings_calendar()
        dead = server.base_url
    async with AlphaVantageClient(KEY, base_url=dead, timeout=2) as client:  # the server is gone
        with pytest.raises(EarningsSourceError, match="unreachable") as unreachable:
            await client.earnings_calendar()
    for caught in (answered, unreachable):
        assert caught.value.kind == UNREACHABLE and KEY not in str(caught.value)
        assert caught.value.__cause__ is None
    assert unreachable.value.__suppress_context__  # httpx's error (whose text names the URL) is not chained
    with pytest.raises(EarningsSourceError) as no_key:
        AlphaVantageClient("  ")
    assert no_key.value.kind == NO_KEY


# -- Massive (Benzinga) --------------------------------------------------------------------------
@pytest.mark.parametrize(("time", "timing", "shown"), [
    ("07:00:00", BMO, "07:00"), ("09:29:59", BMO, "09:29"), ("16:00:00", AMC, "16:00"), ("16:30:00", AMC, "16:30"),
    ("00:00:00", UNKNOWN, None), ("12:00:00", UNKNOWN, "12:00"), (None, UNKNOWN, None), ("soon", UNKNOWN, None),
    ("25:00:00", UNKNOWN, None), ("09:30:00", UNKNOWN, "09:30"),
])
def test_the_benzinga_time_gives_the_session_timing(time, timing, shown) -> None:
    assert timing_of_time(time) == (timing, shown)


def test_benzinga_results_become_events_and_a_bad_item_is_dropped_not_its_page() -> None:
    pages = [{"results": [benzinga("AAPL", "2027-01-28", "16:30:00", estimated_eps=2.65),
                          benzinga("MSFT", "2027-01-27", "00:00:00", date_status="projected", estimated_eps=None),
                          {"ticker": "NVDA", "date": "soon"}, "not an object", {"date": "2027-02-25"}]},
             {"results": [{"ticker": "TSLA", "date": "2027-01-20", "time": 7, "actual_eps": "1.2"}]}]
    parsed = parse_earnings(pages)
    by_symbol = {e.symbol: e for e in parsed.events}
    assert parsed.dropped == 3 and set(by_symbol) == {"AAPL", "MSFT", "TSLA"}
    aapl = by_symbol["AAPL"]
    assert (aapl.timing, aapl.time_et, aapl.estimate_eps, aapl.fiscal_period, aapl.status, aapl.name, aapl.source) == (
        AMC, "16:30", 2.65, "Q1 2027", "confirmed", "AAPL Inc.", "massive")
    assert (by_symbol["MSFT"].timing, by_symbol["MSFT"].estimate_eps, by_symbol["MSFT"].status) == (
        UNKNOWN, None, "projected")
    tsla = by_symbol["TSLA"]  # every field optional; a wrong type is no value
    assert (tsla.timing, tsla.actual_eps, tsla.currency, tsla.fiscal_period) == (UNKNOWN, None, "USD", "")
    with pytest.raises(EarningsSourceError) as caught:
        parse_earnings([{"results": {"ticker": "AAPL"}}])
    assert caught.value.kind == MALFORMED


async def test_the_fetch_follows_every_page_with_the_date_window_and_the_bearer_key() -> None:
    pages = [[benzinga("AAPL", "2027-01-28")], [benzinga("MSFT", "2027-01-27", "07:00:00")]]
    with EarningsServer(massive_pages=pages).running() as server:
        client = MassiveClient(MASSIVE_KEY, base_url=server.base_url)
        try:
            parsed = await fetch_earnings(client, date(2026, 11, 24), date(2027, 3, 3))
        finally:
            await client.aclose()
    assert sorted((e.symbol, e.timing) for e in parsed.events) == [("AAPL", AMC), ("MSFT", BMO)]
    (_, first, headers), (_, second, _) = server.requests
    assert first["date.gte"] == ["2026-11-24"] and first["date.lte"] == ["2027-03-03"] and "ticker" not in first
    assert second == {"cursor": ["1"]}  # next_url as given, nothing added
    assert headers["Authorization"] == f"Bearer {MASSIVE_KEY}"


@pytest.mark.parametrize(("error", "kind", "words"), [
    (NOT_AUTHORIZED, NOT_IN_PLAN, "plan does not include Benzinga"),
    ((401, {"status": "ERROR", "error": "Unknown API Key"}), BAD_KEY, "refused the API key"),
    ((200, "{not json"), MALFORMED, "not valid JSON"),
    ((404, {"status": "NOT_FOUND", "message": "gone"}), UNREACHABLE, "could not be fetched"),
])
async def test_massive_errors_become_plain_words(error, kind, words) -> None:
    with EarningsServer(massive_error=error).running() as server:
        client = MassiveClient(MASSIVE_KEY, base_url=server.base_url, max_retries=0)
        try:
            with pytest.raises(EarningsSourceError, match=words) as caught:
                await fetch_earnings(client, date(2026, 11, 24), date(2027, 3, 3), "AAPL")
        finally:
            await client.aclose()
    assert caught.value.kind == kind and MASSIVE_KEY not in str(caught.value)
    assert server.requests[0][1]["ticker"] == ["AAPL"]


# -- the demo calendar ---------------------------------------------------------------------------
def test_the_demo_calendar_has_the_chains_dates_past_and_future() -> None:
    today = date(2026, 12, 1)
    events = demo_events(["AAPL", "NVDA", "SPY", "SPX", "ZZZZ", "AAPL"], date(2025, 12, 1), date(2027, 3, 1), today)
    assert {e.symbol for e in events} == {"AAPL", "NVDA"}  # no earnings for an ETF, an index or a stranger
    aapl = [e for e in events if e.symbol == "AAPL"]
    assert len(aapl) == 5 and aapl == sorted(aapl, key=lambda e: e.report_date)
    upcoming = next_earnings("AAPL", today)
    assert [e.report_date for e in aapl if e.report_date >= today] == [upcoming]
    for e in aapl:
        assert next_earnings("AAPL", e.report_date) == e.report_date  # each is a date the chains bump
        assert (e.timing, e.time_et) == timing_for("AAPL") and e.estimate_eps == estimate_for("AAPL") > 0
        assert (e.actual_eps is not None) == (e.report_date < today) and e.name == "Apple Inc."
    assert demo_events(["AAPL", "NVDA"], date(2025, 12, 1), date(2027, 3, 1), today) == [
        e for e in events if e.symbol in ("AAPL", "NVDA")]  # the same answer every time
    assert {timing_for(s)[0] for s in ("AAPL", "MSFT", "NVDA", "TSLA", "AMD", "META", "JPM", "KO")} == {BMO, AMC}


# -- the store -----------------------------------------------------------------------------------
def _event(symbol: str, day: date, source: str = "alphavantage", eps: float | None = 1.0) -> EarningsEvent:
    return EarningsEvent(symbol, day, AMC, source, estimate_eps=eps, name=f"{symbol} Corp")


def test_a_fetch_replaces_its_sources_events_in_the_window_only(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    at = datetime(2026, 12, 1, 12, tzinfo=UTC)
    try:
        first = [_event("AAPL", date(2027, 1, 28)), _event("MSFT", date(2027, 1, 27)),
                 _event("AAPL", date(2026, 10, 30)), _event("AAPL", date(2027, 1, 29), "massive")]
        store.run_sync(lambda s: earnings.replace_window(s, "alphavantage", date(2026, 10, 1), date(2027, 3, 1),
                                                         first, at))
        moved = [_event("AAPL", date(2027, 1, 30), eps=2.0), _event("AAPL", date(2027, 1, 30), eps=2.5)]
        stored = store.run_sync(lambda s: earnings.replace_window(s, "alphavantage", date(2026, 12, 1),
                                                                  date(2027, 3, 1), moved, at))
        assert stored == 1  # a repeated row counts once (the last one)
        store.run_sync(lambda s: earnings.replace_window(s, "massive", date(2026, 12, 1), date(2027, 3, 1),
                                                         [_event("AAPL", date(2027, 1, 29), "massive")], at))
        rows = store.run_sync(lambda s: earnings.events_between(s, ["AAPL", "MSFT"], date(2026, 1, 1),
                                                                date(2027, 12, 31)))
        assert [(e.symbol, e.report_date, e.source, e.estimate_eps) for e in rows] == [
            ("AAPL", date(2026, 10, 30), "alphavantage", 1.0),  # before the second window: kept
            ("AAPL", date(2027, 1, 29), "massive", 1.0),
            ("AAPL", date(2027, 1, 30), "alphavantage", 2.5)]  # MSFT's date went with the window
        history = store.run_sync(lambda s: earnings.replace_window(
            s, "alphavantage", date(2026, 1, 1), date(2026, 11, 30), [_event("MSFT", date(2026, 10, 28))], at,
            symbols=["MSFT"]))
        assert history == 1
        assert len(store.run_sync(lambda s: earnings.events_between(s, ["AAPL"], date(2026, 1, 1),
                                                                    date(2026, 11, 30)))) == 1  # AAPL untouched
        assert store.run_sync(lambda s: earnings.fetched_at(s, "massive")) == at
        assert store.run_sync(lambda s: earnings.fetched_at(s, "demo")) is None
    finally:
        store.close()
