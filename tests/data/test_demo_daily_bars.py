"""The demo's daily bars, kept per whole session, are the bars aggregating its minutes gives."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from data.bar_aggregation import aggregate
from data.market_calendar import ET, MarketCalendar
from data.models import Timeframe
from data.providers.demo.provider import DemoProvider


@pytest.fixture(scope="module")
def provider() -> DemoProvider:
    return DemoProvider(MarketCalendar())


def _by_minutes(p: DemoProvider, start: datetime, end: datetime):
    return aggregate(p.minute_bars("SPY", start, end, False), Timeframe.D1)


@pytest.mark.parametrize(("start", "end"), [
    (datetime(2026, 3, 2, 0, 0, tzinfo=ET), datetime(2026, 4, 30, 23, 0, tzinfo=ET)),  # whole sessions only
    (datetime(2026, 3, 2, 11, 17, tzinfo=ET), datetime(2026, 3, 20, 13, 42, 30, tzinfo=ET)),  # cut at both ends
    (datetime(2026, 3, 9, 12, 0, tzinfo=ET), datetime(2026, 3, 9, 12, 30, tzinfo=ET)),  # inside one session
    (datetime(2026, 3, 7, 0, 0, tzinfo=ET), datetime(2026, 3, 9, 8, 0, tzinfo=ET)),  # weekend, then before the open
])
def test_daily_bars_are_the_aggregated_minutes(provider: DemoProvider, start: datetime, end: datetime) -> None:
    for _ in range(2):  # built, then from what was kept
        got = provider.bars_at("SPY", Timeframe.D1, start, end, False, end + timedelta(days=400))
        want = _by_minutes(provider, start, end)
        for column in ("ts", "open", "high", "low", "close", "volume"):
            assert np.array_equal(getattr(got, column), getattr(want, column)), column


@pytest.mark.parametrize("symbol", ["SPX", "SPY", "QQQ", "AAPL", "BRK.B", "F", "VIX"])
def test_sessions_built_together_are_the_sessions_built_alone(symbol: str) -> None:
    """A year of daily bars (half days included: their own batch) is what each session's own
    minutes give, bit for bit, for the market, ETFs on their index, and stocks on the market."""
    provider = DemoProvider(MarketCalendar())  # (fresh: nothing kept)
    start, end = datetime(2024, 1, 2, 0, 0, tzinfo=ET), datetime(2025, 1, 10, 23, 0, tzinfo=ET)
    got = provider.bars_at(symbol, Timeframe.D1, start, end, False, end + timedelta(days=1))
    days = [s.day for s in provider.calendar.sessions_between(start.date(), end.date())]
    assert len(got) == len(days) > 250
    alone = DemoProvider(MarketCalendar())
    for i, day in enumerate(days):
        session = alone.calendar.session(day)
        want = aggregate(alone.minute_bars(symbol, session.open, session.close, False), Timeframe.D1)
        assert [got.ts[i], got.open[i], got.high[i], got.low[i], got.close[i], got.volume[i]] == \
            [want.ts[0], want.open[0], want.high[0], want.low[0], want.close[0], want.volume[0]], day
