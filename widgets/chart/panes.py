"""The chart's panes and what is drawn in them: price (candles, session breaks, extended-hours
shade, EMA/VWAP/opening-range lines, the last-price line and the axis tags), volume, RSI and
MACD, one above the other on one shared x range (the bar index)."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from analytics.chart_overlays import ChartOverlays
from data.live_bars import LiveBars
from widgets.chart.extended_hours import ExtendedHoursShade
from widgets.chart.ohlc_items import CandlestickItem, VolumeItem
from widgets.chart.palette import COLORS
from widgets.chart.price_tag import PriceAxisTag
from widgets.chart.time_axis import EtTimeAxis, SessionBreaksItem
from widgets.compact_axis import CompactAxis

AXIS_WIDTH = 58  # px, every pane's price axis (wider when a tag on it needs it)
SHOWN_HEIGHT = 16777215  # Qt's QWIDGETSIZE_MAX: no height limit
# overlay line -> ChartOverlays field
OVERLAY_FIELDS = (("ema8_line", "ema8"), ("ema21_line", "ema21"), ("vwap_line", "vwap"), ("or_high_line", "or_high"),
                  ("or_low_line", "or_low"), ("rsi_line", "rsi"), ("macd_line", "macd"),
                  ("signal_line", "macd_signal"), ("hist_line", "macd_hist"))


def _line(plot: pg.PlotItem, color: str, width: float = 1) -> pg.PlotDataItem:
    # whole-pixel widths: a fractional pen is stroked ~5x slower
    item = pg.PlotDataItem(pen=pg.mkPen(color, width=width), connect="finite")
    plot.addItem(item)
    return item


def _row_of(layout_widget: pg.GraphicsLayoutWidget, plot: pg.PlotItem) -> int:
    return layout_widget.ci.items[plot][0][0]  # {item: [(row, col), …]}


class ChartPanes:
    def __init__(self, layout_widget: pg.GraphicsLayoutWidget) -> None:
        self.layout_widget = lw = layout_widget
        # every pane has a time axis; only the lowest visible one shows it
        self.time_axes = [EtTimeAxis() for _ in range(4)]
        self.time_axis = self.time_axes[0]
        self.price_plot = lw.addPlot(row=0, col=0, axisItems={"bottom": self.time_axes[0]})
        self.volume_plot = lw.addPlot(row=1, col=0, axisItems={"bottom": self.time_axes[1],
                                                               "right": CompactAxis("right")})
        self.rsi_plot = lw.addPlot(row=2, col=0, axisItems={"bottom": self.time_axes[2]})
        self.macd_plot = lw.addPlot(row=3, col=0, axisItems={"bottom": self.time_axes[3]})
        self.plots = [self.price_plot, self.volume_plot, self.rsi_plot, self.macd_plot]
        self._axis_width = AXIS_WIDTH
        self._tag_widths: dict[str, float] = {}
        for plot, stretch in zip(self.plots, (6, 2, 2, 2), strict=True):
            self._configure(plot, stretch)
        self._add_price_items()
        self._add_indicator_lines()
        self._add_tags()
        self.place_time_axis()

    def _configure(self, plot: pg.PlotItem, stretch: int) -> None:
        self.layout_widget.ci.layout.setRowStretchFactor(_row_of(self.layout_widget, plot), stretch)
        # no pyqtgraph grid: its full-width tick lines cost ~10 ms per pane per frame; the
        # price-level lines give the orientation a grid would
        plot.setMenuEnabled(False)
        plot.vb.setMouseEnabled(x=True, y=False)
        # x is always set by us; pyqtgraph only clips lines to the view when x auto-range is off
        plot.vb.enableAutoRange(x=False, y=False)
        # PlotItem imposes these on every line it holds (item-level settings are overwritten)
        plot.setClipToView(True)
        plot.setDownsampling(auto=True, mode="peak")
        plot.hideButtons()
        plot.showAxis("right")
        plot.getAxis("right").setWidth(AXIS_WIDTH)
        plot.hideAxis("left")
        if plot is not self.price_plot:  # the price pane (never hidden) leads the x range
            plot.setXLink(self.price_plot)

    def _add_price_items(self) -> None:
        self.candles = CandlestickItem()
        self.volume = VolumeItem()
        self.breaks = SessionBreaksItem()
        self.extended_shade = ExtendedHoursShade()
        for item in (self.extended_shade, self.breaks, self.candles):
            self.price_plot.addItem(item)
        self.volume_plot.addItem(self.volume)
        self.ema8_line = _line(self.price_plot, COLORS["ema8"])
        self.ema21_line = _line(self.price_plot, COLORS["ema21"])
        self.vwap_line = _line(self.price_plot, COLORS["vwap"], 2)
        self.or_high_line = _line(self.price_plot, COLORS["or"])
        self.or_low_line = _line(self.price_plot, COLORS["or"])

    def _add_indicator_lines(self) -> None:
        self.rsi_line = _line(self.rsi_plot, COLORS["rsi"])
        for y in (30, 70):
            self.rsi_plot.addItem(pg.InfiniteLine(y, angle=0, pen=pg.mkPen("#666", style=Qt.PenStyle.DashLine)))
        self.rsi_plot.setYRange(0, 100)
        self.macd_line = _line(self.macd_plot, COLORS["macd"])
        self.signal_line = _line(self.macd_plot, COLORS["signal"])
        self.hist_line = pg.PlotDataItem(pen=pg.mkPen("#888"), fillLevel=0, brush=(136, 136, 136, 90),
                                         connect="finite")
        self.macd_plot.addItem(self.hist_line)

    def _add_tags(self) -> None:
        # the last price: a dotted line across the pane and a tag on the price axis
        self.last_price_line = pg.InfiniteLine(angle=0, movable=False,
                                               pen=pg.mkPen(COLORS["up"], style=Qt.PenStyle.DotLine))
        self.last_price_line.setZValue(30)
        self.last_price_line.hide()
        self.price_plot.addItem(self.last_price_line, ignoreBounds=True)
        axis, vb = self.price_plot.getAxis("right"), self.price_plot.vb
        self.price_tag = PriceAxisTag(axis, vb)
        self.cursor_tag = PriceAxisTag(axis, vb, z=11)
        # the pre-market / after-hours price while the chart shows the regular session only
        self.session_tag = PriceAxisTag(axis, vb, z=10.5, yields_to=self.price_tag)
        self.v_cross = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#777", style=Qt.PenStyle.DotLine))
        self.h_cross = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen("#777", style=Qt.PenStyle.DotLine))
        for item in (self.v_cross, self.h_cross):
            item.setZValue(50)
            self.price_plot.addItem(item, ignoreBounds=True)

    # -- layout --------------------------------------------------------------------------------
    def show_pane(self, plot: pg.PlotItem, on: bool) -> None:
        plot.setVisible(on)
        self.layout_widget.ci.layout.setRowStretchFactor(_row_of(self.layout_widget, plot), 2 if on else 0)
        plot.setMaximumHeight(SHOWN_HEIGHT if on else 0)
        self.place_time_axis()

    def place_time_axis(self) -> None:
        lowest = [p for p in self.plots if p.isVisible()][-1]
        for plot in self.plots:
            plot.showAxis("bottom", plot is lowest)

    def fit_axes_to(self, tag: str, width: float) -> None:
        """One width for every pane's price axis (so the panes' plot areas line up), wide enough
        for every tag on it."""
        self._tag_widths[tag] = width
        width = max(AXIS_WIDTH, math.ceil(max(self._tag_widths.values())))
        if width != self._axis_width:
            self._axis_width = width
            for plot in self.plots:
                plot.getAxis("right").setWidth(width)

    # -- drawing -------------------------------------------------------------------------------
    def set_timestamps(self, ts: np.ndarray, daily: bool) -> None:
        for axis in self.time_axes:
            axis.set_timestamps(ts, daily=daily)

    def set_overlay_lines(self, overlays: ChartOverlays | None, n: int) -> None:
        x = np.arange(n, dtype=np.float64)
        for attr, name in OVERLAY_FIELDS:
            item: pg.PlotDataItem = getattr(self, attr)
            y = getattr(overlays, name) if overlays is not None else None
            if y is None or len(y) != n or not np.isfinite(y).any():  # nothing to draw (e.g. VWAP on 1D)
                item.setData([], [])
            else:
                item.setData(x, y)

    def show_last_price(self, live: LiveBars) -> None:
        line = self.last_price_line
        if not len(live):
            line.hide()
            self.price_tag.set(None)
            return
        _ts, o, _h, _l, close, _v = live.last_bar()
        color = COLORS["up" if close >= o else "down"]
        if line.pen.color().name() != color:
            line.setPen(pg.mkPen(color, style=Qt.PenStyle.DotLine))
        if line.value() != close or not line.isVisible():
            line.setValue(close)
            line.show()
        self.price_tag.set(close, color)
        self.fit_axes_to("last", self.price_tag.width)
        self.session_tag.place()  # it steps aside for the last price, which may have moved
