"""Chart panel under offscreen Qt: drawing, aggregation, overlays, readout, live bars, panes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.chart_overlays import compute_overlays
from data.bar_cleaning import clean_bars
from data.models import Bar, Bars, Timeframe
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from tests.widgets.chart_helpers import chart_showing, walk_bars
from widgets.chart.chart_panel import ChartPanel
from widgets.chart.ohlc_items import group_size, merge_ohlc
from widgets.compact_axis import compact_ticks

NOW = datetime(2026, 11, 25, 17, 0, 30, tzinfo=UTC)


@settings(max_examples=60, deadline=None)
@given(start=st.integers(0, 50), n=st.integers(1, 300), g=st.integers(1, 17))
def test_merging_keeps_true_extremes(start: int, n: int, g: int) -> None:
    bars = walk_bars(400)
    sl = slice(start, start + n)
    x, o, h, l, c = merge_ohlc(start, bars.open[sl], bars.high[sl], bars.low[sl], bars.close[sl], g)
    assert h.max() == bars.high[sl].max() and l.min() == bars.low[sl].min()
    assert o[0] == bars.open[start] and c[-1] == bars.close[sl][-1]
    if g > 1 and len(x) > 2:
        assert np.all(x[1:] % g == 0)  # groups aligned to absolute multiples: stable while panning
    assert group_size(1.5) == 1 and group_size(7.2) == 8


def test_items_draw_only_the_visible_range_and_merge_when_zoomed_out(qtbot) -> None:
    bars = walk_bars(200_000)
    panel = chart_showing(qtbot, bars)
    rect = panel.panes.candles.boundingRect()
    assert rect.left() <= 0 and rect.right() >= len(bars) - 1
    assert rect.top() == pytest.approx(bars.low.min()) and rect.bottom() == pytest.approx(bars.high.max())
    panel.grab()
    assert panel.panes.candles.last_group_size == 1 and panel.panes.candles.last_painted_groups <= 160
    panel.price_plot.vb.setXRange(0, len(bars), padding=0)
    panel.grab()
    assert panel.panes.candles.last_group_size > 100
    merged = next(iter(panel.panes.candles._merged.values()))
    assert merged[2].max() == bars.high.max() and merged[3].min() == bars.low.min()  # true extremes kept
    assert panel.panes.candles.last_painted_groups <= panel.price_plot.vb.width() + 2
    qtbot.waitUntil(lambda: panel.price_plot.vb.viewRange()[1][0] < bars.low.min() + 1, timeout=2000)  # y re-fit
    low, high = panel.price_plot.vb.viewRange()[1]
    span = bars.high.max() - bars.low.min()  # under the lows: room for the volume bars at the pane's bottom
    assert high == pytest.approx(bars.high.max() + 0.05 * span) and low == pytest.approx(bars.low.min() - 0.21 * span)


def test_overlays_are_the_analytics_output_and_the_readout_shows_them(qtbot) -> None:
    provider = DemoProvider(_calendar(), clock=SimClock(NOW, 1.0, lambda: 0.0))
    bars, _ = clean_bars(provider.bars_at("SPY", Timeframe.M5, None, None, False, NOW))
    overlays = compute_overlays(bars, 15)
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.set_bars("SPY", bars, overlays)
    panes = panel.panes
    pairs = ((panes.ema8_line, overlays.ema8), (panes.ema21_line, overlays.ema21), (panes.vwap_line, overlays.vwap),
             (panes.rsi_line, overlays.rsi), (panes.macd_line, overlays.macd))
    for item, ref in pairs:
        np.testing.assert_array_equal(item.yData, ref)
    i = len(bars) - 5
    text = panel.readout_at(i)
    assert f"O {bars.open[i]:,.2f}" in text and f"C {bars.close[i]:,.2f}" in text
    assert f"EMA 8 {overlays.ema8[i]:,.2f}" in text and f"EMA 21 {overlays.ema21[i]:,.2f}" in text and "ET" in text
    assert panel.readout_at(-5) == " "
    for theme in ("dark", "light"):  # the readout is the legend: each value in its line's colour
        panel.set_theme(theme)
        colors = dict(panel.interaction.readout_parts(i))
        lines = {"EMA 8": panes.ema8_line, "EMA 21": panes.ema21_line, "VWAP": panes.vwap_line,
                 "OR": panes.or_high_line, "RSI": panes.rsi_line, "MACD": panes.macd_line}
        for label, line in lines.items():
            color = next(c for t, c in colors.items() if t.startswith(label + " "))
            assert color == line.opts["pen"].color().name(), (theme, label)


def _calendar():
    from data.market_calendar import default_calendar

    return default_calendar()


def test_live_minutes_update_the_forming_bar_and_append_new_ones(qtbot) -> None:
    provider = DemoProvider(_calendar(), clock=SimClock(NOW, 1.0, lambda: 0.0))
    five = provider.bars_at("SPY", Timeframe.M5, None, None, False, NOW)
    minutes = provider.bars_at("SPY", Timeframe.M1, NOW - timedelta(minutes=10), None, False, NOW)
    forming = [Bar("SPY", Timeframe.M1, int(minutes.ts[i]), minutes.open[i], minutes.high[i], minutes.low[i],
                   minutes.close[i], minutes.volume[i], True)
               for i in range(len(minutes)) if minutes.ts[i] >= five.ts[-1]]
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.set_bars("SPY", five, None, forming_minutes=forming)
    n = panel.bar_count
    assert panel.panes.last_price_line.value() == five.close[-1] and panel.panes.last_price_line.isVisible()
    later = NOW + timedelta(minutes=7)
    upd = provider.bars_at("SPY", Timeframe.M1, NOW - timedelta(minutes=2), None, False, later)
    for i in range(len(upd)):
        panel.apply_bar(Bar("SPY", Timeframe.M1, int(upd.ts[i]), upd.open[i], upd.high[i], upd.low[i], upd.close[i],
                            upd.volume[i], i < len(upd) - 1))
    panel.apply_bar(Bar("QQQ", Timeframe.M1, int(upd.ts[-1]), 1, 1, 1, 1, 1, False))  # another symbol: ignored
    panel.flush_live()
    truth = provider.bars_at("SPY", Timeframe.M5, None, None, False, later)
    assert panel.bar_count == n + 1
    _ts, o, h, l, c, _v = panel.arrays()
    for k in (-2, -1):  # the finished bar and the new forming one equal freshly loaded history
        np.testing.assert_allclose([o[k], h[k], l[k], c[k]],
                                   [truth.open[k], truth.high[k], truth.low[k], truth.close[k]])
    # the last-price tag follows the stream, coloured by the forming bar's direction
    line, tag = panel.panes.last_price_line, panel.panes.price_tag
    assert line.value() == c[-1] and tag.price == c[-1] and tag.text == f"{c[-1]:,.2f}"
    assert tag.color == line.pen.color().name() == ("#26a69a" if c[-1] >= o[-1] else "#ef5350")
    panel.apply_bar(Bar("SPY", Timeframe.M1, int(upd.ts[-1]), upd.open[-1], upd.high[-1], o[-1] - 1, o[-1] - 1,
                        upd.volume[-1], False))
    panel.flush_live()
    assert line.value() == tag.price == o[-1] - 1 and tag.color == line.pen.color().name() == "#ef5350"


def test_a_minute_filled_late_is_drawn_in_its_place(qtbot) -> None:
    """The stream's gap repair sends a missed minute after newer ones: the 1-minute chart inserts it
    where it belongs (not ignored, not appended at the end) and redraws."""
    bars = walk_bars(30, symbol="SPY")
    keep = np.r_[0:10, 12:30]  # 09:40 and 09:41 never came live
    shown = Bars("SPY", Timeframe.M1, *(getattr(bars, k)[keep] for k in ("ts", "open", "high", "low", "close",
                                                                         "volume")))
    panel = chart_showing(qtbot, shown)
    for i in (0, 1, 2):  # live minutes: the panel keeps their detail (as the stream sends them)
        panel.apply_bar(Bar("SPY", Timeframe.M1, int(bars.ts[27 + i]), bars.open[27 + i], bars.high[27 + i],
                            bars.low[27 + i], bars.close[27 + i], bars.volume[27 + i], True))
    for i in (10, 11):  # the repair's minutes
        panel.apply_bar(Bar("SPY", Timeframe.M1, int(bars.ts[i]), bars.open[i], bars.high[i], bars.low[i],
                            bars.close[i], bars.volume[i], True))
    panel.flush_live()
    ts, _o, _h, _l, c, _v = panel.arrays()
    np.testing.assert_array_equal(ts, bars.ts)
    np.testing.assert_allclose(c, bars.close)
    assert panel.bar_count == 30 and "09:40" in panel.readout_at(10)  # drawn at its own time


def test_index_symbols_show_no_volume(qtbot) -> None:
    panel = chart_showing(qtbot, walk_bars(500, "SPY"))
    assert panel.has_volume and panel.panes.volume.isVisible()
    low = panel.price_plot.vb.viewRange()[1][0]
    panel.set_bars("SPX", walk_bars(500, "SPX"), None)  # an index: even volume a provider sent is not its own
    assert not panel.has_volume and not panel.panes.volume.isVisible()
    assert panel.price_plot.vb.viewRange()[1][0] > low  # the price uses the pane's bottom too
    assert "no volume" in panel.status.text() and "V " not in panel.readout_at(10)


def test_bad_bars_are_dropped_and_counted() -> None:
    bars = walk_bars(10)
    ts = bars.ts.copy()
    ts[3] = ts[2]  # duplicate timestamp
    high = bars.high.copy()
    high[5] = np.nan
    low = bars.low.copy()
    low[7] = bars.high[7] + 1  # low above high
    dirty = Bars("X", Timeframe.M1, ts[::-1], bars.open[::-1], high[::-1], low[::-1], bars.close[::-1],
                 bars.volume[::-1])
    clean, report = clean_bars(dirty)
    assert report.unsorted and report.duplicates == 1 and report.invalid == 2 and len(clean) == 7
    assert np.all(np.diff(clean.ts) > 0)


def test_hiding_indicator_panes_keeps_the_x_range_and_gives_the_price_their_height(qtbot) -> None:
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 600)
    panel.show()
    bars = walk_bars(5000)
    panel.set_bars("X", bars, None)
    panes = panel.panes
    before = panel.price_plot.height()
    panel.macd_action.setChecked(False)
    panel.rsi_action.setChecked(False)
    qtbot.waitUntil(lambda: panel.price_plot.height() > before + 100, timeout=2000)
    assert not panes.rsi_plot.isVisible() and not panes.macd_plot.isVisible() and panes.time_axis.isVisible()
    panel.price_plot.vb.setXRange(100, 300, padding=0)
    assert panes.macd_plot.vb.viewRange()[0] == pytest.approx([100, 300], abs=1)  # still linked
    panel.grab()
    assert panel.panes.candles.last_painted_groups <= 205
    panel.macd_action.setChecked(True)
    qtbot.waitUntil(lambda: panes.macd_plot.height() > 50, timeout=2000)


def test_large_axis_numbers_read_as_traders_write_them(qtbot) -> None:
    assert compact_ticks([0, 5e5, 1e6, 1.5e6], 5e5) == ["0", "0.5M", "1.0M", "1.5M"]
    assert compact_ticks([-2e9, 0, 2e9], 2e9, "$") == ["−$2B", "$0", "$2B"]
    assert compact_ticks([1.2e6, 1.25e6], 5e4) == ["1.20M", "1.25M"]  # neighbours stay apart
    assert compact_ticks([250.0, 500.0], 250) == ["250", "500"] and compact_ticks([], 1) == []
    panel = chart_showing(qtbot, walk_bars(300))
    axis = panel.price_plot.getAxis("right")
    assert axis.tickStrings([20_460.0, 20_465.0], 1.0, 5.0) == ["20,460", "20,465"]  # not 2.046e+04
    assert axis.tickStrings([571.5, 571.75], 1.0, 0.25) == ["571.50", "571.75"]
    assert axis.tickStrings([0.0, 0.5], 1.0, 0.5) == ["0", "0.5"]
    assert panel.panes.macd_plot.getAxis("right").tickStrings([-0.002, 0.0], 1.0, 0.001) == ["−0.002", "0"]
