"""Where the macro calendar's events come from, per provider: the demo market's own, or the real
ones (the Fed's schedule file, FRED with a key, a saved BLS ICS) — fetched at most once a day on
the market clock, kept in the store, and merged so a release is listed once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from data.macro import bls_ics, demo, fomc, fred
from data.market_calendar import ET, MarketCalendar
from data.store.records import MacroEvent

if TYPE_CHECKING:
    from data.store.database import Store

FRESH = timedelta(hours=24)
RETRY_AFTER = timedelta(minutes=15)  # a failed fetch is not tried again sooner (market time)
AHEAD, BEHIND, HISTORY = timedelta(days=120), timedelta(days=7), timedelta(days=3 * 366)
PREFERENCE = ("fomc", "bls", "fred", "demo")  # one release given by two sources: the first kept
NO_FRED_KEY = "Add a FRED key in Preferences for CPI, NFP, GDP and the other releases (only FOMC is shown now)."


def saved_ics(data_dir: Path | None) -> Path | None:
    """The BLS release calendar the trader saved in the data folder (``macro/bls.ics``), if any. Blocks."""
    path = data_dir / "macro" / "bls.ics" if data_dir is not None else None
    return path if path is not None and path.is_file() else None


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), ET).astimezone(UTC)


def merged(events: Iterable[MacroEvent]) -> list[MacroEvent]:
    """Each (kind, ET date) once, from the most precise source; by time."""
    best: dict[tuple[str, date], MacroEvent] = {}
    for e in events:
        slot = (e.kind, e.at.astimezone(ET).date())
        held = best.get(slot)
        if held is None or PREFERENCE.index(e.source) < PREFERENCE.index(held.source):
            best[slot] = e
    return sorted(best.values(), key=lambda e: (e.at, e.kind))


class RealSources:
    """FRED (when a key is set) and a BLS ICS file (when present), refreshed once a day into the store."""

    def __init__(self, store: Store, now: Callable[[], datetime], fred_key: Callable[[], str | None],
                 fred_url: str, transport, bls_file: Callable[[], Path | None], fomc_url: str | None) -> None:
        self._store, self._now, self._fred_key, self._bls_file = store, now, fred_key, bls_file
        self._fred_url, self._transport, self._fomc_url = fred_url, transport, fomc_url
        self._failed: dict[str, tuple[datetime, str]] = {}  # source → (when, the message)
        self._lock = asyncio.Lock()

    async def refresh(self, today: date) -> list[str]:
        """Fetch what is stale; the notes to show (a missing key, a failure: stored events stay)."""
        async with self._lock:
            key = await asyncio.to_thread(self._fred_key)
            notes = [await self._fresh("fred", today, lambda: self._fetch_fred(key, today))] if key else [NO_FRED_KEY]
            path = await asyncio.to_thread(self._bls_file)
            if path is not None:
                notes.append(await self._fresh(f"bls:{path}", today, lambda: self._read_bls(path)))
            return [n for n in notes if n]

    async def fomc_page(self) -> tuple[list[fomc.FomcMeeting], str]:
        """The meetings on the Fed's calendar page (read once a day), or none and why (the file stands in)."""
        from data.store import provider_cache

        if self._fomc_url is None:
            return [], ""
        now, url = self._now(), self._fomc_url
        failed = self._failed.get("fomc_page")
        if failed is not None and timedelta(0) <= now - failed[0] < RETRY_AFTER:
            return [], failed[1]
        cached = await self._store.run(lambda s: provider_cache.get(s, "macro:fomc_page", now, FRESH))
        if cached is None:
            try:
                meetings = await fomc.fetch_page(url, self._transport)
            except fomc.FomcScheduleError as exc:
                self._failed["fomc_page"] = (now, f"{exc}: using the schedule file kept with the app.")
                return [], self._failed["fomc_page"][1]
            cached = [[m.first_day.isoformat(), m.decision_day.isoformat(), m.sep] for m in meetings]
            await self._store.run(lambda s: provider_cache.put(s, "macro:fomc_page", cached, now))
        self._failed.pop("fomc_page", None)
        return [fomc.FomcMeeting(date.fromisoformat(a), date.fromisoformat(b), bool(sep)) for a, b, sep in cached], ""

    async def _fresh(self, name: str, today: date, fetch) -> str:
        from data.store import provider_cache

        now = self._now()
        failed = self._failed.get(name)
        if failed is not None and timedelta(0) <= now - failed[0] < RETRY_AFTER:
            return failed[1]
        cached = await self._store.run(lambda s: provider_cache.get(s, f"macro:{name}", now, FRESH))
        if cached is not None and cached.get("day") == today.isoformat():
            return cached.get("note", "")
        try:
            note = await fetch()
        except (fred.FredError, bls_ics.BlsIcsError, OSError) as exc:
            said = f"The BLS calendar file cannot be read ({exc.strerror or exc})." if isinstance(exc, OSError) else exc
            message = f"{said} Showing the events stored before."
            self._failed[name] = (now, message)
            return message
        self._failed.pop(name, None)
        await self._store.run(lambda s: provider_cache.put(s, f"macro:{name}", {"day": today.isoformat(),
                                                                               "note": note}, now))
        return note

    async def _save(self, source: str, events: list[MacroEvent], start: date, end: date) -> None:
        from data.store import macro

        now = self._now()
        await self._store.run(lambda s: macro.save(s, source, events, day_start(start), day_start(end), now))

    async def _fetch_fred(self, key: str, today: date) -> str:
        client = fred.FredClient(key, base_url=self._fred_url, transport=self._transport)
        try:
            start, end = today - BEHIND, today + AHEAD
            window = await client.release_dates(start, end)
            events, known, skipped = fred.parse_release_dates({"release_dates": window}, {})
            await self._save(fred.SOURCE, events, start, end + timedelta(days=1))
            past: list[MacroEvent] = []
            for rid, release in known.items():  # each release's own dates back three years
                rows = await client.release_dates(today - HISTORY, start - timedelta(days=1), release_id=rid)
                found, _, bad = fred.parse_release_dates({"release_dates": rows}, {rid: release})
                past += found
                skipped += bad
            await self._save(fred.SOURCE, past, today - HISTORY, start)
        finally:
            await client.aclose()
        return f"FRED: {skipped} malformed release dates skipped." if skipped else ""

    async def _read_bls(self, path: Path) -> str:
        text = await asyncio.to_thread(path.read_text, encoding="utf-8", errors="replace")
        result = bls_ics.parse_ics(text)
        if result.events:
            first, last = (e.at.astimezone(ET).date() for e in (result.events[0], result.events[-1]))
            await self._save(bls_ics.SOURCE, result.events, first, last + timedelta(days=1))
        return f"BLS calendar: {result.skipped} events with unreadable dates skipped." if result.skipped else ""

    async def stored(self, start: date, end: date) -> list[MacroEvent]:
        from data.store import macro

        a, b = day_start(start), day_start(end + timedelta(days=1))
        return await self._store.run(lambda s: macro.between(s, a, b, ("fred", "bls")))


def schedule_events(schedule: fomc.FomcSchedule | None, start: date, end: date) -> list[MacroEvent]:
    return fomc.events(schedule, start, end) if schedule is not None else []


def demo_events(schedule: fomc.FomcSchedule | None, calendar: MarketCalendar, start: date,
                end: date) -> list[MacroEvent]:
    years = schedule.years() if schedule is not None else set()
    return demo.events(start, end, calendar.is_session, years) + schedule_events(schedule, start, end)
