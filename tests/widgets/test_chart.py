"""Chart panel under offscreen Qt: geometry, aggregation, overlays, readout, live bars, alerts."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPointF
from PySide6.QtGui import QShortcut

from analytics.chart_overlays import compute_overlays
from data.bar_cleaning import clean_bars
from data.models import Bar, Bars, Quote, Timeframe
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from widgets.chart.chart_panel import ChartPanel
from widgets.chart.levels import round_to_tick
from widgets.chart.markers import Marker
from widgets.chart.ohlc_items import group_size, merge_ohlc
from widgets.compact_axis import compact_ticks

NOW = datetime(2026, 11, 25, 17, 0, 30, tzinfo=UTC)


def _walk_bars(n: int, symbol: str = "X", volume: bool = True) -> Bars:
    rng = np.random.default_rng(7)
    close = 100 * np.exp(np.cumsum(rng.standard_normal(n) * 0.001))
    open_ = np.r_[close[0], close[:-1]]
    high = np.maximum(open_, close) * (1 + rng.random(n) * 0.001)
    low = np.minimum(open_, close) * (1 - rng.random(n) * 0.001)
    ts = int(datetime(2026, 1, 5, 14, 30, tzinfo=UTC).timestamp()) + 60 * np.arange(n)
    vol = rng.integers(100, 1000, n) if volume else np.zeros(n)
    return Bars(symbol, Timeframe.M1, ts, open_, high, low, close, vol)


@settings(max_examples=60, deadline=None)
@given(start=st.integers(0, 50), n=st.integers(1, 300), g=st.integers(1, 17))
def test_merging_keeps_true_extremes(start: int, n: int, g: int) -> None:
    bars = _walk_bars(400)
    sl = slice(start, start + n)
    x, o, h, l, c = merge_ohlc(start, bars.open[sl], bars.high[sl], bars.low[sl], bars.close[sl], g)
    assert h.max() == bars.high[sl].max() and l.min() == bars.low[sl].min()
    assert o[0] == bars.open[start] and c[-1] == bars.close[sl][-1]
    if g > 1 and len(x) > 2:
        assert np.all(x[1:] % g == 0)  # groups aligned to absolute multiples: stable while panning
    assert group_size(1.5) == 1 and group_size(7.2) == 8


def _chart_showing(qtbot, bars: Bars) -> ChartPanel:
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.show()
    panel.set_bars(bars.symbol, bars, None)
    return panel


def test_items_draw_only_the_visible_range_and_merge_when_zoomed_out(qtbot) -> None:
    bars = _walk_bars(200_000)
    panel = _chart_showing(qtbot, bars)
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
    np.testing.assert_allclose(panel.price_plot.vb.viewRange()[1], [bars.low.min(), bars.high.max()], rtol=0.06)


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
    assert f"EMA8 {overlays.ema8[i]:,.2f}" in text and "ET" in text
    assert panel.readout_at(-5) == " "


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
    bars = _walk_bars(30, symbol="SPY")
    keep = np.r_[0:10, 12:30]  # 09:40 and 09:41 never came live
    shown = Bars("SPY", Timeframe.M1, *(getattr(bars, k)[keep] for k in ("ts", "open", "high", "low", "close",
                                                                         "volume")))
    panel = _chart_showing(qtbot, shown)
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

def test_index_symbols_show_an_empty_volume_pane(qtbot) -> None:
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.set_bars("SPX", _walk_bars(500, "SPX", volume=False), None)
    panel.grab()
    assert "no volume" in panel.status.text() and panel.panes.volume.last_painted_groups == 0


def test_bad_bars_are_dropped_and_counted() -> None:
    bars = _walk_bars(10)
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


def test_context_menu_lists_the_price_actions(qtbot) -> None:
    panel = ChartPanel()
    qtbot.addWidget(panel)
    requested: list[tuple[str, float]] = []
    panel.alert_requested.connect(lambda cond, price: requested.append((cond, price)))
    menu = panel.context_menu(601.2349)
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[:3] == ["Alert when price crosses 601.23", "Alert above 601.23", "Alert below 601.23"]
    assert not any("chain" in t or "coach" in t or "New alert" in t for t in texts)  # no panel takes it: not offered
    menu.actions()[1].trigger()
    assert requested == [("above", 601.23)]
    chains: list[float] = []
    details: list[float] = []
    panel.chain_requested.connect(chains.append)
    panel.alert_details_requested.connect(details.append)
    panel.can_request = lambda what: what == "chain"  # (the app: a chain panel handles ShowChainNear)
    menu = panel.context_menu(601.2349)
    chain_action = next(a for a in menu.actions() if a.text() == "Open options chain near 601.23")
    assert not any("coach" in a.text() or "New alert" in a.text() for a in menu.actions())
    chain_action.trigger()
    assert chains == [601.23]
    panel.can_request = lambda what: what in ("chain", "alert")  # (and an alerts panel handles PrefillAlert)
    menu = panel.context_menu(601.2349)
    next(a for a in menu.actions() if a.text() == "New alert at 601.23…").trigger()
    assert details == [601.23] and any(a.text().startswith("Open options chain") for a in menu.actions())
    assert round_to_tick(100.005) in (100.0, 100.01)


def test_alerts_panel_prefill_edit_filter_and_validation(qtbot) -> None:
    from datetime import UTC, datetime

    from data.store.records import Alert
    from widgets.alerts_panel import AlertsPanel

    panel = AlertsPanel()
    qtbot.addWidget(panel)
    created: list[dict] = []
    updated: list[tuple[int, dict]] = []
    panel.create_requested.connect(created.append)
    panel.update_requested.connect(lambda i, v: updated.append((i, v)))
    panel.prefill("SPY", "crosses", 601.5, source="chart")
    assert (panel.symbol.text(), panel.price.text(), panel.condition.currentText()) == ("SPY", "601.50", "crosses")
    panel.price.setText("abc")
    panel._create()
    assert not panel.error_label.isHidden() and "not a price" in panel.error_label.text() and not created
    panel.price.setText("601.5")
    panel._create()
    assert created == [{"symbol": "SPY", "condition": "crosses", "price": 601.5, "repeat": False, "notes": "",
                        "source": "chart"}]
    now = datetime.now(UTC)
    alerts = [Alert(1, "SPY", "above", 600.0, False, "active", "chart", "", now, None),
              Alert(2, "QQQ", "below", 500.0, True, "triggered", "panel", "dip", now, now)]
    panel.set_alerts(alerts)
    assert panel.model.rowCount() == 1  # the filter starts on "active"
    panel.status_filter.setCurrentText("all")
    assert panel.model.rowCount() == 2
    panel.table.selectRow(0)
    panel._on_row_clicked(panel.model.index(0, 0))
    panel.price.setText("605")
    panel._save()
    assert updated == [(1, {"condition": "above", "price": 605.0, "repeat": False, "notes": ""})]


def test_hiding_indicator_panes_keeps_the_x_range_and_moves_the_time_axis(qtbot) -> None:
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 600)
    panel.show()
    bars = _walk_bars(5000)
    panel.set_bars("X", bars, None)
    panel.macd_action.setChecked(False)
    panel.rsi_action.setChecked(False)
    panes = panel.panes
    assert panes.volume_plot.getAxis("bottom").isVisible() and not panes.macd_plot.getAxis("bottom").isVisible()
    panel.price_plot.vb.setXRange(100, 300, padding=0)
    assert panel.panes.volume_plot.vb.viewRange()[0] == pytest.approx([100, 300], abs=1)  # still linked
    panel.grab()
    assert panel.panes.candles.last_painted_groups <= 205
    panel.macd_action.setChecked(True)
    assert panes.macd_plot.getAxis("bottom").isVisible() and not panes.volume_plot.getAxis("bottom").isVisible()


def test_watchlist_says_no_data_for_symbols_the_provider_cannot_quote(qtbot) -> None:
    from widgets.watchlist_panel import NO_DATA_AFTER_S, WatchlistModel

    now = [0.0]
    model = WatchlistModel(clock=lambda: now[0])
    model.set_symbols(["SPY", "ZZZZ"])
    assert model.data(model.index(1, 1)) == "…"
    model.update_quote(Quote("SPY", 1, 600.0, 599.99, 600.01, 598.0, 1e6))
    now[0] = NO_DATA_AFTER_S + 1
    assert model.data(model.index(1, 1)) == "no data" and model.data(model.index(1, 2)) == ""
    assert model.data(model.index(0, 1)) == "600.00"


def test_crowded_level_labels_step_aside_instead_of_overlapping(qtbot) -> None:
    bars = _walk_bars(300)
    panel = _chart_showing(qtbot, bars)
    mid = round_to_tick(float(bars.close[-1]))
    for i, label in enumerate(["PDC", "R1", "PMH"]):  # within cents: a few pixels apart
        panel.add_level(f"level:{label}", mid + 0.01 * i, label, "#8d99ae")
    panel.add_level("alert:1", mid + 0.01, "Alert", "#ff9800", draggable=True)
    far = float(bars.high.max())
    panel.add_level("level:PDH", far, "PDH", "#8d99ae")
    panel.grab()
    qtbot.waitUntil(lambda: len({round(lv.line.label.orthoPos, 4) for lv in panel.levels.lines.values()}) >= 4,
                    timeout=2000)
    labels = {key: lv.line.label for key, lv in panel.levels.lines.items()}
    rects = {key: label.sceneBoundingRect() for key, label in labels.items()}
    crowded = [k for k in rects if k != "level:PDH"]
    for i, a in enumerate(crowded):
        for b in crowded[i + 1:]:
            assert not rects[a].intersects(rects[b]), (a, b)
    assert labels["level:PDH"].orthoPos == pytest.approx(0.97)  # alone: stays at the right edge
    panel.price_plot.vb.setYRange(mid - 50, mid + 50, padding=0)  # zoomed out: still apart
    qtbot.waitUntil(lambda: not labels["level:PMH"].sceneBoundingRect().intersects(
        labels["level:R1"].sceneBoundingRect()), timeout=2000)


def test_last_price_tag_sits_on_the_price_axis_and_stays_visible(qtbot) -> None:
    bars = _walk_bars(300)
    panel = _chart_showing(qtbot, bars)
    panel.grab()
    axis, vb, tag = panel.price_plot.getAxis("right"), panel.price_plot.vb, panel.panes.price_tag
    rect, axis_rect = tag.scene_rect(), axis.sceneBoundingRect()
    line_y = vb.mapViewToScene(QPointF(0, float(bars.close[-1]))).y()
    assert axis_rect.left() - 1 <= rect.left() and rect.top() <= line_y <= rect.bottom()  # on the axis, at the price
    assert not rect.intersects(vb.sceneBoundingRect().adjusted(0, 0, -1, 0))  # never over the candles
    widths = {plot.getAxis("right").width() for plot in panel.panes.plots}
    assert len(widths) == 1 and next(iter(widths)) >= rect.width() - 1  # panes line up; the tag fits
    vb.setYRange(float(bars.close[-1]) + 5, float(bars.close[-1]) + 10, padding=0)  # price below the view
    qtbot.waitUntil(lambda: abs(tag.scene_rect().bottom() - vb.sceneBoundingRect().bottom()) < 2, timeout=2000)


def test_cursor_price_shows_on_the_axis_while_over_the_candles(qtbot) -> None:
    bars = _walk_bars(300)
    panel = _chart_showing(qtbot, bars)
    panel.grab()
    vb = panel.price_plot.vb
    price = float(bars.close[-20])
    panel.interaction.on_mouse_moved((vb.mapViewToScene(QPointF(280, price)),))
    tag = panel.panes.cursor_tag
    assert tag.visible and tag.price == round_to_tick(price) and tag.text == f"{round_to_tick(price):,.2f}"
    assert abs(tag.scene_rect().center().y() - vb.mapViewToScene(QPointF(0, price)).y()) <= 1
    assert panel.readout.text().startswith(panel.panes.time_axis.label_for(280))
    panel.interaction.on_mouse_moved((panel.panes.volume_plot.vb.sceneBoundingRect().center(),))  # left the price
    assert not tag.visible


def test_a_reload_keeps_the_view_on_the_same_time_not_the_same_index(qtbot) -> None:
    bars = _walk_bars(600)
    panel = _chart_showing(qtbot, bars)
    vb = panel.price_plot.vb
    vb.setXRange(300, 450, padding=0)  # panned back into history
    right_ts = int(bars.ts[450])
    sparse = Bars("X", Timeframe.M1, bars.ts[::2], bars.open[::2], bars.high[::2], bars.low[::2], bars.close[::2],
                  bars.volume[::2])  # the same span with other bars (as when extended hours are switched)
    panel.set_bars("X", sparse, None)
    (x0, x1), (y0, y1) = vb.viewRange()
    assert int(sparse.ts[round(x1)]) == right_ts and x1 - x0 == pytest.approx(150)
    shown = slice(max(0, math.floor(x0)), math.ceil(x1) + 1)
    assert y0 <= sparse.low[shown].min() and y1 >= sparse.high[shown].max()  # y fits the bars now shown
    panel.reset_view()  # following the last bar ...
    panel.set_bars("X", bars, None)  # ... keeps following it
    assert vb.viewRange()[0][1] >= len(bars) - 1


def test_keyboard_pans_zooms_and_jumps(qtbot) -> None:
    bars = _walk_bars(2000)
    panel = _chart_showing(qtbot, bars)
    vb = panel.price_plot.vb
    keys = {sc.key().toString(): sc for sc in panel.findChildren(QShortcut)}

    def press(name: str) -> tuple[float, float]:
        keys[name].activated.emit()
        return tuple(vb.viewRange()[0])

    x0, x1 = vb.viewRange()[0]
    width = x1 - x0
    assert press("Left") == pytest.approx((x0 - round(width * 0.1), x1 - round(width * 0.1)))
    assert press("Right") == pytest.approx((x0, x1))
    assert press("Right") == pytest.approx((x0, x1))  # already at the latest bars: no further
    zoomed = press("+")
    assert zoomed[1] == pytest.approx(x1) and zoomed[1] - zoomed[0] == pytest.approx(width / 1.25)
    out = press("-")
    assert out[1] - out[0] == pytest.approx(width)
    home = press("Home")
    assert home[0] == pytest.approx(-1) and home[1] - home[0] == pytest.approx(width)
    assert press("Left") == pytest.approx(home)  # the oldest bar is the other end
    assert press("End")[1] >= len(bars) - 1
    for _ in range(40):
        press("Down")
    shown = vb.viewRange()[0]
    assert shown[1] - shown[0] <= len(bars) + 3  # zooming out stops at the whole history
    for _ in range(40):
        press("Up")
    shown = vb.viewRange()[0]
    assert shown[1] - shown[0] == pytest.approx(10)  # and zooming in at ten bars


def test_large_axis_numbers_read_as_traders_write_them(qtbot) -> None:
    assert compact_ticks([0, 5e5, 1e6, 1.5e6], 5e5) == ["0", "0.5M", "1.0M", "1.5M"]
    assert compact_ticks([-2e9, 0, 2e9], 2e9, "$") == ["−$2B", "$0", "$2B"]
    assert compact_ticks([1.2e6, 1.25e6], 5e4) == ["1.20M", "1.25M"]  # neighbours stay apart
    assert compact_ticks([250.0, 500.0], 250) == ["250", "500"] and compact_ticks([], 1) == []
    panel = _chart_showing(qtbot, _walk_bars(300))
    axis = panel.panes.volume_plot.getAxis("right")
    assert axis.tickStrings([1e6, 2e6], 1.0, 1e6) == ["1M", "2M"]  # not 1e+06


def test_a_reload_without_the_shown_moment_shows_the_oldest_bars(qtbot) -> None:
    bars = _walk_bars(600)
    panel = _chart_showing(qtbot, bars)
    vb = panel.price_plot.vb
    vb.setXRange(50, 200, padding=0)
    later = bars.slice(400, 600)  # history that starts after the moment on screen
    panel.set_bars("X", later, None)
    assert vb.viewRange()[0] == pytest.approx((-1, 149))


def test_markers_share_one_scatter_item_and_follow_their_bars_across_a_reload(qtbot) -> None:
    bars = _walk_bars(600)
    panel = _chart_showing(qtbot, bars)
    items_before = len(panel.price_plot.vb.addedItems)
    for i in range(300):  # setups arrive by the hundred
        panel.add_marker(300 + i, float(bars.high[300 + i]) + 0.1, f"setup {i}", "#5b9cf6")
    assert len(panel.price_plot.vb.addedItems) == items_before  # no item per marker
    assert len(panel.markers.scatter.getData()[0]) == 300
    panel.grab()
    assert 0 < panel.markers.labels.last_painted <= 40  # texts for the newest on screen only
    sparse = bars.take(np.arange(0, 600, 2))  # the same span with other bars: other indices
    panel.set_bars("X", sparse, None)
    first = panel.markers.markers[0]
    assert first.index == 150 and sparse.ts[first.index] == bars.ts[300]  # back on its bar's time
    panel.set_bars("Y", bars, None)  # another symbol: its markers are not this one's
    assert panel.markers.markers == [] and len(panel.markers.scatter.getData()[0]) == 0


def test_markers_arriving_together_are_drawn_with_one_update(qtbot, monkeypatch) -> None:
    bars = _walk_bars(600)
    panel = _chart_showing(qtbot, bars)
    panel.add_marker(10, float(bars.high[10]), "one", "#5b9cf6")
    calls: list[int] = []
    set_data = panel.markers.scatter.setData
    monkeypatch.setattr(panel.markers.scatter, "setData", lambda *a, **kw: (calls.append(1), set_data(*a, **kw)))
    batch = [Marker(int(bars.ts[i]), i, float(bars.high[i]) + 0.1, f"setup {i}", "#5b9cf6") for i in range(300, 600)]
    assert panel.add_markers(batch) == batch and len(calls) == 1  # one setData for the 300
    assert panel.add_markers([]) == [] and len(calls) == 1
    x, y = panel.markers.scatter.getData()
    assert list(x) == [10, *range(300, 600)] and y[-1] == float(bars.high[599]) + 0.1
    assert [m.text for m in panel.markers.markers][:2] == ["one", "setup 300"]
    panel.set_bars("X", bars.take(np.arange(0, 600, 2)), None)  # a reload relocates them as one-by-one adds
    assert panel.markers.markers[1].index == 150
