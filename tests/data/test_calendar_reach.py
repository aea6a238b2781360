"""The calendar covers what it is asked about, and nothing built on it moves with its reach.

Issue 11: the calendar reached "a year from today", so the demo market's price path (one walk
sized by the session count) and its option listings (cut at the calendar's end) changed with
the real date. A calendar of any reach must give the same answers, and so the same market.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.core.option_pricing import load_option_pricing
from data.market_calendar import ET, LAST_END, MarketCalendar
from data.providers.demo.market_model import DemoMarket
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=ET)


@pytest.fixture
def short_calendar() -> MarketCalendar:
    return MarketCalendar(end=date(2026, 12, 31))  # what "a year from today" gave at the end of 2025


def test_a_calendar_extends_to_any_day_asked_about(calendar, short_calendar) -> None:
    assert short_calendar.last_day == date(2026, 12, 31)
    assert short_calendar.next_session(date(2026, 12, 31)).day == date(2027, 1, 4)
    assert short_calendar.is_session(date(2030, 6, 3)) and short_calendar.last_day >= date(2030, 6, 3)
    assert short_calendar.closed_reason(date(2035, 12, 25)) == "holiday: Christmas"
    for day in (date(2005, 1, 3), date(2026, 11, 25), date(2035, 7, 3)):
        assert short_calendar.session_number(day) == calendar.session_number(day)
        assert short_calendar.session(day) == calendar.session(day)
    assert not short_calendar.is_session(date(LAST_END.year + 50, 6, 1))  # past what is ever built
    with pytest.raises(ValueError, match="no session after"):
        short_calendar.next_session(LAST_END)


def test_the_demo_market_does_not_depend_on_the_calendars_reach(calendar, short_calendar) -> None:
    markets = DemoMarket(calendar), DemoMarket(short_calendar)
    for day in (date(2005, 1, 3), date(2026, 11, 24), date(2026, 12, 31)):
        assert markets[0].day_plan("SPY", day) == markets[1].day_plan("SPY", day)
        assert markets[0].regular_close("NVDA", day) == markets[1].regular_close("NVDA", day)


def test_demo_listings_reach_the_second_january_ahead_of_the_as_of_date(calendar, short_calendar) -> None:
    def expirations(cal: MarketCalendar, symbol: str) -> list[date]:
        provider = DemoProvider(cal, clock=SimClock(NOON, 1.0, lambda: 0.0), option_pricing=load_option_pricing)
        return provider.options().expirations(symbol, NOON)

    for symbol in ("SPX", "AAPL"):
        listed = expirations(short_calendar, symbol)
        assert listed == expirations(calendar, symbol)
        assert max(listed) == date(2028, 1, 21)  # LEAPS out to January two years on, nothing after
