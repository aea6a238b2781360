"""The provider's own indicators on the chart's bars: capability by protocol, alignment by timestamp."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from app.core.chart_data import ChartDataService
from app.core.provider_indicators import align, provider_indicator, serves
from data.models import Bars, IndicatorSeries, Timeframe
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock

T0 = 1_767_623_400  # 2026-01-05 14:30 UTC, a minute start


def _bars(n: int, timeframe: Timeframe = Timeframe.M1) -> Bars:
    ts = T0 + 60 * np.arange(n)
    close = 100.0 + np.arange(n)
    return Bars("SPY", timeframe, ts, close, close + 1, close - 1, close, np.ones(n))


def _series(ts: list[int], name: str = "ema") -> IndicatorSeries:
    values = np.arange(len(ts), dtype=float) + 1
    macd = name == "macd"
    return IndicatorSeries("SPY", name, Timeframe.M1, (3,), np.array(ts), values,
                           values / 2 if macd else np.empty(0), values / 2 if macd else np.empty(0))


class FakeIndicators:
    """Any provider with the capability: no name checked anywhere."""

    indicator_timeframes = frozenset({Timeframe.M1})

    def __init__(self) -> None:
        self.asked: list[tuple] = []

    async def get_indicator(self, symbol, name, timeframe, windows=(), *, limit=500, start=None, adjusted=True):
        self.asked.append((symbol, name, timeframe, windows, limit, start))
        return _series([T0 - 60, T0 + 60, T0 + 120, T0 + 600], name)  # a pre-market minute, two bars, one later


def test_values_land_on_the_bars_with_their_timestamps() -> None:
    aligned = align(_series([T0 - 60, T0 + 60, T0 + 120, T0 + 600], "macd"), _bars(5).ts)
    assert aligned.matched == 2
    np.testing.assert_array_equal(aligned.value, [np.nan, 2.0, 3.0, np.nan, np.nan])
    np.testing.assert_array_equal(aligned.signal, [np.nan, 1.0, 1.5, np.nan, np.nan])
    assert align(_series([]), _bars(3).ts).matched == 0 and len(align(_series([T0]), np.empty(0)).value) == 0


async def test_a_provider_with_the_capability_is_asked_from_the_first_bar() -> None:
    provider = FakeIndicators()
    aligned = await provider_indicator(provider, _bars(5), "rsi", (14,))
    assert aligned is not None and aligned.matched == 2
    assert provider.asked == [("SPY", "rsi", Timeframe.M1, (14,), 15, datetime.fromtimestamp(T0, UTC))]
    assert await provider_indicator(provider, _bars(5, Timeframe.M5), "rsi") is None  # not on its grid
    assert await provider_indicator(provider, _bars(0), "rsi") is None


async def test_demo_has_no_provider_indicators(calendar) -> None:
    demo = DemoProvider(calendar, clock=SimClock(datetime(2026, 12, 1, 15, 0, tzinfo=UTC), 1.0, lambda: 0.0))
    assert not serves(demo, Timeframe.M1)
    chart = ChartDataService(demo, calendar)
    assert not chart.serves_indicators(Timeframe.D1)
    assert await chart.provider_indicator(_bars(3), "ema") is None
    assert ChartDataService(FakeIndicators()).serves_indicators(Timeframe.M1)  # type: ignore[arg-type]
    await demo.aclose()
