"""What the chart tests share: a deterministic random walk of minute bars and a shown chart."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from data.models import Bars, Timeframe
from widgets.chart.chart_panel import ChartPanel


def walk_bars(n: int, symbol: str = "X", volume: bool = True) -> Bars:
    rng = np.random.default_rng(7)
    close = 100 * np.exp(np.cumsum(rng.standard_normal(n) * 0.001))
    open_ = np.r_[close[0], close[:-1]]
    high = np.maximum(open_, close) * (1 + rng.random(n) * 0.001)
    low = np.minimum(open_, close) * (1 - rng.random(n) * 0.001)
    ts = int(datetime(2026, 1, 5, 14, 30, tzinfo=UTC).timestamp()) + 60 * np.arange(n)
    vol = rng.integers(100, 1000, n) if volume else np.zeros(n)
    return Bars(symbol, Timeframe.M1, ts, open_, high, low, close, vol)


def chart_showing(qtbot, bars: Bars) -> ChartPanel:
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.show()
    panel.set_bars(bars.symbol, bars, None)
    return panel
