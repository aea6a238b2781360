"""The earnings calendar service: the demo market's own dates; otherwise Alpha Vantage, with
Massive's Benzinga as the fallback and cross-check, each asked once per 24 h of market time; a
missing or bad key, a throttled answer, a plan without Benzinga or a broken answer says so in
plain words and keeps what is stored. HTTP goes to a fake server on 127.0.0.1."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.core.earnings.calendar import EarningsCalendarService
from data.providers.demo.options import next_earnings
from data.store.database import Store
from tests.data.earnings_server import INVALID_KEY, NOT_AUTHORIZED, THROTTLED, EarningsServer, av_csv, benzinga

AV_KEY, MASSIVE_KEY = "AVKEY-7f3a9c", "MSKEY-51d0e2"
NOW = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)  # 08:00 ET, a Tuesday
AV_ROWS = ("AAPL,Apple Inc,2027-01-28,2026-12-31,2.65,USD,post-market",
           'JPM,"JPMorgan Chase & Co",2026-12-10,2026-11-30,5.10,USD,pre-market',
           "MSFT,Microsoft Corp,2027-01-27,2026-12-31,3.90,USD,post-market",
           "KO,Coca-Cola Co,2027-02-10,2026-12-31,0.70,USD,pre-market")
AV_PATH, BZ_PATH = "/query", "/benzinga/v1/earnings"


@dataclass
class Provider:
    real_prices: bool = True


class Clock:
    def __init__(self) -> None:
        self.at = NOW

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path)
    yield s
    s.close()


def service(store: Store, server: EarningsServer | None, keys: dict[str, str], clock: Clock,
            provider: Provider | None = None) -> EarningsCalendarService:
    base = server.base_url if server is not None else "http://127.0.0.1:9"
    return EarningsCalendarService(store, lambda: provider or Provider(), keys.get, clock,
                                   av_base_url=base, massive_base_url=base)


async def test_the_demo_market_gives_its_own_dates_without_any_key(store) -> None:
    svc = service(store, None, {}, Clock(), Provider(real_prices=False))
    view = await svc.events(["SPY", "AAPL", "NVDA", "TSLA", "MSFT"], 90)
    assert view.source == "demo" and view.note == ""
    today = date(2026, 12, 1)
    expected = sorted((s, next_earnings(s, today)) for s in ("AAPL", "NVDA", "TSLA", "MSFT")
                      if next_earnings(s, today) <= today + timedelta(days=90))
    assert sorted((e.symbol, e.report_date) for e in view.events) == expected and expected
    soon = await svc.events(["SPY", "AAPL", "NVDA", "TSLA", "MSFT"], 7)
    assert soon.events == tuple(e for e in view.events if e.report_date <= today + timedelta(days=7))
    assert soon.next_after == (view.events[len(soon.events)] if len(soon.events) < len(view.events) else None)
    assert soon.next_after is not None or not view.events
    assert (await svc.next_event("AAPL")).report_date == next_earnings("AAPL", today)
    assert await svc.next_event("SPY") is None
    past = await svc.past_events("AAPL")
    assert len(past) >= 11 and all(e.report_date < today and e.actual_eps is not None for e in past)
    assert past == sorted(past, key=lambda e: e.report_date)


async def test_alpha_vantage_is_asked_once_a_day_of_market_time(store) -> None:
    clock = Clock()
    with EarningsServer(av_body=av_csv(*AV_ROWS), massive_pages=[[benzinga("AAPL", "2027-01-28")]]).running() as srv:
        svc = service(store, srv, {"alpha_vantage": AV_KEY, "massive": MASSIVE_KEY}, clock)
        view = await svc.events(["AAPL", "JPM", "MSFT", "SPY"], 14)
        assert view.source == "alphavantage" and view.note == ""
        assert [(e.symbol, e.report_date, e.timing) for e in view.events] == [("JPM", date(2026, 12, 10), "bmo")]
        assert view.conflicts == frozenset()
        wide = await svc.events(["AAPL", "JPM", "MSFT"], 90)
        assert [e.symbol for e in wide.events] == ["JPM", "MSFT", "AAPL"]  # AAPL once: both sources agree
        clock.at = NOW + timedelta(hours=23)
        await svc.events(["AAPL"], 90)
        assert (srv.count(AV_PATH), srv.count(BZ_PATH)) == (1, 1)  # fresh: not asked again
        clock.at = NOW + timedelta(hours=25)
        await svc.events(["AAPL"], 90)
        assert (srv.count(AV_PATH), srv.count(BZ_PATH)) == (2, 2)
    assert srv.requests[0][1]["apikey"] == [AV_KEY]


async def test_without_an_alpha_vantage_key_massive_is_used_and_the_note_says_so(store) -> None:
    pages = [[benzinga("AAPL", "2026-12-03", "07:00:00", estimated_eps=2.5)]]
    with EarningsServer(massive_pages=pages).running() as srv:
        view = await service(store, srv, {"massive": MASSIVE_KEY}, Clock()).events(["AAPL"], 7)
    assert view.source == "massive"
    assert view.note == ("No Alpha Vantage key: save one in Preferences for its free earnings calendar. "
                         "Using Massive (Benzinga) instead.")
    ((e),) = view.events
    assert (e.symbol, e.report_date, e.timing, e.time_et, e.estimate_eps) == ("AAPL", date(2026, 12, 3), "bmo",
                                                                             "07:00", 2.5)
    assert srv.requests[0][2]["Authorization"] == f"Bearer {MASSIVE_KEY}"


async def test_no_source_at_all_says_what_to_do(store) -> None:
    view = await service(store, None, {}, Clock()).events(["AAPL"], 14)
    assert view.events == () and view.source == ""
    assert "No Alpha Vantage key" in view.note and "No Massive key" in view.note


async def test_when_the_sources_disagree_both_dates_are_kept_and_flagged(store) -> None:
    pages = [[benzinga("AAPL", "2027-01-29", "16:30:00"), benzinga("KO", "2027-02-10", "07:00:00"),
              benzinga("NVDA", "2027-02-25", "16:20:00"), benzinga("MSFT", "2027-01-27", "16:05:00")]]
    rows = (*AV_ROWS[:2], "MSFT,,2027-01-27,2026-12-31,,USD,", AV_ROWS[3])  # AV: no name, time nor estimate
    with EarningsServer(av_body=av_csv(*rows), massive_pages=pages).running() as srv:
        svc = service(store, srv, {"alpha_vantage": AV_KEY, "massive": MASSIVE_KEY}, Clock())
        view = await svc.events(["AAPL", "KO", "NVDA", "MSFT"], 90)
        assert [e.symbol for e in await svc.upcoming(["AAPL", "KO", "NVDA", "MSFT"], 90)] == [
            e.symbol for e in view.events]
    assert [(e.symbol, e.report_date, e.source) for e in view.events] == [
        ("MSFT", date(2027, 1, 27), "alphavantage"),
        ("AAPL", date(2027, 1, 28), "alphavantage"), ("AAPL", date(2027, 1, 29), "massive"),
        ("KO", date(2027, 2, 10), "alphavantage"),  # the same date: once, the calendar's own
        ("NVDA", date(2027, 2, 25), "massive")]  # only Massive knows it: added, no conflict
    assert view.conflicts == frozenset({"AAPL"})
    msft, ko = view.events[0], view.events[3]
    assert (msft.timing, msft.time_et, msft.name, msft.estimate_eps) == ("amc", "16:05", "MSFT Inc.", 1.25)
    assert (ko.timing, ko.time_et, ko.estimate_eps, ko.name) == ("bmo", "07:00", 0.70, "Coca-Cola Co")


async def test_a_throttled_key_and_a_plan_without_benzinga_keep_the_stored_dates(store) -> None:
    clock = Clock()
    keys = {"alpha_vantage": AV_KEY, "massive": MASSIVE_KEY}
    with EarningsServer(av_body=av_csv(*AV_ROWS), massive_error=NOT_AUTHORIZED).running() as srv:
        first = await service(store, srv, keys, clock).events(["AAPL"], 90)
        assert first.source == "alphavantage" and first.note == ""  # the cross-check's failure is no news
        clock.at = NOW + timedelta(days=1, hours=2)
        srv.av_body = json.dumps(THROTTLED)
        svc = service(store, srv, keys, clock)
        view = await svc.events(["AAPL", "JPM"], 90)
        assert view.source == "alphavantage"
        assert [e.symbol for e in view.events] == ["JPM", "AAPL"]  # nothing lost
        assert view.note == ("Alpha Vantage's daily request limit is used up (a free key allows 25 a day); it "
                             "refreshes tomorrow. Your Massive plan does not include Benzinga earnings. "
                             "Showing the Alpha Vantage dates fetched Dec 01.")
        asked = (srv.count(AV_PATH), srv.count(BZ_PATH))
        clock.at += timedelta(minutes=30)
        assert (await svc.events(["AAPL"], 90)).note == view.note
        assert (srv.count(AV_PATH), srv.count(BZ_PATH)) == asked  # a failed source waits an hour
        clock.at += timedelta(hours=1)
        srv.av_body = av_csv(*AV_ROWS)
        assert (await svc.events(["AAPL"], 90)).note == ""
        assert srv.count(AV_PATH) == asked[0] + 1


@pytest.mark.parametrize(("body", "words"), [
    ("<html>502 Bad Gateway</html>", "not an earnings calendar"),
    (av_csv(), "empty earnings calendar"),
    (json.dumps(INVALID_KEY), "refused the API key"),
])
async def test_a_broken_or_empty_answer_loses_nothing(store, body: str, words: str) -> None:
    clock = Clock()
    with EarningsServer(av_body=av_csv(*AV_ROWS)).running() as srv:
        await service(store, srv, {"alpha_vantage": AV_KEY}, clock).events(["AAPL"], 90)
        clock.at = NOW + timedelta(days=2)
        srv.av_body = body
        view = await service(store, srv, {"alpha_vantage": AV_KEY}, clock).events(["AAPL", "MSFT"], 90)
    assert [e.symbol for e in view.events] == ["MSFT", "AAPL"] and view.source == "alphavantage"
    assert words in view.note and "Showing the Alpha Vantage dates fetched Dec 01." in view.note


async def test_keys_reach_neither_the_notes_nor_the_database(store) -> None:
    with EarningsServer(av_body=json.dumps(THROTTLED), massive_error=(401, {"error": f"bad key {MASSIVE_KEY}"})
                        ).running() as srv:
        view = await service(store, srv, {"alpha_vantage": AV_KEY, "massive": MASSIVE_KEY}, Clock()).events(
            ["AAPL"], 14)
    assert "refused the API key" in view.note and AV_KEY not in view.note and MASSIVE_KEY not in view.note
    raw = store.path.read_bytes()
    assert AV_KEY.encode() not in raw and MASSIVE_KEY.encode() not in raw


async def test_a_key_http_cannot_carry_is_named_not_sent(store) -> None:
    with EarningsServer(av_body=av_csv(*AV_ROWS)).running() as srv:
        view = await service(store, srv, {"alpha_vantage": "abc\u00e9def"}, Clock()).events(["AAPL"], 14)
    assert "The saved Alpha Vantage key contains characters" in view.note and srv.count(AV_PATH) == 0


async def test_past_reports_come_from_massive_history_one_per_report(store) -> None:
    clock = Clock()
    clock.at = datetime(2026, 10, 20, 13, tzinfo=UTC)
    history = [[benzinga("AAPL", "2026-10-30", "16:30:00", actual_eps=1.85),
                benzinga("AAPL", "2026-04-30", "16:30:00", actual_eps=1.57)]]
    with EarningsServer(av_body=av_csv("AAPL,Apple Inc,2026-10-29,2026-09-30,1.77,USD,post-market"),
                        massive_error=NOT_AUTHORIZED).running() as srv:
        svc = service(store, srv, {"alpha_vantage": AV_KEY, "massive": MASSIVE_KEY}, clock)
        await svc.events(["AAPL"], 14)  # in October, AV dates the report Oct 29
        assert [(e.report_date, e.source) for e in await svc.past_events("AAPL")] == []
        clock.at = NOW
        only_av = await svc.past_events("AAPL")  # no Benzinga in the plan: what AV dated
        srv.massive_error, srv.massive_pages = None, history
        clock.at = NOW + timedelta(hours=2)
        past = await svc.past_events("AAPL")
        again = await svc.past_events("AAPL")
        asked = [q for p, q, _h in srv.requests if p == BZ_PATH and "ticker" in q]
    assert [(e.report_date, e.source) for e in only_av] == [(date(2026, 10, 29), "alphavantage")]
    assert [(e.report_date, e.source, e.actual_eps) for e in past] == [
        (date(2026, 4, 30), "massive", 1.57), (date(2026, 10, 30), "massive", 1.85)]  # Oct 29 was the same report
    assert again == past and len(asked) == 3  # Oct 20, Dec 1 (refused), Dec 1 + 2 h: then cached for the day
    assert asked[-1]["ticker"] == ["AAPL"] and asked[-1]["date.lte"] == ["2026-11-30"]


async def test_the_request_log_never_shows_the_alpha_vantage_key(store, tmp_path: Path) -> None:
    from app.core.logging_setup import remove_handlers, setup_logging

    path = setup_logging(tmp_path / "logs")  # httpx logs each request's URL (the key is in its query)
    try:
        with EarningsServer(av_body=json.dumps(INVALID_KEY)).running() as srv:
            view = await service(store, srv, {"alpha_vantage": AV_KEY}, Clock()).events(["AAPL"], 14)
    finally:
        remove_handlers()
    text = path.read_text()
    assert "refused the API key" in view.note
    assert "EARNINGS_CALENDAR" in text and "apikey=***" in text and AV_KEY not in text
