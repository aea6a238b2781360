"""The readout (the chart's legend) on live bars: a bar appended after the overlays were
computed keeps the indicator values, and with the mouse off the chart the readout follows the
forming bar as it changes (it showed O=H=L=C of the bar's first minute after a replay seek)."""

from __future__ import annotations

from analytics.chart_overlays import compute_overlays
from data.models import Bar, Timeframe
from tests.widgets.chart_helpers import walk_bars
from widgets.chart.chart_panel import ChartPanel


def _panel(qtbot) -> tuple[ChartPanel, object]:
    bars = walk_bars(300)
    panel = ChartPanel()
    qtbot.addWidget(panel)
    overlays = compute_overlays(bars, 15)
    panel.set_bars("X", bars, overlays)
    return panel, overlays


def _minute(ts: int, price: float, closed: bool = False) -> Bar:
    return Bar("X", Timeframe.M1, ts, price, price + 0.05, price - 0.05, price, 10.0, closed)


def test_a_bar_appended_after_the_overlays_keeps_the_indicator_values(qtbot) -> None:
    panel, overlays = _panel(qtbot)
    n = panel.bar_count
    panel.apply_bar(_minute(int(panel.live.ts[-1]) + 60, 101.0))
    panel.flush_live()
    assert panel.bar_count == n + 1
    text = panel.interaction.shown_readout
    for label in ("EMA 8", "EMA 21", "VWAP", "RSI", "MACD", "OR"):
        assert label + " " in text, (label, text)
    assert f"EMA 8 {overlays.ema8[-1]:,.2f}" in text  # the newest computed value until the bar's close
    assert len(panel.panes.ema8_line.yData) == n  # the lines keep drawing what they cover


def test_the_readout_follows_the_forming_bar(qtbot) -> None:
    panel, _overlays = _panel(qtbot)
    ts = int(panel.live.ts[-1]) + 60
    panel.apply_bar(_minute(ts, 101.0))
    panel.flush_live()
    assert "C 101.00" in panel.interaction.shown_readout
    panel.apply_bar(Bar("X", Timeframe.M1, ts, 101.0, 101.5, 100.2, 100.4, 30.0, False))
    panel.flush_live()
    qtbot.waitUntil(lambda: "C 100.40" in panel.interaction.shown_readout, timeout=1000)  # (coalesced, ~5 Hz)
    text = panel.interaction.shown_readout
    assert "H 101.50" in text and "L 100.20" in text and "C 100.40" in text


def test_overlays_of_fewer_bars_draw_the_bars_they_cover(qtbot) -> None:
    panel, overlays = _panel(qtbot)
    panel.apply_bar(_minute(int(panel.live.ts[-1]) + 60, 101.0))
    panel.flush_live()
    panel.set_overlays(overlays)  # computed before the new bar: still drawn, not cleared
    assert len(panel.panes.ema8_line.yData) == len(overlays.ema8) == panel.bar_count - 1
