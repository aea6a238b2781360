"""The morning brief over the demo market at 07:05 ET: each symbol's levels against a hand
computation from the demo's own minutes, the options part as the options panels read it, the
sections from the calendars and the tracker, once per day from the job (never overwritten), fresh
for 30 minutes on demand, forced, previewed for other symbols, and a failing calendar said, not fatal."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import numpy as np
import pytest

from app.core.brief.service import BriefSources, MorningBriefService
from app.core.bus import EventBus
from app.core.events import BriefReady
from app.core.notifications import NotificationService
from app.core.scheduler import MarketScheduler
from data.market_calendar import MarketCalendar
from data.models import Timeframe
from data.morning_brief import from_json, to_json
from data.store.database import Store
from data.store.records import EarningsEvent, MacroEvent, TrackedSetup

AT = datetime(2026, 3, 3, 12, 5, tzinfo=UTC)  # Tuesday 07:05 ET
TODAY = date(2026, 3, 3)


async def _no_rank(_snap):
    return None


async def _macro(day: date) -> list[MacroEvent]:
    cpi = datetime(2026, 3, 3, 13, 30, tzinfo=UTC)
    return [MacroEvent("demo", "cpi", "cpi", "Consumer Price Index", cpi, "high"),
            MacroEvent("demo", "claims", "claims", "Jobless claims", cpi - timedelta(hours=1), "medium")]


async def _earnings(symbols: list[str], days: int) -> list[EarningsEvent]:
    return [EarningsEvent("AAPL", TODAY, "amc", "demo", estimate_eps=1.62),
            EarningsEvent("AAPL", TODAY, "amc", "alphavantage"),  # the same report from a second source
            EarningsEvent("AAPL", TODAY + timedelta(days=90), "bmo", "demo")]


def _setup(entry: float) -> TrackedSetup:
    return TrackedSetup(1, None, "SPY", "opening_range_breakout", "long", entry, entry - 2, (entry + 4,), entry,
                        "active", "auto", "", TODAY, AT, AT)


@pytest.fixture
async def world(tmp_path):
    from tests.core.options_snapshots import demo_provider

    calendar = MarketCalendar()
    demo = demo_provider(calendar, AT)
    store = await asyncio.to_thread(Store.open, tmp_path)
    bus = EventBus()
    ready: list[BriefReady] = []
    bus.subscribe(BriefReady, ready.append)
    now = [AT]
    scheduler = MarketScheduler(bus, calendar, lambda: SimpleNamespace(now=lambda: now[0], speed=1.0))
    notifications = NotificationService(store, bus)
    quote = await demo.get_quote("SPY")
    setups = [_setup(round(quote.last * 1.002, 2))]  # 0.2 % away: near its trigger
    sources = BriefSources(lambda: demo, _no_rank, lambda: (), lambda: setups, _earnings, _macro)
    service = MorningBriefService(scheduler, store, bus, calendar, notifications, lambda: ("Main", ["SPY", "AAPL"]),
                                  sources, lambda: now[0])
    yield SimpleNamespace(service=service, demo=demo, store=store, now=now, ready=ready, calendar=calendar,
                          notifications=notifications, sources=sources)
    store.close()
    await demo.aclose()


async def test_levels_match_the_demo_minutes_and_the_sections_are_filled(world) -> None:
    brief = await world.service.brief()
    spy = next(line for line in brief.levels if line.symbol == "SPY")
    prior = world.calendar.previous_session(TODAY)
    bars = await world.demo.get_bars("SPY", Timeframe.M1, prior.open, prior.close)
    regular = (bars.ts >= int(prior.open.timestamp())) & (bars.ts < int(prior.close.timestamp()))
    high, low = float(bars.high[regular].max()), float(bars.low[regular].min())
    close = float(bars.close[np.flatnonzero(regular)[-1]])
    assert (spy.prior_high, spy.prior_low, spy.prior_close) == pytest.approx((high, low, close))
    assert spy.pivot == pytest.approx((high + low + close) / 3, abs=1e-4)
    quote = await world.demo.get_quote("SPY")
    assert spy.last == pytest.approx(quote.last) and spy.gap_pct == pytest.approx((quote.last - close) / close * 100,
                                                                                  abs=1e-4)
    assert spy.gex_regime in ("positive gamma", "negative gamma") and spy.expected_move_expiry >= TODAY
    chain = await world.demo.get_option_chain("SPY")
    rows = np.flatnonzero(chain.expiry == np.datetime64(spy.expected_move_expiry, "D"))
    atm = chain.strike[rows][np.argmin(np.abs(chain.strike[rows] - quote.last))]
    pair = rows[chain.strike[rows] == atm]
    assert spy.expected_move == pytest.approx(float(chain.mid[pair].sum()), abs=1e-4)  # the ATM straddle
    assert spy.expected_move_basis == "0DTE straddle"
    aapl = next(line for line in brief.levels if line.symbol == "AAPL")  # no same-day expiry: per session
    expiry = aapl.expected_move_expiry
    sessions = len(world.calendar.sessions_between(TODAY, expiry))
    quote_a, chain_a = await world.demo.get_quote("AAPL"), await world.demo.get_option_chain("AAPL")
    rows = np.flatnonzero(chain_a.expiry == np.datetime64(expiry, "D"))
    atm_a = chain_a.strike[rows][np.argmin(np.abs(chain_a.strike[rows] - quote_a.last))]
    straddle = float(chain_a.mid[rows[chain_a.strike[rows] == atm_a]].sum())
    assert expiry > TODAY and aapl.expected_move == pytest.approx(straddle / np.sqrt(sessions), abs=1e-4)
    assert aapl.expected_move_basis == f"{expiry:%b} {expiry.day} straddle ÷ √{sessions}"
    assert [e.title for e in brief.macro_events] == ["Jobless claims", "Consumer Price Index"]
    assert brief.macro_events[1].time_et == "08:30"
    assert [(e.symbol, e.today) for e in brief.earnings] == [("AAPL", True), ("AAPL", False)]
    kinds = {w.kind for w in brief.watch_items}
    assert {"setup_near_trigger", "earnings"} <= kinds and brief.notes == ()
    assert from_json(to_json(brief)) == brief


async def test_the_job_makes_one_brief_a_day_and_demand_is_fresh_for_30_minutes(world) -> None:
    service, now = world.service, world.now
    await service._scheduled(AT)
    first = await service.stored(TODAY, "Main")
    assert first is not None and first.trigger == "scheduled" and len(world.ready) == 1
    await service._scheduled(AT + timedelta(minutes=5))  # again: the day has its brief
    assert (await service.stored(TODAY, "Main")).generated_at == first.generated_at and len(world.ready) == 1
    notes = await world.notifications.recent()
    assert sum(1 for n in notes if n.title == "Morning brief ready") == 1
    now[0] = AT + timedelta(minutes=20)
    assert (await service.brief()).generated_at == first.generated_at  # fresh: the stored one
    assert (await service.brief(force=True)).generated_at == now[0]  # forced: made again …
    assert (await service.stored(TODAY, "Main")).generated_at == first.generated_at  # … the 07:00 one kept
    assert (await service.latest(TODAY, "Main")).generated_at == now[0]
    now[0] = AT + timedelta(minutes=55)
    assert (await service.brief()).generated_at == now[0]  # stale after 30 minutes
    preview = await service.brief(["QQQ"], name="Tech")
    assert preview.trigger == "preview" and [line.symbol for line in preview.levels] == ["QQQ"]
    assert {(d, w) for d, w, _, _ in await service.history()} == {(TODAY, "Main"), (TODAY, "Main · refreshed"),
                                                                   (TODAY, "Tech")}


async def test_a_start_after_seven_makes_the_missed_brief_and_a_failing_calendar_is_said(world) -> None:
    async def broken(_day):
        raise RuntimeError("macro source down")

    service = world.service
    service._sources = BriefSources(world.sources.provider, _no_rank, lambda: (), lambda: [], world.sources.earnings,
                                    broken)
    assert await service.catch_up()
    brief = await service.stored(TODAY, "Main")
    assert brief is not None and brief.macro_events == () and brief.levels
    assert brief.notes == ("The macro calendar could not be read: macro source down",)
    world.now[0] = datetime(2026, 3, 3, 11, 30, tzinfo=UTC)  # 06:30 ET: before seven, nothing to catch up
    assert not await service.catch_up()


async def test_a_calendars_view_note_and_the_past_moves_reach_the_brief(world) -> None:
    from analytics.macro_impact import ImpactRow

    async def macro_view(day):
        return SimpleNamespace(events=await _macro(day), note="Add a FRED key in Preferences for CPI, NFP…")

    async def impact(symbol):
        rows = (ImpactRow("cpi", 36, 1.12, 0.9, 1.3, 1.0, 1.6, 1.5),)
        return SimpleNamespace(rows=rows, ordinary=ImpactRow("ordinary", 700, 0.7, 0.5, 0.8, 0.6, 1.0, 1.0))

    src = world.sources
    world.service._sources = BriefSources(src.provider, _no_rank, lambda: (), lambda: [], src.earnings, macro_view,
                                          impact)
    brief = await world.service.brief(["AAPL", "SPY"], name="x")
    cpi = next(e for e in brief.macro_events if e.kind == "cpi")
    # 08:30, before the open: the reaction is close→close; the list's index is the one quoted
    assert cpi.moves == "SPY moved 1.30 % close→close on past Consumer Price Index days (n 36, ×1.5 ordinary days)"
    assert next(e for e in brief.macro_events if e.kind == "claims").moves == ""
    assert brief.notes == ("Add a FRED key in Preferences for CPI, NFP…",)


async def test_the_seven_oclock_job_makes_the_brief_on_an_accelerated_clock(world) -> None:
    """The demo's clock at 1000× from 06:59 ET: the scheduler's 07:00 run makes and stores the brief."""
    from data.providers.sim_clock import SimClock
    from tests.core.test_scheduler import running, wait_until

    clock = SimClock(datetime(2026, 3, 3, 11, 59, tzinfo=UTC), speed=1000.0)  # 06:59 ET
    scheduler = MarketScheduler(EventBus(), world.calendar, lambda: clock)
    service = MorningBriefService(scheduler, world.store, EventBus(), world.calendar, world.notifications,
                                  lambda: ("Main", ["SPY"]), world.sources, clock.now)
    async with running(scheduler):
        await wait_until(lambda: scheduler.snapshot()[0].last_due is not None, 30)
        await wait_until(lambda: scheduler.snapshot()[0].runs == 1 and not scheduler.snapshot()[0].running, 30)
    brief = await service.stored(TODAY, "Main")
    assert brief is not None and brief.trigger == "scheduled" and brief.generated_at >= AT.replace(hour=12, minute=0)
