"""4h and daily charts without per-session clutter: no session-break line at every bar, no
session VWAP or opening range (a 4h "OR" was the first 4h bar itself); on intraday charts the
VWAP is one line per session, never joined across the day break by a vertical."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from analytics.chart_overlays import compute_overlays
from data.bar_aggregation import aggregate
from data.market_calendar import default_calendar
from data.models import Bars, Timeframe
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from widgets.chart.chart_panel import ChartPanel

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # Wed after the close


def _bars(timeframe: Timeframe) -> Bars:
    provider = DemoProvider(default_calendar(), clock=SimClock(NOW, 1.0, lambda: 0.0))
    return provider.bars_at("SPY", timeframe, NOW - timedelta(days=20), None, False, NOW)


def _panel(qtbot, bars: Bars) -> ChartPanel:
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.show()
    panel.set_bars("SPY", bars, compute_overlays(bars, 15))
    return panel


def test_4h_and_daily_have_no_session_vwap_opening_range_or_breaks(qtbot) -> None:
    for tf in (Timeframe.H4, Timeframe.D1):
        bars = _bars(tf)
        overlays = compute_overlays(bars, 15)
        assert not np.isfinite(overlays.vwap).any() and not np.isfinite(overlays.or_high).any(), tf
        panel = _panel(qtbot, bars)
        assert not panel.panes.breaks.isVisible(), tf
        assert len(panel.panes.vwap_line.yData or []) == 0
        text = panel.interaction.shown_readout
        assert "VWAP" not in text and "OR " not in text and "EMA 8" in text, (tf, text)


def test_intraday_charts_keep_breaks_vwap_and_opening_range(qtbot) -> None:
    for tf in (Timeframe.M5, Timeframe.H1):
        panel = _panel(qtbot, _bars(tf))
        assert panel.panes.breaks.isVisible() and len(panel.panes.breaks.break_index) > 5, tf
        assert "VWAP" in panel.interaction.shown_readout


def test_the_vwap_is_not_joined_across_the_day_break(qtbot) -> None:
    bars = _bars(Timeframe.M5)
    panel = _panel(qtbot, bars)
    panel.panes.price_plot.vb.setXRange(0, len(bars), padding=0)  # every session in view
    starts = panel.panes.breaks.break_index.astype(int)
    connect = panel.panes.vwap_line.opts["connect"]
    assert isinstance(connect, np.ndarray) and not connect[starts - 1].any() and connect[starts].all()
    path = panel.panes.vwap_line.curve.getPath()
    moves = sum(path.elementAt(k).isMoveTo() for k in range(path.elementCount()))
    assert moves == len(starts) + 1  # one stroke per session, each starting at its first bar
    assert all(path.elementAt(int(k)).isMoveTo() for k in starts) and path.elementAt(int(starts[0]) - 1).isLineTo()
    assert panel.panes.ema8_line.opts["connect"] == "finite"  # EMAs run on across days
    orh = panel.panes.or_high_line
    gaps = np.flatnonzero(~np.isfinite(orh.yData))  # before each session's range is complete
    assert len(gaps) and not orh.opts["connect"][gaps].any() and not orh.opts["connect"][gaps - 1].any()


def test_aggregated_4h_bars_of_one_minute_data_have_no_session_lines() -> None:
    minutes = _bars(Timeframe.M1)
    overlays = compute_overlays(aggregate(minutes, Timeframe.H4), 15)
    assert not np.isfinite(overlays.or_low).any()
