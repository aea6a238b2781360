"""The earnings calendar: the watchlist's reports from the best source at hand, cached in the store.

Not supervised: it only answers. Sources, in order:

* the demo market (the provider's prices are made up): its own quarterly dates, offline;
* otherwise Alpha Vantage's free calendar when a key is saved, and Massive's Benzinga earnings
  (the provider's client when Massive runs, else a client on the saved Massive key) as the
  fallback and the cross-check: where both give a symbol's report on different dates, both are
  kept and the symbol is listed in ``CalendarView.conflicts``.

A source is asked at most once per 24 h of market time (the provider's clock, never the PC's:
``provider_cache`` keeps when), its answer replacing its events of the window it covered. A
missing or refused key, a throttled answer, a plan without Benzinga, an unreachable server or a
malformed or empty answer is a plain-words note, the next source is used, the stored events stay
(shown, and said to be from an earlier day) and the source is asked again an hour later.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from data.earnings import NO_KEY, EarningsSourceError, ParsedCalendar
from data.market_calendar import ET, market_date
from data.store.records import EarningsEvent

if TYPE_CHECKING:
    from data.providers.base import MarketDataProvider
    from data.providers.massive.client import MassiveClient
    from data.store.database import Store

AV, MASSIVE, DEMO = "alphavantage", "massive", "demo"
LABELS = {AV: "Alpha Vantage", MASSIVE: "Massive (Benzinga)", DEMO: "the demo market"}
MAX_AGE = timedelta(hours=24)  # the calendar's freshness (Alpha Vantage allows 25 requests a day)
RETRY_AFTER = timedelta(hours=1)  # a source that failed is asked again after this
WINDOW = (timedelta(days=-7), timedelta(days=92))  # what one fetch covers around today (AV: 3 months)
HISTORY = timedelta(days=3 * 365)  # past reports kept for the analysis
SAME_QUARTER = 30  # days: two sources' dates this close are the same report (a conflict if they differ)
NEXT_DAYS = 92


@dataclass(frozen=True, slots=True)
class CalendarView:
    events: tuple[EarningsEvent, ...]  # by date, then symbol
    source: str  # demo / alphavantage / massive; "" when no source could answer
    note: str  # what the trader should know (a missing key, a fallback, stale dates), "" when all went well
    conflicts: frozenset[str] = field(default_factory=frozenset)  # symbols the two sources date differently
    start: date | None = None
    end: date | None = None
    next_after: EarningsEvent | None = None  # the first report past ``end`` (within 3 months), for an empty view


class EarningsCalendarService:
    def __init__(self, store: Store, provider: Callable[[], MarketDataProvider],
                 keys: Callable[[str], str | None], now: Callable[[], datetime], *,
                 av_base_url: str | None = None, massive_base_url: str | None = None) -> None:
        self._store = store
        self._provider = provider  # the provider of the moment (it changes on a switch)
        self._keys = keys  # blocking (the keychain) and registering the key with the log redactor
        self._now = now  # market time
        self._av_base_url, self._massive_base_url = av_base_url, massive_base_url
        self._failed: dict[tuple[str, str], tuple[datetime, str]] = {}  # (cache key, key used) -> when, why

    # -- answers -------------------------------------------------------------------------------
    async def events(self, symbols: Iterable[str], days: int = 14) -> CalendarView:
        """The reports of ``symbols`` from today to ``days`` ahead (market dates)."""
        wanted = tuple(dict.fromkeys(symbols))
        today = self._today()
        end = today + timedelta(days=days)
        if self._demo():
            from data.earnings.demo import demo_events

            found = demo_events(wanted, today, max(end, today + timedelta(days=NEXT_DAYS)), today)
            return _split(CalendarView(tuple(found), DEMO, "", start=today, end=end))
        states = await self._refresh_calendars(today)
        stored = await self._stored(wanted, today, max(end, today + timedelta(days=NEXT_DAYS)))
        return _split(_view(states, stored, today, end))

    async def upcoming(self, symbols: Iterable[str], days: int) -> list[EarningsEvent]:
        """``events``' reports alone (e.g. the morning brief's "this week")."""
        return list((await self.events(symbols, days)).events)

    async def next_event(self, symbol: str) -> EarningsEvent | None:
        """The symbol's next report (today's included), from the source the calendar shows."""
        view = await self.events([symbol], NEXT_DAYS)
        own = [e for e in view.events if e.symbol == symbol]
        return next((e for e in own if e.source == view.source), own[0] if own else None)

    async def past_events(self, symbol: str) -> list[EarningsEvent]:
        """The symbol's reports before today (up to three years), oldest first, one per report:
        Massive's where it has them (they carry the actual EPS), else what Alpha Vantage dated."""
        today = self._today()
        start, end = today - HISTORY, today - timedelta(days=1)
        if self._demo():
            from data.earnings.demo import demo_events

            return demo_events([symbol], start, end, today)
        massive_key = await self._key("massive")
        await self._refresh(MASSIVE, f"earnings:massive:history:{symbol}", massive_key, start, end,
                            lambda: self._fetch_massive(massive_key, start, end, symbol), symbol)
        stored = await self._stored([symbol], start, end)
        return _one_per_report([e for e in stored if e.source == MASSIVE], [e for e in stored if e.source != MASSIVE])

    # -- sources -------------------------------------------------------------------------------
    def _today(self) -> date:
        return market_date(self._now())

    def _demo(self) -> bool:
        return not self._provider().real_prices

    async def _key(self, name: str) -> str:
        return (await asyncio.to_thread(self._keys, name)) or ""

    async def _refresh_calendars(self, today: date) -> list[_State]:
        start, end = today + WINDOW[0], today + WINDOW[1]
        av_key, massive_key = await self._key("alpha_vantage"), await self._key("massive")
        av_note = await self._refresh(AV, "earnings:alphavantage:calendar", av_key, today, end,  # it lists from today
                                      lambda: self._fetch_av(av_key)) if av_key else (
            "No Alpha Vantage key: save one in Preferences for its free earnings calendar.")
        massive_note = await self._refresh(MASSIVE, "earnings:massive:calendar", massive_key, start, end,
                                           lambda: self._fetch_massive(massive_key, start, end))
        fetched = await self._store.run(lambda s: {src: _fetched_at(s, src) for src in (AV, MASSIVE)})
        return [_State(AV, av_note, fetched[AV]), _State(MASSIVE, massive_note, fetched[MASSIVE])]

    async def _refresh(self, source: str, cache_key: str, key: str, start: date, end: date,
                       fetch: Callable[[], Awaitable[ParsedCalendar]], symbol: str | None = None) -> str:
        """Fetch ``source`` unless its answer is fresh; "" when fresh or fetched, else why not."""
        from data.store import provider_cache

        now = self._now()
        if await self._store.run(lambda s: provider_cache.get(s, cache_key, now, MAX_AGE)) is not None:
            return ""
        failed = self._failed.get((cache_key, key))
        if failed is not None and timedelta(0) <= now - failed[0] < RETRY_AFTER:
            return failed[1]
        try:
            parsed = await fetch()
        except EarningsSourceError as exc:
            self._failed[(cache_key, key)] = (now, str(exc))
            return str(exc)
        self._failed.pop((cache_key, key), None)
        await self._store.run(lambda s: _save(s, source, cache_key, parsed, start, end, now, symbol))
        return ""

    async def _fetch_av(self, key: str) -> ParsedCalendar:
        from data.earnings.alphavantage import BASE_URL, AlphaVantageClient

        _check_key("Alpha Vantage", key)
        async with AlphaVantageClient(key, base_url=self._av_base_url or BASE_URL) as client:
            return await client.earnings_calendar()

    async def _fetch_massive(self, key: str, start: date, end: date, symbol: str | None = None) -> ParsedCalendar:
        from data.earnings.benzinga import fetch_earnings

        async with self._massive_client(key) as client:
            return await fetch_earnings(client, start, end, symbol)

    @contextlib.asynccontextmanager
    async def _massive_client(self, key: str) -> AsyncIterator[MassiveClient]:
        """The running Massive provider's client, else one on the saved key (closed after)."""
        from data.providers.massive.client import BASE_URL, MassiveClient

        running = getattr(self._provider(), "client", None)
        if isinstance(running, MassiveClient):
            yield running
            return
        if not key:
            raise EarningsSourceError("No Massive key for the Benzinga fallback.", NO_KEY)
        _check_key("Massive", key)
        client = MassiveClient(key, base_url=self._massive_base_url or BASE_URL, max_retries=1)
        try:
            yield client
        finally:
            await client.aclose()

    async def _stored(self, symbols: Sequence[str], start: date, end: date) -> list[EarningsEvent]:
        from data.store import earnings

        return await self._store.run(lambda s: earnings.events_between(s, symbols, start, end))


@dataclass(frozen=True, slots=True)
class _State:
    source: str
    note: str  # "" when its answer is fresh
    fetched_at: datetime | None  # of its newest stored event

    @property
    def fresh(self) -> bool:
        return not self.note


def _check_key(label: str, key: str) -> None:
    from data.secrets import key_problem

    if problem := key_problem(key):
        raise EarningsSourceError(f"The saved {label} key {problem}: save it again in Preferences.", "bad_key")


def _fetched_at(session, source: str) -> datetime | None:
    from data.store import earnings

    return earnings.fetched_at(session, source)


def _save(session, source: str, cache_key: str, parsed: ParsedCalendar, start: date, end: date, now: datetime,
          symbol: str | None) -> None:
    """Replace the source's events in the window asked for (to its last date: a "3 months" horizon may
    run a few days longer; an earlier date is skipped, the history stays) and note when."""
    from data.store import earnings, provider_cache

    end = max([end, *(e.report_date for e in parsed.events)])
    stored = earnings.replace_window(session, source, start, end, parsed.events, now,
                                     None if symbol is None else [symbol])
    provider_cache.put(session, cache_key, {"start": start.isoformat(), "end": end.isoformat(), "events": stored,
                                            "dropped": parsed.dropped}, now)


def _view(states: list[_State], stored: list[EarningsEvent], start: date, end: date) -> CalendarView:
    """The calendar from the first fresh source (else the first with stored dates), the other's
    dates merged in: a report only it knows is added, one it dates differently is a conflict."""
    by_source: dict[str, list[EarningsEvent]] = defaultdict(list)
    for e in stored:
        by_source[e.source].append(e)
    has_data = [s for s in states if s.fetched_at is not None]
    primary = next((s for s in states if s.fresh), has_data[0] if has_data else None)
    if primary is None:
        notes = [s.note for s in states if s.note]
        return CalendarView((), "", " ".join(notes) or "No earnings source answered.", start=start, end=end)
    others = [e for s in states if s is not primary for e in by_source[s.source]]
    events, conflicts = _merge(by_source[primary.source], others)
    return CalendarView(tuple(events), primary.source, _note(states, primary), frozenset(conflicts), start, end)


def _split(view: CalendarView) -> CalendarView:
    """The view's events up to its end; the first one after it kept as ``next_after``."""
    shown = tuple(e for e in view.events if view.end is None or e.report_date <= view.end)
    later = next((e for e in view.events if e not in shown), None)
    conflicts = frozenset(c for c in view.conflicts if any(e.symbol == c for e in shown))
    return replace(view, events=shown, next_after=later, conflicts=conflicts)


def _note(states: list[_State], primary: _State) -> str:
    before = [s.note for s in states[:states.index(primary)] if s.note]
    if primary.fresh:
        used = f" Using {LABELS[primary.source]} instead." if before else ""
        return (" ".join(before) + used).strip()
    when = primary.fetched_at.astimezone(ET).strftime("%b %d") if primary.fetched_at else "earlier"
    notes = [s.note for s in states if s.note]
    return " ".join([*notes, f"Showing the {LABELS[primary.source]} dates fetched {when}."])


def _merge(primary: list[EarningsEvent], others: list[EarningsEvent]) -> tuple[list[EarningsEvent], set[str]]:
    """The primary's events, each completed by the other source's record of the same report (a
    time, a company name, an estimate it lacks), plus the other's reports it does not have."""
    own = {(e.symbol, e.report_date): e for e in primary}
    dates: dict[str, list[date]] = defaultdict(list)
    for e in primary:
        dates[e.symbol].append(e.report_date)
    added, conflicts = [], set()
    for e in others:
        near = [d for d in dates[e.symbol] if abs((d - e.report_date).days) <= SAME_QUARTER]
        if e.report_date in near:
            own[(e.symbol, e.report_date)] = _completed(own[(e.symbol, e.report_date)], e)
            continue
        if near:
            conflicts.add(e.symbol)
        added.append(e)
    events = sorted([*own.values(), *added], key=lambda e: (e.report_date, e.symbol, e.source))
    return events, conflicts


def _completed(event: EarningsEvent, other: EarningsEvent) -> EarningsEvent:
    """``event`` with what it lacks taken from ``other`` (the same report from another source)."""
    if event.timing == "unknown" and other.timing != "unknown":
        event = replace(event, timing=other.timing, time_et=event.time_et or other.time_et)
    return replace(event, name=event.name or other.name, time_et=event.time_et or other.time_et,
                   estimate_eps=other.estimate_eps if event.estimate_eps is None else event.estimate_eps)


def _one_per_report(preferred: list[EarningsEvent], others: list[EarningsEvent]) -> list[EarningsEvent]:
    """``preferred`` plus the ``others`` no preferred event is near, oldest first."""
    kept = list(preferred)
    for e in sorted(others, key=lambda e: e.report_date):
        if all(abs((k.report_date - e.report_date).days) > SAME_QUARTER for k in kept):
            kept.append(e)
    return sorted(kept, key=lambda e: e.report_date)
