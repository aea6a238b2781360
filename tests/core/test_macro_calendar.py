"""The macro calendar service: demo events, the FOMC file, FRED with and without a key (a loopback
server in FRED's shape), a saved BLS ICS, the 24-hour cache on the market clock, and impact tables."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from app.core.macro.calendar import MacroCalendarService
from app.core.macro.sources import NO_FRED_KEY
from data.market_calendar import ET
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from data.store.database import Store
from tests.analytics.test_macro_impact import gspc_bars
from tests.data.test_macro_fred import KEY, server  # noqa: F401 (the loopback FRED fixture)

ICS = Path(__file__).parents[1] / "data" / "fixtures" / "macro" / "bls_sample.ics"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.moment = now

    def now(self) -> datetime:
        return self.moment


class RealProvider:
    """A real market's provider, as far as the calendar asks: real prices, a clock, daily bars."""

    name, real_prices = "fake-real", True

    def __init__(self, now: datetime) -> None:
        self.clock = Clock(now)
        self.bar_requests = 0

    async def get_bars(self, symbol, timeframe, start=None, end=None, *, extended=False):
        self.bar_requests += 1
        return gspc_bars(start.astimezone(ET).date(), end.astimezone(ET).date())


def service(tmp_path: Path, provider, calendar, **kwargs) -> tuple[MacroCalendarService, Store]:
    store = Store.open(tmp_path)
    kwargs.setdefault("fomc_url", None)  # the Fed's page is not read unless a test serves it
    return MacroCalendarService(store, lambda: provider, calendar, now=lambda: provider.clock.now(), **kwargs), store


def test_demo_week_has_its_own_events_and_the_feds_meeting(tmp_path, calendar) -> None:
    demo = DemoProvider(calendar, clock=SimClock(datetime(2026, 12, 1, 15, 0, tzinfo=UTC), 1.0, lambda: 0.0))
    svc, store = service(tmp_path, demo, calendar, fred_key=lambda: pytest.fail("the demo needs no key"))
    try:
        view = asyncio.run(svc.coming(9))
        kinds = {(e.kind, e.at.astimezone(ET).date()) for e in view.events}
        assert {("nfp", date(2026, 12, 4)), ("claims", date(2026, 12, 3)), ("fomc", date(2026, 12, 9)),
                ("fomc_press", date(2026, 12, 9))} <= kinds
        fomc = next(e for e in view.events if e.kind == "fomc")
        assert (fomc.source, fomc.at.astimezone(ET).hour, fomc.impact) == ("fomc", 14, "high")
        assert view.sources == ("demo market", "FOMC schedule (federalreserve.gov)") and view.note == ""
        today = asyncio.run(svc.today())
        assert {e.kind for e in today.events} == {"ism", "jolts"} and today.start == today.end == date(2026, 12, 1)
    finally:
        store.close()


def test_real_without_a_fred_key_shows_fomc_and_says_what_to_add(tmp_path, calendar) -> None:
    real = RealProvider(datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    svc, store = service(tmp_path, real, calendar, fred_key=lambda: None)
    try:
        view = asyncio.run(svc.coming(10))
        assert {e.kind for e in view.events} == {"fomc", "fomc_press"}
        assert NO_FRED_KEY in view.note and "no 2027 meetings" in view.note  # the file needs next year
    finally:
        store.close()


def test_fred_fetched_once_a_day_on_the_market_clock_and_kept_on_failure(tmp_path, calendar, server) -> None:  # noqa: F811
    fake, base = server
    real = RealProvider(datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    svc, store = service(tmp_path, real, calendar, fred_key=lambda: KEY, fred_url=base)
    try:
        view = asyncio.run(svc.coming(10))
        cpi = next(e for e in view.events if e.kind == "cpi")
        assert (cpi.source, cpi.impact, cpi.at) == ("fred", "high", datetime(2026, 12, 10, 13, 30, tzinfo=UTC))
        assert "FRED release dates" in view.sources and KEY not in view.note
        first = len(fake.asked)
        assert first == 4  # the window, then each recognised release's history (CPI, JOLTS, NFP)
        asyncio.run(svc.coming(10))
        assert len(fake.asked) == first  # fresh for 24 h
        real.clock.moment += timedelta(hours=25)
        fake.status = 400
        later = asyncio.run(svc.coming(10))
        assert "refused the key" in later.note and KEY not in later.note
        assert any(e.kind == "cpi" for e in later.events)  # stored before: nothing lost
        past = asyncio.run(svc.events(date(2025, 12, 18), date(2025, 12, 18)))
        assert [e.kind for e in past.events] == ["cpi"]  # CPI's history from fred/release/dates
    finally:
        store.close()


def test_a_saved_bls_calendar_is_read_and_preferred(tmp_path, calendar, server) -> None:  # noqa: F811
    _fake, base = server
    (tmp_path / "macro").mkdir()
    shutil.copy(ICS, tmp_path / "macro" / "bls.ics")
    real = RealProvider(datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    svc, store = service(tmp_path, real, calendar, fred_key=lambda: KEY, fred_url=base, data_dir=tmp_path)
    try:
        view = asyncio.run(svc.coming(10))
        cpis = [e for e in view.events if e.kind == "cpi"]
        assert [(e.source, e.key) for e in cpis] == [("bls", "cpi-2026-12@bls.gov")]  # once, from BLS
        assert "BLS calendar file" in view.sources and "1 events with unreadable dates" in view.note
    finally:
        store.close()


def test_impact_table_from_real_daily_bars_is_cached(tmp_path, calendar) -> None:
    real = RealProvider(datetime(2026, 8, 15, 14, 0, tzinfo=UTC))
    svc, store = service(tmp_path, real, calendar, fred_key=lambda: None)
    try:
        view = asyncio.run(svc.impact("^GSPC"))
        fomc = next(r for r in view.rows if r.kind == "fomc")
        assert fomc.n == 13 and view.ordinary is not None and view.ordinary.n == view.sessions - 13 - 12
        assert [r.kind for r in view.rows] == ["fomc", "fomc_minutes"]  # no key: only the Fed's schedule
        assert view.since is not None and view.since <= date(2023, 8, 15)
        assert asyncio.run(svc.impact("^GSPC", kinds=["fomc"])).rows == (fomc,)
        assert real.bar_requests == 1  # the second answer came from the cache
    finally:
        store.close()


def test_the_feds_page_when_served_else_the_file(tmp_path, calendar, server) -> None:  # noqa: F811
    fake, base = server
    fake.page = (ICS.parent / "fomccalendars.html").read_text()
    real = RealProvider(datetime(2029, 12, 1, 15, 0, tzinfo=UTC))
    url = f"{base}/monetarypolicy/fomccalendars.htm"
    svc, store = service(tmp_path, real, calendar, fred_key=lambda: None, fomc_url=url)
    try:
        view = asyncio.run(svc.events(date(2030, 1, 30), date(2030, 1, 30)))
        assert [e.kind for e in view.events] == ["fomc", "fomc_press"]  # the page's (invented) 2030 meeting
        assert view.sources[0].startswith("FOMC calendar (federalreserve.gov, read today)")
        assert "no 2030 meetings" not in view.note
    finally:
        store.close()
    svc, store = service(tmp_path / "down", real, calendar, fred_key=lambda: None, fomc_url=f"{base}/missing.htm")
    try:
        real.clock.moment = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
        view = asyncio.run(svc.events(date(2026, 3, 18), date(2026, 3, 18)))
        assert [e.kind for e in view.events] == ["fomc", "fomc_press"]  # from the file
        assert "HTTP 404: using the schedule file" in view.note
    finally:
        store.close()
