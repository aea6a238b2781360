"""The macro calendar service: scheduled US releases with their impact, per market date, and how a
symbol moved on past days of each kind.

Not supervised: it only answers. The demo market gets its own events plus the Fed's FOMC schedule
(a data file); a real provider the Fed's FOMC calendar page (the schedule file when the page cannot
be read, with a note), FRED's release dates when a FRED key is set (else a note says to add one)
and a BLS ICS file when one is saved (``<data dir>/macro/bls.ics``). Fetched
sources are refreshed at most once a day (market clock) and kept in the store, so a failure shows
the events stored before. Impact tables read ~3 years of daily bars from the provider and are
computed in a worker thread, once per symbol, provider and market date.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.macro import sources
from data.macro import fomc
from data.macro.impact import IMPACT_KIND, LOW
from data.market_calendar import MarketCalendar, market_date
from data.models import Timeframe
from data.store.records import MacroEvent

if TYPE_CHECKING:
    from analytics.macro_impact import ImpactRow
    from data.models import Bars
    from data.providers.base import MarketDataProvider
    from data.store.database import Store

IMPACT_YEARS = 3
KIND_ORDER = ("fomc", "cpi", "nfp", "pce", "gdp", "retail_sales", "ppi", "jolts", "ism", "claims", "fomc_minutes")


@dataclass(frozen=True, slots=True)
class MacroView:
    start: date  # ET market dates, inclusive
    end: date
    events: tuple[MacroEvent, ...]  # by time; aware UTC
    sources: tuple[str, ...]  # what the events came from, for the trader
    note: str  # a missing key, a failed fetch, an out-of-date schedule file ("" when none)


@dataclass(frozen=True, slots=True)
class ImpactView:
    symbol: str
    rows: tuple[ImpactRow, ...]  # one per kind with past days, in KIND_ORDER
    ordinary: ImpactRow | None  # sessions with no high or medium event
    sessions: int  # daily bars read
    since: date | None  # the first of them
    note: str  # why there is no table, or ""


def _lookup_fred_key() -> str | None:
    from app.core.secrets import lookup_key

    return lookup_key("fred")


class MacroCalendarService:
    def __init__(self, store: Store, provider: Callable[[], MarketDataProvider], calendar: MarketCalendar, *,
                 now: Callable[[], datetime], fred_key: Callable[[], str | None] = _lookup_fred_key,
                 fred_url: str = "https://api.stlouisfed.org", fomc_url: str | None = fomc.SOURCE_URL,
                 transport=None, data_dir: Path | None = None, bls_file: Callable[[], Path | None] | None = None,
                 schedule: Callable[[], fomc.FomcSchedule] = fomc.load_schedule) -> None:
        self._provider, self._calendar, self._now = provider, calendar, now
        bls_file = bls_file or (lambda: sources.saved_ics(data_dir))
        self._real = sources.RealSources(store, now, fred_key, fred_url, transport, bls_file, fomc_url)
        self._load_schedule = schedule
        self._schedule: fomc.FomcSchedule | None = None
        self._schedule_note = ""
        self._impacts: dict[tuple[int, str, date], ImpactView] = {}

    def market_date(self) -> date:
        return market_date(self._now())

    def _fomc(self) -> fomc.FomcSchedule | None:
        if self._schedule is None and not self._schedule_note:
            try:
                self._schedule = self._load_schedule()
            except (fomc.FomcScheduleError, OSError) as exc:
                self._schedule_note = f"The FOMC schedule file cannot be read: {exc}"
        return self._schedule

    async def events(self, start: date, end: date) -> MacroView:
        """The events whose ET date is in [start, end], one per release, with where they came from."""
        if end < start:
            start, end = end, start
        schedule = await asyncio.to_thread(self._fomc)
        today = self.market_date()
        notes = [self._schedule_note]
        if not self._provider().real_prices:  # (demo years the file lacks get FOMC-like days)
            found = sources.demo_events(schedule, self._calendar, start, end)
            names = ["demo market", FILE_NAME]
        else:
            page, page_note = await self._real.fomc_page()
            if page:
                schedule = fomc.with_page(schedule, page) if schedule else fomc.FomcSchedule(tuple(page), None, "")
            problem = fomc.schedule_problem(schedule, today) if schedule else ""
            notes += [page_note, problem or "", *await self._real.refresh(today)]
            found = sources.schedule_events(schedule, start, end) + await self._real.stored(start, end)
            fetched = sorted({_NAMES[e.source] for e in found if e.source in _NAMES})
            names = [PAGE_NAME if page else FILE_NAME, *fetched]
        return MacroView(start, end, tuple(sources.merged(found)), tuple(names), " ".join(n for n in notes if n))

    async def today(self) -> MacroView:
        """Today's events (the market date of the provider's clock)."""
        day = self.market_date()
        return await self.events(day, day)

    async def on(self, day: date) -> list[MacroEvent]:
        """``day``'s events as a list (the morning brief's macro source)."""
        return list((await self.events(day, day)).events)

    async def coming(self, days: int = 7) -> MacroView:
        """Today's events and those of the next ``days`` calendar days."""
        day = self.market_date()
        return await self.events(day, day + timedelta(days=days))

    async def impact(self, symbol: str, kinds: Sequence[str] | None = None) -> ImpactView:
        """How ``symbol`` moved on past days of each event kind (of ``kinds``, default all) vs ordinary days."""
        provider, today = self._provider(), self.market_date()
        cache_key = (id(provider), symbol, today)
        view = self._impacts.get(cache_key)
        if view is None:
            start = today - timedelta(days=366 * IMPACT_YEARS)
            past = await self.events(start, today - timedelta(days=1))
            end = self._now()
            bars = await provider.get_bars(symbol, Timeframe.D1, end - timedelta(days=366 * IMPACT_YEARS), end)
            view = await asyncio.to_thread(_impact_view, symbol, bars, past.events, today)
            self._impacts = {k: v for k, v in self._impacts.items() if k[2] == today} | {cache_key: view}
        if kinds is None:
            return view
        return ImpactView(view.symbol, tuple(r for r in view.rows if r.kind in kinds), view.ordinary, view.sessions,
                          view.since, view.note)


FILE_NAME, PAGE_NAME = "FOMC schedule (federalreserve.gov)", "FOMC calendar (federalreserve.gov, read today)"
_NAMES = {"fred": "FRED release dates", "bls": "BLS calendar file"}


def _impact_view(symbol: str, bars: Bars, events: Sequence[MacroEvent], today: date) -> ImpactView:
    import numpy as np

    from analytics.macro_impact import macro_impact

    days = np.array([market_date(datetime.fromtimestamp(int(t), UTC)).toordinal() for t in bars.ts], dtype=np.int64)
    done = days < today.toordinal()  # today's session is not over
    if done.sum() < 20:
        return ImpactView(symbol, (), None, int(done.sum()), None, f"Not enough daily bars for {symbol} yet.")
    by_kind: dict[str, set[int]] = {}
    busy: set[int] = set()
    for e in events:
        day = market_date(e.at).toordinal()
        by_kind.setdefault(IMPACT_KIND.get(e.kind, e.kind), set()).add(day)
        if e.impact != LOW:
            busy.add(day)
    kinds = [k for k in KIND_ORDER if by_kind.get(k)] + sorted(k for k in by_kind if k not in KIND_ORDER)
    rows, ordinary = macro_impact(days[done], bars.open[done], bars.close[done], {k: by_kind[k] for k in kinds}, busy)
    kept = tuple(r for r in rows if r.n > 0)
    note = "" if kept else f"No past macro events fall on {symbol}'s daily bars."
    return ImpactView(symbol, kept, ordinary, int(done.sum()), date.fromordinal(int(days[done][0])), note)
