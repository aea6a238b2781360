"""The macro calendar's file sources: the FOMC schedule kept with the app, a saved BLS ICS, the
demo market's events, and default impact ratings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from data.macro import bls_ics, demo, fomc
from data.macro.impact import impact_of
from data.market_calendar import ET

FIXTURE = Path(__file__).parent / "fixtures" / "macro" / "bls_sample.ics"


def et(*args: int) -> datetime:
    return datetime(*args, tzinfo=ET).astimezone(UTC)


def test_schedule_file_lists_the_feds_meetings_with_sep_marked() -> None:
    schedule = fomc.load_schedule()
    assert schedule.source == fomc.SOURCE_URL
    days = [m.decision_day for m in schedule.meetings]
    assert days[:8] == [date(2025, 1, 29), date(2025, 3, 19), date(2025, 5, 7), date(2025, 6, 18),
                        date(2025, 7, 30), date(2025, 9, 17), date(2025, 10, 29), date(2025, 12, 10)]
    assert {y: sum(d.year == y for d in days) for y in schedule.years()} == {2025: 8, 2026: 8}
    assert all(d.weekday() == 2 for d in days)  # decisions on Wednesdays
    assert [m.decision_day.month for m in schedule.meetings if m.sep] == [3, 6, 9, 12] * 2


def test_schedule_file_is_kept_current() -> None:
    """Fails when the file's "checked" date is moved without adding the year it makes due: from July
    on, next year's meetings (the Fed publishes them mid-year). Pinned to the file's own date, not
    the wall clock, so CI does not break on a new year; the app says so on the market date."""
    schedule = fomc.load_schedule()
    assert schedule.checked is not None
    assert fomc.schedule_problem(schedule, schedule.checked) is None
    assert schedule.newest is not None and schedule.newest >= schedule.checked


def test_schedule_problem_names_the_missing_year() -> None:
    schedule = fomc.load_schedule()
    assert fomc.schedule_problem(schedule, date(2026, 6, 30)) is None
    message = fomc.schedule_problem(schedule, date(2026, 7, 1))
    assert message is not None and "2027" in message and "fomc_schedule.csv" in message
    assert "2024" in (fomc.schedule_problem(schedule, date(2024, 3, 1)) or "")


def test_meeting_events_decision_press_and_minutes_in_et() -> None:
    march = next(m for m in fomc.load_schedule().meetings if m.decision_day == date(2026, 3, 18))
    decision, press, minutes = fomc.meeting_events(march)
    assert (decision.kind, decision.at, decision.impact) == ("fomc", et(2026, 3, 18, 14, 0), "high")
    assert "projections" in decision.title
    assert (press.kind, press.at, press.impact) == ("fomc_press", et(2026, 3, 18, 14, 30), "high")
    assert (minutes.kind, minutes.at, minutes.impact) == ("fomc_minutes", et(2026, 4, 8, 14, 0), "medium")
    assert decision.at.tzinfo is UTC and decision.at.hour == 18  # EDT on March 18


@pytest.mark.parametrize("text, words", [
    ("first_day,decision_day,sep\n2026-01-27,2026-13-28,0\n", "row 2"),
    ("first_day,decision_day,sep\n2026-01-20,2026-01-28,0\n", "last day"),
    ("# checked: soon\nfirst_day,decision_day,sep\n", "checked"),
])
def test_a_broken_schedule_says_where(text: str, words: str) -> None:
    with pytest.raises(fomc.FomcScheduleError, match=words):
        fomc.parse_schedule(text)


def test_impact_ratings() -> None:
    assert [impact_of(k) for k in ("fomc", "cpi", "nfp", "pce", "gdp", "retail_sales")] == ["high"] * 6
    assert [impact_of(k) for k in ("ppi", "jolts", "ism", "claims", "fomc_minutes", "fed_chair")] == ["medium"] * 6
    assert impact_of("eci") == impact_of("something new") == "low"


def test_bls_ics_parses_releases_in_et_and_stores_utc() -> None:
    result = bls_ics.parse_ics(FIXTURE.read_text())
    got = {(e.kind, e.at, e.impact) for e in result.events}
    assert got == {("nfp", et(2026, 12, 4, 8, 30), "high"), ("cpi", et(2026, 12, 10, 8, 30), "high"),
                   ("jolts", et(2026, 7, 7, 10, 0), "medium"), ("eci", et(2027, 1, 29, 8, 30), "low")}
    cpi = next(e for e in result.events if e.kind == "cpi")
    assert (cpi.at, cpi.key, cpi.source) == (datetime(2026, 12, 10, 13, 30, tzinfo=UTC), "cpi-2026-12@bls.gov", "bls")
    assert next(e for e in result.events if e.kind == "jolts").at.hour == 14  # EDT: 10:00 ET is 14:00 UTC
    assert result.skipped == 1  # the PPI with an unreadable DTSTART; the state release is not shown


def test_bls_ics_utc_and_garbage() -> None:
    text = ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261210T133000Z\nSUMMARY:Consumer Price Index\nEND:VEVENT\n"
            "END:VCALENDAR")
    [event] = bls_ics.parse_ics(text).events
    assert event.at == datetime(2026, 12, 10, 13, 30, tzinfo=UTC)
    with pytest.raises(bls_ics.BlsIcsError, match="not an ICS calendar"):
        bls_ics.parse_ics("<html>Access Denied</html>")


def test_demo_events_follow_the_release_pattern(calendar) -> None:
    events = demo.events(date(2026, 11, 1), date(2026, 11, 30), calendar.is_session, fomc_years={2025, 2026})
    days: dict[str, list[date]] = {}
    for e in events:
        days.setdefault(e.kind, []).append(e.at.astimezone(ET).date())
    assert days["nfp"] == [date(2026, 11, 6)]  # first Friday
    assert days["cpi"] == [date(2026, 11, 11)] and days["ppi"] == [date(2026, 11, 12)]
    assert days["claims"] == [date(2026, 11, 5), date(2026, 11, 12), date(2026, 11, 19), date(2026, 11, 25)]
    assert "fomc" not in days  # the schedule file covers 2026
    assert all(calendar.is_session(e.at.astimezone(ET).date()) for e in events)
    assert events == demo.events(date(2026, 11, 1), date(2026, 11, 30), calendar.is_session, {2025, 2026})


def test_demo_fomc_like_days_only_where_the_file_is_silent(calendar) -> None:
    events = demo.events(date(2024, 1, 1), date(2024, 12, 31), calendar.is_session, fomc_years={2025, 2026})
    decisions = [e.at.astimezone(ET) for e in events if e.kind == "fomc"]
    assert len(decisions) == 8 and all(d.hour == 14 and calendar.is_session(d.date()) for d in decisions)
    assert [d.date() for d in decisions if d.weekday() != 2] == [date(2024, 6, 20)]  # Juneteenth moved it


def test_the_feds_page_is_read_and_replaces_the_file_for_its_years() -> None:
    page = fomc.parse_page((FIXTURE.parent / "fomccalendars.html").read_text())
    assert [m.decision_day for m in page if m.decision_day.year == 2026] == [
        m.decision_day for m in fomc.load_schedule().meetings if m.decision_day.year == 2026]  # page = file
    invented = [m for m in page if m.decision_day.year == 2030]  # the fixture's made-up year
    assert [(m.first_day, m.decision_day, m.sep) for m in invented] == [
        (date(2030, 1, 29), date(2030, 1, 30), False), (date(2030, 3, 19), date(2030, 3, 20), True),
        (date(2030, 4, 30), date(2030, 5, 1), False)]  # across April/May; the unscheduled one is left out
    merged = fomc.with_page(fomc.load_schedule(), invented)
    assert merged.years() == {2025, 2026, 2030} and fomc.schedule_problem(merged, date(2029, 8, 1)) is None
    assert fomc.parse_page("<html>Access Denied</html>") == []
