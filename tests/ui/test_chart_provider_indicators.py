"""The chart's "Provider EMA/RSI" toggle: shown only while the provider computes indicators on the
chart's timeframe; when on, the provider's EMA and RSI are drawn as one line each, per bar."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import numpy as np

from app.core.chart_data import ChartDataService
from app.core.provider_indicators import align
from app.ui.controllers.chart_provider_indicators import ChartProviderIndicators
from data.models import Bars, IndicatorSeries, Timeframe
from widgets.chart.chart_panel import ChartPanel

T0 = 1_767_623_400


def _bars(n: int, timeframe: Timeframe) -> Bars:
    close = 100.0 + np.arange(n)
    return Bars("SPY", timeframe, T0 + 60 * np.arange(n), close, close + 1, close - 1, close, np.ones(n))


class FakeChartData:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def serves_indicators(self, timeframe: Timeframe) -> bool:
        return timeframe is Timeframe.M1

    async def provider_indicator(self, bars: Bars, name: str, windows: tuple[int, ...] = ()):
        self.asked.append(name)
        value = np.full(2, 50.0 if name == "rsi" else 101.5)
        return align(IndicatorSeries("SPY", name, bars.timeframe, windows, bars.ts[1:3], value, np.empty(0),
                                     np.empty(0)), bars.ts)


def test_the_toggle_follows_the_capability_and_draws_the_provider_lines(qtbot) -> None:
    panel = ChartPanel()
    qtbot.addWidget(panel)
    chart, pending = FakeChartData(), []
    engine = SimpleNamespace(started=True, service=lambda kind: chart if kind is ChartDataService else None)
    host = SimpleNamespace(engine=engine, run=lambda coro, on_error=None: pending.append(coro))
    extra = ChartProviderIndicators(host, panel)

    def settle() -> None:
        loop = asyncio.new_event_loop()
        try:
            while pending:
                loop.run_until_complete(pending.pop(0))
        finally:
            loop.close()

    panel.set_bars("SPY", _bars(4, Timeframe.M5), None)
    assert not extra.action.isVisible() and not pending  # not on 5-minute bars
    panel.set_bars("SPY", _bars(4, Timeframe.M1), None)
    assert extra.action.isVisible() and not pending and len(panel.live) == 4  # off until asked
    extra.action.setChecked(True)
    settle()
    assert chart.asked == ["ema", "rsi"]
    x, y = extra.ema_line.getData()
    assert list(x) == [0.0, 1.0, 2.0, 3.0] and np.array_equal(y, [np.nan, 101.5, 101.5, np.nan], equal_nan=True)
    assert np.nanmax(extra.rsi_line.getData()[1]) == 50.0
    panel.set_bars("SPY", _bars(5, Timeframe.D1), None)  # a timeframe it has none on: hidden and cleared
    shown = extra.ema_line.getData()[0]
    assert not extra.action.isVisible() and (shown is None or len(shown) == 0)
    assert not pending
