"""The calendar's sessions kept between runs: read back they are the built ones (sessions, half
days, holidays), without building again; a damaged or foreign file is built over; a folder
that cannot be written to only costs the next start a build."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from data import calendar_cache, market_calendar
from data.market_calendar import MarketCalendar

END = date(2027, 12, 31)  # a short span: the tests build it for real


def _built_file(directory: Path) -> Path:
    path = calendar_cache.cache_file(directory, market_calendar.CALENDAR_START, END)
    assert path is not None
    return path


def _same(a: MarketCalendar, b: MarketCalendar) -> None:
    start, end = market_calendar.CALENDAR_START, END
    assert a.sessions_between(start, end) == b.sessions_between(start, end)
    for day in (date(2025, 12, 25), date(2025, 11, 28), date(2024, 7, 4), date(2026, 12, 5)):
        assert a.closed_reason(day) == b.closed_reason(day) and a.is_session(day) == b.is_session(day)


def test_kept_sessions_are_read_back_as_built_without_building_again(tmp_path: Path, monkeypatch) -> None:
    built = MarketCalendar(END, keep_in=tmp_path)
    assert _built_file(tmp_path).exists()

    def no_build(_end: date):
        raise AssertionError("built again")

    monkeypatch.setattr(market_calendar, "_load_sessions", no_build)
    kept = MarketCalendar(END, keep_in=tmp_path)
    _same(built, kept)
    assert kept.session(date(2025, 11, 28)).is_half_day  # the day after Thanksgiving: 13:00 close
    assert kept.closed_reason(date(2025, 12, 25)).startswith("holiday")


@pytest.mark.parametrize("damage", [
    "not json at all",
    json.dumps({"days": [1, 2], "opens": [10], "closes": [20, 30], "holidays": {}}),  # lengths differ
    json.dumps({"days": [2, 1], "opens": [10, 20], "closes": [15, 25], "holidays": {}}),  # out of order
    json.dumps({"days": [1, 2], "opens": [10, 20], "closes": [5, 25], "holidays": {}}),  # closes before it opens
    json.dumps({"days": ["a"], "opens": [1], "closes": [2], "holidays": {}}),
    json.dumps([1, 2, 3]),
])
def test_a_damaged_file_is_built_over(tmp_path: Path, damage: str) -> None:
    reference = MarketCalendar(END)
    path = _built_file(tmp_path)
    path.write_text(damage, encoding="utf-8")
    _same(MarketCalendar(END, keep_in=tmp_path), reference)
    assert calendar_cache.read(path) is not None  # the build was kept over the damage


def test_a_folder_that_cannot_be_written_costs_only_a_build(tmp_path: Path) -> None:
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("", encoding="utf-8")
    _same(MarketCalendar(END, keep_in=blocked), MarketCalendar(END))


def test_another_library_release_has_its_own_file(tmp_path: Path, monkeypatch) -> None:
    now = _built_file(tmp_path)
    monkeypatch.setattr("importlib.metadata.version", lambda _name: "999.0")
    assert _built_file(tmp_path) != now and "999.0" in _built_file(tmp_path).name
