"""The demo's whole-session daily bars kept in the data folder: the same bars bit for bit, read
back by the next run instead of built, dropped when the model's numbers change, and a damaged
or unusable file never stops the bars."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from data.market_calendar import ET, MarketCalendar
from data.models import Timeframe
from data.providers.demo.day_bar_file import FILENAME, DayBarFile, model_key
from data.providers.demo.market_model import MODEL_VERSION
from data.providers.demo.provider import DemoProvider

START, END = datetime(2025, 6, 2, 0, 0, tzinfo=ET), datetime(2026, 6, 30, 23, 0, tzinfo=ET)


def _year(provider: DemoProvider, symbol: str = "SPY"):
    return provider.bars_at(symbol, Timeframe.D1, START, END, False, END + timedelta(days=1))


def _counting(provider: DemoProvider) -> list[int]:
    built: list[int] = []
    day_bars = provider._daily._day_bars

    def counted(symbol, days):
        built.append(len(days))
        return day_bars(symbol, days)

    provider._daily._day_bars = counted
    return built


def _same(a, b) -> bool:
    return all(np.array_equal(getattr(a, c), getattr(b, c)) for c in ("ts", "open", "high", "low", "close", "volume"))


def test_kept_bars_are_the_built_ones_and_the_next_run_reads_them(tmp_path: Path) -> None:
    calendar = MarketCalendar()
    plain = _year(DemoProvider(calendar))
    first = DemoProvider(calendar, day_bar_file=tmp_path / FILENAME)
    assert _same(_year(first), plain) and len(plain) > 250
    again = DemoProvider(calendar, day_bar_file=tmp_path / FILENAME)
    built = _counting(again)
    assert _same(_year(again), plain) and sum(built) == 0  # read back, none built
    longer = _year_from(again, START - timedelta(days=40))
    assert 0 < sum(built) < 40 and _same(longer, _year_from(DemoProvider(calendar), START - timedelta(days=40)))


def _year_from(provider: DemoProvider, start: datetime):
    return provider.bars_at("SPY", Timeframe.D1, start, END, False, END + timedelta(days=1))


def test_bars_of_other_numbers_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / FILENAME
    old = DayBarFile(path, model_key(MODEL_VERSION - 1, 7))
    old.write("SPY", {date(2026, 6, 1): (1.0, 2.0, 0.5, 1.5, 100.0)})
    assert old.read("SPY", [date(2026, 6, 1)])
    old.close()
    assert DayBarFile(path, model_key(MODEL_VERSION, 7)).read("SPY", [date(2026, 6, 1)]) == {}
    assert DayBarFile(path, model_key(MODEL_VERSION - 1, 7)).read("SPY", [date(2026, 6, 1)]) == {}  # deleted
    assert model_key(MODEL_VERSION, 7) != model_key(MODEL_VERSION, 8)


def test_a_damaged_or_unusable_file_never_stops_the_bars(tmp_path: Path) -> None:
    calendar = MarketCalendar()
    plain = _year(DemoProvider(calendar))
    damaged = tmp_path / FILENAME
    damaged.write_bytes(b"not a database at all " * 100)
    provider = DemoProvider(calendar, day_bar_file=damaged)
    assert _same(_year(provider), plain)
    assert (tmp_path / (FILENAME + ".damaged")).exists()  # set aside, a new one made
    assert DayBarFile(damaged, model_key(MODEL_VERSION, 7)).read("SPY", [START.date() + timedelta(days=1)])
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    assert _same(_year(DemoProvider(calendar, day_bar_file=blocked / FILENAME)), plain)  # folder cannot be made


def test_a_build_cut_short_keeps_the_sessions_it_finished(tmp_path: Path) -> None:
    calendar = MarketCalendar()
    provider = DemoProvider(calendar, day_bar_file=tmp_path / FILENAME)
    day_bars, calls = provider._daily._day_bars, []

    def dies_on_the_second_chunk(symbol, days):
        calls.append(len(days))
        if len(calls) == 2:
            raise KeyboardInterrupt  # (the process ending mid-way)
        return day_bars(symbol, days)

    provider._daily._day_bars = dies_on_the_second_chunk
    with pytest.raises(KeyboardInterrupt):
        _year(provider)
    kept = DayBarFile(tmp_path / FILENAME, model_key(MODEL_VERSION, 7))
    days = [s.day for s in calendar.sessions_between(START.date(), END.date())]
    assert len(kept.read("SPY", days)) == calls[0] == 128
