"""The morning brief: made at 07:00 ET on trading days (a job on the market-time scheduler; once per
market date — an existing brief is never overwritten by the job, and a start after 07:00 makes the
missed one then), on demand with a 30-minute freshness window and a force refresh, and as a preview
for another watchlist. Every brief is stored (per date and watchlist) and can be read back.

Sections come from the services that own the numbers: levels and options per symbol
(``brief.levels``), today's macro releases and the week's reports (the macro and earnings calendars,
when the engine has them), open-position risk (the position tracker's views) and watch items.
A section that cannot be made says why in ``notes``; the rest of the brief is still made.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from app.core.brief import sections
from app.core.brief.levels import Rank, symbol_levels
from app.core.bus import EventBus
from app.core.events import BriefReady
from app.core.logging_setup import redact
from app.core.notifications import NotificationService
from app.core.scheduler import MarketScheduler, ScheduledJob
from app.core.supervisor import ServiceContext
from data.market_calendar import ET, MarketCalendar, market_date
from data.morning_brief import MorningBrief, SymbolLevels, from_json, to_json
from data.providers.base import MarketDataProvider
from data.store import briefs as repo
from data.store.database import Store
from data.store.records import EarningsEvent, MacroEvent, TrackedSetup

if TYPE_CHECKING:
    from analytics.yield_curve import YieldCurve

log = logging.getLogger(__name__)
BRIEF_AT = time(7, 0)
REFRESHED = " · refreshed"  # the key suffix of a day's refresh beside its 07:00 brief
FRESH = timedelta(minutes=30)
EARNINGS_DAYS = 7
MAX_SYMBOLS = 20
PARALLEL = 2  # symbols read at once (2 cores; the provider's rate limits)
IMPACT_LEADS = ("SPY", "SPX", "QQQ", "NDX", "IWM", "DIA")  # the symbol whose past event-day moves are shown
START_DELAY_S = 20.0
HEARTBEAT_S = 60.0


@dataclass(frozen=True, slots=True)
class BriefSources:
    """Where the sections come from (a missing calendar is said in the brief's notes)."""

    provider: Callable[[], MarketDataProvider]
    rank: Rank
    positions: Callable[[], Sequence]  # the tracker's PositionView tuple
    setups: Callable[[], Sequence[TrackedSetup]]
    # the calendars answer a list, or a view with ``events`` and a ``note`` for the brief's notes
    earnings: Callable[[list[str], int], Awaitable[Sequence[EarningsEvent] | Any]] | None = None
    macro: Callable[[date], Awaitable[Sequence[MacroEvent] | Any]] | None = None
    impact: Callable[[str], Awaitable[Any]] | None = None  # the macro calendar's ImpactView of a symbol
    rates: Callable[[], Awaitable[YieldCurve | None]] | None = None


class MorningBriefService:
    name = "morning-brief"
    stale_after = 3 * HEARTBEAT_S + START_DELAY_S

    def __init__(self, scheduler: MarketScheduler, store: Store, bus: EventBus, calendar: MarketCalendar,
                 notifications: NotificationService, watchlist: Callable[[], tuple[str, list[str]]],
                 sources: BriefSources, now: Callable[[], datetime]) -> None:
        self._store, self._bus, self._calendar, self._notifications = store, bus, calendar, notifications
        self._watchlist, self._sources, self._now = watchlist, sources, now
        self._lock = asyncio.Lock()  # one brief made at a time: the job and a click do not race
        self.start_delay_s = START_DELAY_S
        scheduler.add(ScheduledJob("morning-brief", {"hour": BRIEF_AT.hour, "minute": BRIEF_AT.minute},
                                   self._scheduled, trading_days_only=True))  # the catch-up is run()'s, later

    async def run(self, ctx: ServiceContext) -> None:
        """A start on a trading day after 07:00 ET (before the close) makes the brief the job missed —
        a little after the start, so the first paint and a short run are not burdened by it."""
        ctx.running()
        await asyncio.sleep(self.start_delay_s)
        await self.catch_up()
        while True:
            ctx.heartbeat()
            await asyncio.sleep(HEARTBEAT_S)

    async def catch_up(self) -> bool:
        now = self._now()
        day = market_date(now)
        if not self._calendar.is_session(day):
            return False
        if not datetime.combine(day, BRIEF_AT, ET) <= now < self._calendar.session(day).close:
            return False
        await self._scheduled(now)
        return True

    async def _scheduled(self, due: datetime) -> None:
        name, symbols = self._watchlist()
        day = market_date(due)
        if await self._store.run(lambda s: repo.get(s, day, name)) is not None:
            return  # idempotent per market date
        brief = await self.make(name, symbols, "scheduled")
        if await self._store.run(lambda s: repo.save(s, day, name, brief.generated_at, brief.trigger, to_json(brief))):
            self._bus.publish(BriefReady(day, name))
            await self._notifications.notify("brief", "Morning brief ready", _summary(brief), key=f"brief:{day}",
                                             cooldown_s=0)

    async def brief(self, symbols: Sequence[str] | None = None, name: str | None = None,
                    force: bool = False) -> MorningBrief:
        """Today's brief of the active watchlist (or ``symbols``, a preview, under ``name``): the stored
        one while it is fresh (30 minutes), else — or with ``force`` — made now and stored."""
        active, active_symbols = self._watchlist()
        preview = symbols is not None and (name or "") != active
        name = name or (active if symbols is None else "custom:" + ",".join(symbols))
        symbols = list(active_symbols if symbols is None else symbols)
        now, day = self._now(), market_date(self._now())
        scheduled = await self._store.run(lambda s: repo.get(s, day, name))
        newest = await self.latest(day, name)
        if newest is not None and not force and timedelta(0) <= now - newest.generated_at <= FRESH:
            return newest
        brief = await self.make(name, symbols, "preview" if preview else "on-demand")
        # the 07:00 brief stays as it was made: a refresh is kept beside it, under its own key
        key = name + REFRESHED if scheduled is not None and scheduled[1] == "scheduled" else name
        await self._store.run(lambda s: repo.save(s, day, key, brief.generated_at, brief.trigger, to_json(brief),
                                                  replace=True))
        self._bus.publish(BriefReady(day, key))
        return brief

    async def stored(self, day: date, key: str) -> MorningBrief | None:
        """The brief stored under ``key`` (a watchlist's name, or its name + ``REFRESHED``)."""
        found = await self._store.run(lambda s: repo.get(s, day, key))
        return None if found is None else from_json(found[2])

    async def latest(self, day: date, name: str) -> MorningBrief | None:
        """The newest of the watchlist's briefs of ``day``: a refresh, else the 07:00 one."""
        found = [b for b in (await self.stored(day, name), await self.stored(day, name + REFRESHED)) if b]
        return max(found, key=lambda b: b.generated_at) if found else None

    async def history(self) -> list[tuple[date, str, datetime, str]]:
        return await self._store.run(repo.listing)

    async def make(self, name: str, symbols: Sequence[str], trigger: str) -> MorningBrief:
        async with self._lock:
            return await self._make(name, list(dict.fromkeys(symbols))[:MAX_SYMBOLS], trigger)

    async def _make(self, name: str, symbols: list[str], trigger: str) -> MorningBrief:
        now, src, notes = self._now(), self._sources, []
        today = market_date(now)
        levels = await self._levels(symbols, now)
        macro = await self._section(notes, "macro", src.macro, today)
        reports = await self._section(notes, "earnings", src.earnings, symbols, EARNINGS_DAYS)
        earnings = sections.earnings_rows(reports, today)
        moves = await self._moves(symbols, macro, notes)
        return MorningBrief(today, name, now, trigger, tuple(levels), sections.macro_rows(macro, moves), earnings,
                            sections.positions_risk(src.positions(), today),
                            sections.watch_items(levels, src.setups(), earnings), tuple(notes))

    async def _levels(self, symbols: list[str], now: datetime) -> list[SymbolLevels]:
        gate = asyncio.Semaphore(PARALLEL)
        provider = self._sources.provider()
        curve = await self._sources.rates() if self._sources.rates is not None else None

        async def one(symbol: str) -> SymbolLevels:
            async with gate:
                return await symbol_levels(provider, self._calendar, symbol, now, self._sources.rank, curve=curve)

        return list(await asyncio.gather(*(one(s) for s in symbols)))

    async def _section(self, notes: list[str], what: str, fetch: Callable[..., Awaitable[list]] | None,
                       *args: object) -> list:
        if fetch is None:
            notes.append(f"No {what} calendar in this app yet.")
            return []
        try:
            answer = await fetch(*args)
            if hasattr(answer, "events"):  # a calendar's view: its note is the trader's to read too
                if answer.note:
                    notes.append(answer.note)
                return list(answer.events)
            return list(answer)
        except Exception as exc:  # a calendar failing leaves its section empty, said, not the brief unmade
            log.warning("brief: %s section failed: %s", what, exc)
            notes.append(f"The {what} calendar could not be read: {redact(str(exc))}")
            return []


    async def _moves(self, symbols: list[str], events: list[MacroEvent], notes: list[str]) -> dict[str, str]:
        """How the list's lead index moved on past days of today's event kinds."""
        if not events or self._sources.impact is None or not symbols:
            return {}
        lead = next((s for s in symbols if s in IMPACT_LEADS), symbols[0])
        try:
            view = await self._sources.impact(lead)
        except Exception as exc:  # the table is a nicety: said, not fatal
            notes.append(f"Past moves on event days could not be read: {redact(str(exc))}")
            return {}
        return sections.impact_texts(lead, view.rows, view.ordinary, events)


def _summary(brief: MorningBrief) -> str:
    high = sum(1 for e in brief.macro_events if e.impact == "high")
    return (f"{len(brief.levels)} symbols, {len(brief.macro_events)} macro events today ({high} high impact), "
            f"{len(brief.earnings)} reports this week, {len(brief.watch_items)} watch items.")
