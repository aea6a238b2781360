"""The demo market's own macro calendar: the usual US release pattern laid on the demo's dates,
the same for everyone (no randomness), so the panel, the brief and the impact table have events.

NFP the first Friday 08:30 ET; CPI the first Wednesday on or after the 10th, PPI the session after;
retail sales the first session on or after the 15th; jobless claims every Thursday (the Wednesday
before when Thursday is a holiday); ISM the first session at 10:00; JOLTS the first Tuesday at 10:00;
GDP the last Thursday of January, April, July and October; PCE the last Friday. A release day that
is not a session moves to the next one. FOMC-like meetings (decision the third Wednesday of Jan,
Mar, May, Jun, Jul, Sep, Oct, Dec) only for years the Fed's schedule file does not cover.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, date, datetime, time, timedelta

from data.macro.fomc import FomcMeeting, meeting_events
from data.macro.impact import impact_of, title_of
from data.market_calendar import ET
from data.store.records import MacroEvent

SOURCE = "demo"
AM, TEN = time(8, 30), time(10, 0)
FOMC_MONTHS = (1, 3, 5, 6, 7, 9, 10, 12)
SEP_MONTHS = (3, 6, 9, 12)
MON, TUE, WED, THU, FRI = range(5)


def _first(year: int, month: int, weekday: int, from_day: int = 1) -> date:
    d = date(year, month, from_day)
    return d + timedelta(days=(weekday - d.weekday()) % 7)


def _last(year: int, month: int, weekday: int) -> date:
    nxt = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return nxt - timedelta(days=(nxt.weekday() - weekday) % 7)


def _month_days(year: int, month: int, session: Callable[[date], date]) -> list[tuple[str, date, time]]:
    cpi = session(_first(year, month, WED, 10))
    days = [("nfp", session(_first(year, month, FRI)), AM), ("cpi", cpi, AM), ("ppi", session(cpi + timedelta(1)), AM),
            ("retail_sales", session(date(year, month, 15)), AM), ("ism", session(date(year, month, 1)), TEN),
            ("jolts", session(_first(year, month, TUE)), TEN), ("pce", session(_last(year, month, FRI)), AM)]
    if month in (1, 4, 7, 10):
        days.append(("gdp", session(_last(year, month, THU)), AM))
    return days


def _claims(start: date, end: date, is_session: Callable[[date], bool]) -> list[tuple[str, date, time]]:
    day, out = start + timedelta(days=(THU - start.weekday()) % 7), []
    while day <= end:
        out.append(("claims", day if is_session(day) else day - timedelta(days=1), AM))
        day += timedelta(weeks=1)
    return out


def events(start: date, end: date, is_session: Callable[[date], bool],
           fomc_years: Collection[int] = ()) -> list[MacroEvent]:
    """The demo's events whose ET date is in [start, end], by time; FOMC-like meetings only in
    years not in ``fomc_years`` (those the schedule file covers)."""
    def session(day: date) -> date:
        for _ in range(10):
            if is_session(day):
                return day
            day += timedelta(days=1)
        return day

    found: list[tuple[str, date, time]] = _claims(start, end, is_session)
    out: list[MacroEvent] = []
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        found += _month_days(year, month, session)
        if year not in fomc_years and month in FOMC_MONTHS:
            decision = session(_first(year, month, WED, 15))
            meeting = FomcMeeting(decision - timedelta(days=1), decision, month in SEP_MONTHS)
            out += [MacroEvent(SOURCE, e.key, e.kind, e.title, e.at, e.impact) for e in meeting_events(meeting)]
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    out += [MacroEvent(SOURCE, f"{kind}:{day}", kind, title_of(kind), datetime.combine(day, at, ET).astimezone(UTC),
                       impact_of(kind)) for kind, day, at in found]
    return sorted((e for e in out if start <= e.at.astimezone(ET).date() <= end), key=lambda e: (e.at, e.kind))
