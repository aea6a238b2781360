"""Whose "prior day" the key levels are: the market clock's session decides, not the last bar's
day. An index (SPX, NDX) has no pre-market bars, so on Tue Dec 1 2026 at 08:00 its last bar
is Nov 30's close and the levels were those of Nov 27 (the half day) — a day stale."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from app.core.chart_data import ChartDataService, current_session_day
from data.market_calendar import ET
from data.models import Bars, Timeframe
from tests.core.test_chart_data_levels import SYMBOL, FakeProvider, _minutes, _session

HALF, MON, TUE = date(2026, 11, 27), date(2026, 11, 30), date(2026, 12, 1)  # Fri 13:00 close, Mon, Tue
WED, SAT = date(2026, 11, 25), date(2026, 11, 28)  # before Thanksgiving (closed Thu 26), the weekend after


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ET).astimezone(UTC)


def _index_day(day: date, price: float, close: time = time(16, 0)) -> Bars:
    """An index's day: regular hours only, its last minute at ``price + 0.25``."""
    bars = _minutes(day, time(9, 30), close, price)
    closes = bars.close.copy()
    closes[-1] += 0.25
    return Bars(SYMBOL, Timeframe.M1, bars.ts, bars.open, bars.high.clip(min=closes), bars.low, closes, bars.volume)


def _index() -> Bars:
    return _index_day(WED, 120.0).concat(_index_day(HALF, 131.0, time(13, 0)), _index_day(MON, 133.0),
                                         _index_day(TUE, 140.0))


def _stock() -> Bars:
    return _session(WED, 120.0).concat(_session(HALF, 131.0, close=time(13, 0)), _session(MON, 133.0),
                                       _session(TUE, 140.0))


async def _levels(finest: Bars, now: datetime, calendar, timeframe: Timeframe = Timeframe.M5) -> dict[str, float]:
    provider = FakeProvider(finest, now, calendar)
    return dict((await ChartDataService(provider, calendar).load(SYMBOL, timeframe)).overlays.levels)


@pytest.mark.parametrize("bars", [_index, _stock], ids=["index", "stock"])
@pytest.mark.parametrize(("now", "prior"), [
    (_at(TUE, 8), 133.0),  # pre-market: Monday's levels (the index has no bar of Tuesday yet)
    (_at(TUE, 3), 133.0),  # overnight before the pre-market: still Tuesday's session
    (_at(TUE, 11), 133.0),  # regular session
    (_at(MON, 18), 131.0),  # after the close: today is still Monday's session (prior = Friday)
    (_at(SAT, 12), 131.0),  # weekend: the levels Monday opens with (prior = the last session, Friday)
    (_at(HALF, 8), 120.0),  # the day after a holiday: the session before Thanksgiving
])
async def test_prior_day_is_the_session_before_the_clocks(calendar, bars, now: datetime, prior: float) -> None:
    levels = await _levels(bars(), now, calendar)
    assert levels["PDH"] == prior + 0.5 and levels["PDL"] == prior - 0.5 and levels["PDC"] == prior + 0.25


async def test_the_pre_market_levels_are_the_clocks_sessions(calendar) -> None:
    levels = await _levels(_stock(), _at(TUE, 9), calendar)
    assert levels["PMH"] == 139.5 and levels["PML"] == 138.5  # Tuesday's pre-market, not Monday's
    index = await _levels(_index(), _at(TUE, 9), calendar)
    assert "PMH" not in index  # no pre-market bars, no pre-market levels (not Monday's)


async def test_the_levels_roll_over_with_the_clock_without_a_new_bar(calendar) -> None:
    """The index's chart gets no bar between Monday's close and Tuesday's open: the clock's new
    session alone recomputes the kept levels."""
    provider = FakeProvider(_index(), _at(MON, 17), calendar)
    service = ChartDataService(provider, calendar)
    await service.load(SYMBOL, Timeframe.M5)
    monday = await provider.get_bars(SYMBOL, Timeframe.M5)
    assert dict((await service.overlays_for(monday)).levels)["PDC"] == 131.25
    provider.clock.moment = _at(TUE, 8)
    assert dict((await service.overlays_for(monday)).levels)["PDC"] == 133.25


def test_current_session_day_without_a_calendar_skips_the_weekend() -> None:
    epoch = date(1970, 1, 1).toordinal()
    assert current_session_day(None, _at(SAT, 12)) == MON.toordinal() - epoch
    assert current_session_day(None, _at(TUE, 8)) == TUE.toordinal() - epoch
