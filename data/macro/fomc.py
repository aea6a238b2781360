"""The FOMC's scheduled meetings, from the data file kept with the app (the Fed's published
calendar, ``resources/macro/fomc_schedule.csv``), as macro events.

Each meeting gives three events: the rate decision (statement) at 14:00 ET on the meeting's last
day, the chair's press conference at 14:30 ET, and the minutes three weeks later at 14:00 ET.
``schedule_problem`` says when the file needs next year's meetings (the Fed publishes them around
mid-year), on the market date the caller passes (never the wall clock).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from data.macro.impact import impact_of, title_of
from data.market_calendar import ET
from data.store.records import MacroEvent

SOURCE = "fomc"
SOURCE_URL = "https://www.federalreserve.gov/monetarypolicy/fomccalendars.htm"
DECISION_AT, PRESS_AT, MINUTES_AT = time(14, 0), time(14, 30), time(14, 0)
MINUTES_AFTER = timedelta(weeks=3)
NEXT_YEAR_FROM_MONTH = 7  # from July on, next year's schedule is expected to be in the file


class FomcScheduleError(ValueError):
    """The schedule file cannot be read; the message says which line and why."""


@dataclass(frozen=True, slots=True)
class FomcMeeting:
    first_day: date
    decision_day: date
    sep: bool  # with a Summary of Economic Projections (March, June, September, December)


@dataclass(frozen=True, slots=True)
class FomcSchedule:
    meetings: tuple[FomcMeeting, ...]  # oldest first
    checked: date | None  # when the file was last compared with the Fed's page
    source: str

    @property
    def newest(self) -> date | None:
        return self.meetings[-1].decision_day if self.meetings else None

    def years(self) -> set[int]:
        return {m.decision_day.year for m in self.meetings}


def parse_schedule(text: str) -> FomcSchedule:
    """The schedule in ``text`` (``#`` header lines with ``source:`` and ``checked:``, then CSV)."""
    header: dict[str, str] = {}
    body: list[str] = []
    for line in text.splitlines():
        if line.startswith("#"):
            name, _, value = line[1:].partition(":")
            if value and name.strip() in ("source", "checked"):
                header[name.strip()] = value.strip()
        elif line.strip():
            body.append(line)
    meetings = []
    for number, row in enumerate(csv.DictReader(io.StringIO("\n".join(body))), start=2):
        try:
            first, decision = date.fromisoformat(row["first_day"]), date.fromisoformat(row["decision_day"])
        except (KeyError, TypeError, ValueError):
            raise FomcScheduleError(f"FOMC schedule row {number} is not 'first_day,decision_day,sep' "
                                    f"with ISO dates: {row}") from None
        if not timedelta(0) <= decision - first <= timedelta(days=2):
            raise FomcScheduleError(f"FOMC schedule row {number}: the decision day is not the meeting's last day")
        meetings.append(FomcMeeting(first, decision, (row.get("sep") or "0").strip() == "1"))
    try:
        checked = date.fromisoformat(header["checked"]) if "checked" in header else None
    except ValueError:
        raise FomcScheduleError(f"FOMC schedule: 'checked' is not a date: {header['checked']}") from None
    return FomcSchedule(tuple(sorted(meetings, key=lambda m: m.decision_day)), checked,
                        header.get("source", SOURCE_URL))


def load_schedule() -> FomcSchedule:
    """The schedule kept with the app."""
    from resources import read_text

    return parse_schedule(read_text("macro", "fomc_schedule.csv"))


def schedule_problem(schedule: FomcSchedule, today: date) -> str | None:
    """What is missing from the file on market date ``today``: this year's meetings, or from July
    on next year's (published by the Fed around mid-year); None when the file is current."""
    need = today.year + 1 if today.month >= NEXT_YEAR_FROM_MONTH else today.year
    if need in schedule.years():
        return None
    return (f"The FOMC schedule file has no {need} meetings yet (it ends {schedule.newest}); add them from "
            f"{schedule.source} to resources/macro/fomc_schedule.csv.")


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, ET).astimezone(UTC)


def meeting_events(meeting: FomcMeeting) -> list[MacroEvent]:
    day = meeting.decision_day
    sep = " with economic projections" if meeting.sep else ""
    minutes_day = day + MINUTES_AFTER
    return [
        MacroEvent(SOURCE, f"fomc:{day}", "fomc", title_of("fomc") + sep, _at(day, DECISION_AT), impact_of("fomc")),
        MacroEvent(SOURCE, f"fomc_press:{day}", "fomc_press", title_of("fomc_press"), _at(day, PRESS_AT),
                   impact_of("fomc_press")),
        MacroEvent(SOURCE, f"fomc_minutes:{day}", "fomc_minutes",
                   f"{title_of('fomc_minutes')} ({day:%b} {day.day} meeting)",  # no %-d: Windows has none
                   _at(minutes_day, MINUTES_AT), impact_of("fomc_minutes")),
    ]


def events(schedule: FomcSchedule, start: date, end: date) -> list[MacroEvent]:
    """The schedule's events whose ET date is in [start, end], by time."""
    found = [e for m in schedule.meetings for e in meeting_events(m) if start <= e.at.astimezone(ET).date() <= end]
    return sorted(found, key=lambda e: e.at)


# -- the Fed's calendar page: read when reachable, the file above is the fallback ----------------
_YEAR = re.compile(r"(\d{4})\s+FOMC\s+Meetings", re.I)
_MEETING = re.compile(r'fomc-meeting__month[^>]*>\s*(?:<strong>)?\s*([A-Za-z/]+)\s*(?:</strong>)?.*?'
                      r'fomc-meeting__date[^>]*>\s*([^<]+)<', re.S)
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), start=1)}


def _meeting(year: int, month_text: str, day_text: str) -> FomcMeeting | None:
    """A row of the page ("March", "18-19*"; "Apr/May", "30-1"), None for an unscheduled one."""
    if re.search(r"unscheduled|notation|cancel", day_text, re.I):
        return None
    days = re.fullmatch(r"\s*(\d{1,2})\s*[-–]\s*(\d{1,2})\s*(\*?)\s*(?:\(.*\))?\s*", day_text)
    months = [_MONTHS.get(m.strip()[:3].lower()) for m in month_text.split("/")]
    if days is None or None in months:
        return None
    first_month, last_month = months[0], months[-1]
    try:
        first, last = date(year, first_month, int(days[1])), date(year, last_month, int(days[2]))
    except ValueError:
        return None
    return FomcMeeting(first, last, days[3] == "*") if timedelta(0) < last - first <= timedelta(days=2) else None


def parse_page(html: str) -> list[FomcMeeting]:
    """The scheduled meetings on the Fed's FOMC calendar page (one section per year), oldest first."""
    marks = list(_YEAR.finditer(html))
    found: dict[date, FomcMeeting] = {}
    for i, mark in enumerate(marks):
        section = html[mark.end(): marks[i + 1].start() if i + 1 < len(marks) else len(html)]
        for month_text, day_text in _MEETING.findall(section):
            meeting = _meeting(int(mark[1]), month_text, day_text)
            if meeting is not None:
                found[meeting.decision_day] = meeting
    return [found[d] for d in sorted(found)]


def with_page(schedule: FomcSchedule, page: list[FomcMeeting]) -> FomcSchedule:
    """The file's schedule with the page's meetings instead for every year the page lists."""
    years = {m.decision_day.year for m in page}
    kept = [m for m in schedule.meetings if m.decision_day.year not in years] + list(page)
    return FomcSchedule(tuple(sorted(kept, key=lambda m: m.decision_day)), schedule.checked, schedule.source)


async def fetch_page(url: str = SOURCE_URL, transport=None, timeout: float = 15.0) -> list[FomcMeeting]:
    """The page's meetings; ``FomcScheduleError`` in plain words when it cannot be read."""
    import httpx

    headers = {"User-Agent": "AI Coach Desktop (macro calendar; reads the FOMC schedule once a day)"}
    try:
        async with httpx.AsyncClient(timeout=timeout, transport=transport, headers=headers) as client:
            response = await client.get(url)
    except httpx.HTTPError as exc:
        raise FomcScheduleError(f"The Fed's FOMC calendar page is unreachable ({type(exc).__name__})") from None
    if response.status_code != 200:
        raise FomcScheduleError(f"The Fed's FOMC calendar page answered HTTP {response.status_code}")
    meetings = parse_page(response.text)
    if not meetings:
        raise FomcScheduleError("The Fed's FOMC calendar page lists no meetings it can read (its layout changed?)")
    return meetings
