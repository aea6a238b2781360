"""The chart across a symbol change (nothing of the previous symbol stays; markers stay on their
bar's time), its panes' heights (price dominant, resizable, remembered) and its header."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from data.models import Bar, Bars
from tests.widgets.chart_helpers import chart_showing, walk_bars
from widgets.chart.chart_panel import ChartPanel
from widgets.chart.header import HeaderState, header_parts
from widgets.chart.pane_layout import DEFAULT_SHARES, pane_heights, parse_shares

REPO = Path(__file__).resolve().parents[2]


def _scaled(bars: Bars, symbol: str, factor: float) -> Bars:
    return Bars(symbol, bars.timeframe, bars.ts, bars.open * factor, bars.high * factor, bars.low * factor,
                bars.close * factor, bars.volume)


def test_a_symbol_change_leaves_nothing_of_the_previous_symbol(qtbot) -> None:
    nvda = _scaled(walk_bars(300), "NVDA", 1.8)
    panel = chart_showing(qtbot, nvda)
    panel.grab()
    price = float(nvda.close[-10])
    panel.add_marker(290, price, "Alert above 180.00")
    panel.add_level("alert:7", price + 1, "Alert ↑", "#ff9800", draggable=True)
    panel.add_level("level:PDC", price - 1, "PDC", "#8d99ae")
    panel.add_level("gex:flip", price, "Flip", "#c77dff")
    panel.set_extended_price(price + 0.5, "post")
    panel.header.update_state(last=price, change=1.0, change_pct=0.5)
    vb = panel.price_plot.vb
    panel.interaction.on_mouse_moved((vb.mapViewToScene(QPointF(280, price)),))
    assert panel.panes.cursor_tag.visible and panel.header.state.symbol == "NVDA"
    spx = _scaled(walk_bars(200), "SPX", 60.0)
    panel.set_bars("SPX", spx, None)
    assert panel.markers.markers == [] and panel.level_keys() == [] and panel.levels.tags.layout() == []
    assert not panel.panes.session_tag.visible and not panel.panes.cursor_tag.visible
    assert not panel.panes.v_cross.isVisible() and not panel.panes.h_cross.isVisible()
    assert f"C {spx.close[-1]:,.2f}" in panel.interaction.shown_readout  # the new symbol's last bar
    assert f"{nvda.close[-1]:,.2f}" not in panel.interaction.shown_readout
    state = panel.header.state
    assert state.symbol == "SPX" and math.isnan(state.last) and math.isnan(state.change)
    assert state.day_low == pytest.approx(spx.low.min()) and state.day_high == pytest.approx(spx.high.max())
    assert state.day == "Jan 5"  # the session the range is of, in the chart's one date style
    low, high = vb.viewRange()[1]
    assert spx.low.min() * 0.98 < low and high < spx.high.max() * 1.02  # y is SPX's, nothing of NVDA's
    assert panel.panes.price_tag.price == pytest.approx(spx.close[-1])


def test_markers_stay_on_their_bar_by_time_across_reloads_new_bars_and_late_minutes(qtbot) -> None:
    bars = walk_bars(300)
    panel = chart_showing(qtbot, bars)
    at = int(bars.ts[200]) + 30
    panel.add_marker(panel.index_of_time(at), float(bars.high[200]), "setup", ts=at)
    later = bars.take(np.arange(50, 300))  # a reload with less history: other indices, same time
    panel.set_bars("X", later, None)
    assert panel.markers.markers[0].index == 150 and later.ts[150] == bars.ts[200]
    gapped = later.take(np.r_[0:100, 101:250])  # a minute before the marker is missing...
    panel.set_bars("X", gapped, None)
    assert panel.markers.markers[0].index == 149
    missing = 100
    panel.apply_bar(Bar("X", later.timeframe, int(later.ts[missing]), later.open[missing], later.high[missing],
                        later.low[missing], later.close[missing], later.volume[missing], True))
    panel.flush_live()  # ... and arrives late: inserted before it, the marker moves with its bar
    assert panel.bar_count == 250 and panel.markers.markers[0].index == 150
    x = panel.markers.scatter.getData()[0]
    assert list(x) == [150.0]  # drawn there too
    last = int(later.ts[-1])
    early = panel.add_marker(panel.index_of_time(last + 90), 100.0, "fired before its bar came", ts=last + 90)
    assert early.index == 249  # for now on the last bar
    panel.apply_bar(Bar("X", later.timeframe, last + 60, 100.0, 100.1, 99.9, 100.0, 10.0, False))
    panel.flush_live()  # a new bar at the end: the older marker stays, the early one moves onto its bar
    assert panel.bar_count == 251 and [m.index for m in panel.markers.markers] == [150, 250]


def test_status_and_header_follow_the_bars_as_they_arrive(qtbot) -> None:
    bars = walk_bars(100)
    panel = chart_showing(qtbot, bars)
    assert panel.status.text().startswith("X 1m: 100 bars")
    last = int(bars.ts[-1])
    high = float(bars.high.max()) + 5
    panel.apply_bar(Bar("X", bars.timeframe, last + 60, 100.0, high, 99.0, 100.0, 10.0, False))
    panel.flush_live()
    assert panel.status.text().startswith("X 1m: 101 bars") and panel.panes.time_axis.label_for(100) in \
        panel.status.text()
    assert panel.header.state.day_high == high
    assert f"H {high:,.2f}" in panel.interaction.shown_readout  # off the chart, the readout is the last bar


def test_header_reads_quote_change_source_and_simulated() -> None:
    state = HeaderState("SPY", 572.08, -0.2, -0.035, 570.1, 573.4, "Nov 30", "demo", True)
    parts = header_parts(state)
    text = "  ".join(t for t, _c in parts)
    assert text == "SPY  572.08  −0.20 (−0.04%)  Nov 30 range 570.10 – 573.40  demo  SIMULATED"
    assert dict(parts)["−0.20 (−0.04%)"] == "#ef5350"
    no_quote = "  ".join(t for t, _c in header_parts(HeaderState("SPX", source="massive")))
    assert no_quote == "SPX  —  massive"


@pytest.mark.parametrize(("width", "height"), [(890, 700), (890, 430), (520, 330)])
def test_the_price_pane_has_most_of_the_height(qtbot, width: int, height: int) -> None:
    """1280×800 (the chart dock ~890×700), ~60 % of that height, and the options workspace's chart."""
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.resize(width, height)
    panel.show()
    panel.set_bars("X", walk_bars(300), None)
    area = panel.layout_widget.height()
    qtbot.waitUntil(lambda: panel.price_plot.height() >= 0.55 * area, timeout=2000)
    for plot in (panel.panes.rsi_plot, panel.panes.macd_plot):
        assert plot.height() >= 30  # still readable


def test_panes_resize_by_dragging_and_their_shares_are_remembered(qtbot) -> None:
    panel = chart_showing(qtbot, walk_bars(300))
    qtbot.waitUntil(lambda: panel.price_plot.height() > 0.55 * panel.layout_widget.height(), timeout=2000)
    rsi, price = panel.panes.rsi_plot.height(), panel.price_plot.height()
    saved: list[str] = []
    panel.pane_sizes_changed.connect(saved.append)
    x_range = panel.price_plot.vb.viewRange()[0]
    _drag(qtbot, panel, panel.panes.layout.handles["rsi"].sceneBoundingRect().center(), -60)  # the handle, up
    qtbot.waitUntil(lambda: panel.panes.rsi_plot.height() >= rsi + 50, timeout=2000)
    assert panel.price_plot.height() <= price - 50
    assert panel.price_plot.vb.viewRange()[0] == x_range  # the drag moved the pane's edge, not the view
    assert saved and parse_shares(saved[-1])["rsi"] > DEFAULT_SHARES["rsi"]
    panel.panes.layout._dragged("rsi", 1000, True)  # dragged far up: the price pane keeps its minimum
    area = panel.layout_widget.height()
    qtbot.wait(50)
    assert panel.price_plot.height() >= 0.55 * area - 1
    other = chart_showing(qtbot, walk_bars(300))  # a new chart, the saved shares restored
    other.panes.layout.set_shares(saved[-1])
    qtbot.waitUntil(lambda: abs(other.panes.rsi_plot.height() - panel.panes.rsi_plot.height()) <= 1, timeout=2000)


def _drag(qtbot, panel: ChartPanel, scene_point: QPointF, dy: int) -> None:
    """A left-button drag on the chart by ``dy`` px, in steps slower than pyqtgraph's move-event
    rate limit (faster moves are dropped)."""
    viewport = panel.layout_widget.viewport()
    start = panel.layout_widget.mapFromScene(scene_point)

    def send(kind: QEvent.Type, pos: QPoint, button: Qt.MouseButton, buttons: Qt.MouseButton) -> None:
        event = QMouseEvent(kind, QPointF(pos), QPointF(viewport.mapToGlobal(pos)), button, buttons,
                            Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(viewport, event)

    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    send(QEvent.Type.MouseButtonPress, start, left, left)
    steps = 12
    for k in range(1, steps + 1):
        qtbot.wait(25)
        send(QEvent.Type.MouseMove, QPoint(start.x(), start.y() + round(dy * k / steps)), none, left)
    send(QEvent.Type.MouseButtonRelease, QPoint(start.x(), start.y() + dy), left, none)


def test_pane_shares_parse_safely_and_shrink_before_the_price_pane() -> None:
    assert parse_shares("") == DEFAULT_SHARES and parse_shares("rsi:x,macd:0.9,foo:0.1") == DEFAULT_SHARES
    assert parse_shares("rsi:0.2")["rsi"] == 0.2
    heights = pane_heights(200, 30, {"rsi": 0.3, "macd": 0.3})
    assert sum(heights.values()) <= 0.45 * 200 - 30 + 1e-9 or min(heights.values()) == 30
