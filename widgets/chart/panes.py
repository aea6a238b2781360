"""The chart's panes and what is drawn in them: price (candles, volume at its bottom, session
breaks, extended-hours shade, EMA/VWAP/opening-range lines, the last-price line and the axis
tags), RSI and MACD, one above the other on one shared x range (the bar index)."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import QGraphicsView

from analytics.chart_overlays import ChartOverlays
from data.live_bars import LiveBars
from widgets.chart.extended_hours import ExtendedHoursShade
from widgets.chart.ohlc_items import CandlestickItem, VolumeItem
from widgets.chart.palette import COLORS
from widgets.chart.pane_layout import PaneLayout
from widgets.chart.price_axis import PriceAxis
from widgets.chart.price_tag import PriceAxisTag
from widgets.chart.time_axis import EtTimeAxis, SessionBreaksItem

AXIS_WIDTH = 58  # px, every pane's price axis (wider when a tag on it needs it)
VOLUME_SHARE = 0.2  # the tallest visible volume bar reaches this far up the price pane
PRICE_BOTTOM_PAD = 0.16  # of the price range, under the lowest candle: where the volume bars stand
# overlay line -> ChartOverlays field
OVERLAY_FIELDS = (("ema8_line", "ema8"), ("ema21_line", "ema21"), ("vwap_line", "vwap"), ("or_high_line", "or_high"),
                  ("or_low_line", "or_low"), ("rsi_line", "rsi"), ("macd_line", "macd"),
                  ("signal_line", "macd_signal"), ("hist_line", "macd_hist"))
# line -> its palette colour (re-applied on a theme change)
LINE_COLORS = (("ema8_line", "ema8"), ("ema21_line", "ema21"), ("vwap_line", "vwap"), ("or_high_line", "or"),
               ("or_low_line", "or"), ("rsi_line", "rsi"), ("macd_line", "macd"), ("signal_line", "signal"),
               ("hist_line", "hist"))
LINE_WIDTHS = {"vwap_line": 2}
# lines of one session each: never joined across a day break (a vertical from 16:00 to 09:30)
SESSION_LINES = frozenset({"vwap_line", "or_high_line", "or_low_line"})


def _line(plot: pg.PlotItem, color: str, width: float = 1) -> pg.PlotDataItem:
    # whole-pixel widths: a fractional pen is stroked ~5x slower
    item = pg.PlotDataItem(pen=pg.mkPen(color, width=width), connect="finite")
    plot.addItem(item)
    return item


def _joined(within: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``within`` (a bar joins the next one's day) and both ends finite: pyqtgraph fills a NaN
    with the value before it when given a connect array, which drew a slope across the gap."""
    finite = np.isfinite(y)
    return within[:len(y)] & finite & np.r_[finite[1:], False]


def _detach_hidden_axes(plot: pg.PlotItem) -> None:
    """The hidden axes (left, top, bottom) never show: unlinked from the view, a live bar's x
    shift no longer re-renders their (hidden) labels' HTML — ~0.1 ms an axis, 6 a flush."""
    for name in ("left", "top", "bottom"):
        axis = plot.getAxis(name)
        axis.enableAutoSIPrefix(False)
        axis.unlinkFromView()


class ChartPanes:
    def __init__(self, layout_widget: pg.GraphicsLayoutWidget) -> None:
        self.layout_widget = layout_widget
        # the background is one colour: pyqtgraph's cached background pixmap only added a
        # viewport-sized blit to every paint (and that blit went through Qt's thread pool)
        layout_widget.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
        self.colors = dict(COLORS)
        # one time axis, under the lowest pane, on the price pane's x range
        self.time_axis = EtTimeAxis()
        # (no pyqtgraph menus: right-click is the chart's own; asked for at construction, as
        # switching them off later still builds each view's menu first, ~4 ms a plot)
        self.price_plot = pg.PlotItem(axisItems={"right": PriceAxis()}, enableMenu=False)
        self.rsi_plot = pg.PlotItem(axisItems={"right": PriceAxis()}, enableMenu=False)
        self.macd_plot = pg.PlotItem(axisItems={"right": PriceAxis()}, enableMenu=False)
        self.plots = [self.price_plot, self.rsi_plot, self.macd_plot]
        self.layout = PaneLayout(layout_widget, self.price_plot, {"rsi": self.rsi_plot, "macd": self.macd_plot},
                                 self.time_axis)
        self.time_axis.linkToView(self.price_plot.vb)
        self.layout.set_axis_width(AXIS_WIDTH)
        self._axis_width = AXIS_WIDTH
        self._tag_widths: dict[str, float] = {}
        for plot in self.plots:
            self._configure(plot)
        self.show_volume = True
        self._add_price_items()
        self._add_indicator_lines()
        self._add_tags()

    def _configure(self, plot: pg.PlotItem) -> None:
        # no pyqtgraph grid: its full-width tick lines cost ~10 ms per pane per frame; the
        # price-level lines give the orientation a grid would
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
        plot.hideAxis("bottom")  # the one time axis is the layout's last row
        _detach_hidden_axes(plot)
        if plot is not self.price_plot:  # the price pane (never hidden) leads the x range
            plot.setXLink(self.price_plot)

    def _add_price_items(self) -> None:
        self.candles = CandlestickItem()
        self.volume = VolumeItem()
        self.breaks = SessionBreaksItem()
        self.extended_shade = ExtendedHoursShade()
        for item in (self.extended_shade, self.breaks, self.candles):
            self.price_plot.addItem(item)
        # volume overlaid at the bottom of the price pane, behind the candles (a pane of its own
        # took as much height as the price): drawn in the price view, scaled by its transform
        self.volume.setZValue(-5)
        self.price_plot.addItem(self.volume, ignoreBounds=True)
        self.ema8_line = _line(self.price_plot, COLORS["ema8"])
        self.ema21_line = _line(self.price_plot, COLORS["ema21"])
        self.vwap_line = _line(self.price_plot, COLORS["vwap"], 2)
        self.or_high_line = _line(self.price_plot, COLORS["or"])
        self.or_low_line = _line(self.price_plot, COLORS["or"])

    def _add_indicator_lines(self) -> None:
        self.rsi_line = _line(self.rsi_plot, COLORS["rsi"])
        self.rsi_guides = [pg.InfiniteLine(y, angle=0, pen=pg.mkPen(COLORS["guide"], style=Qt.PenStyle.DashLine))
                           for y in (30, 70)]
        for guide in self.rsi_guides:
            self.rsi_plot.addItem(guide)
        self.rsi_plot.setYRange(0, 100)
        self.macd_line = _line(self.macd_plot, COLORS["macd"])
        self.signal_line = _line(self.macd_plot, COLORS["signal"])
        self.hist_line = pg.PlotDataItem(pen=pg.mkPen(COLORS["hist"]), fillLevel=0, brush=(136, 136, 136, 90),
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
        cross = pg.mkPen(COLORS["cross"], style=Qt.PenStyle.DotLine)
        self.v_cross = pg.InfiniteLine(angle=90, movable=False, pen=cross)
        self.h_cross = pg.InfiniteLine(angle=0, movable=False, pen=cross)
        for item in (self.v_cross, self.h_cross):
            item.setZValue(50)
            item.hide()  # until the mouse is over the chart
            self.price_plot.addItem(item, ignoreBounds=True)

    # -- layout --------------------------------------------------------------------------------
    def show_pane(self, plot: pg.PlotItem, on: bool) -> None:
        self.layout.show_pane("rsi" if plot is self.rsi_plot else "macd", on)

    def set_volume_shown(self, on: bool) -> None:
        """Indices trade no volume of their own: no bars, and the price uses the pane's bottom."""
        self.show_volume = on
        self.volume.setVisible(on)

    def fit_price(self, low: float, high: float) -> None:
        span = high - low
        pad = span * 0.05 or high * 0.001
        bottom = span * PRICE_BOTTOM_PAD if self.show_volume else 0.0
        self.price_plot.vb.setYRange(low - pad - bottom, high + pad, padding=0)

    def fit_volume(self, vmax: float) -> None:
        """Volume ``vmax`` reaches ``VOLUME_SHARE`` of the price pane from its bottom (after
        ``fit_price``). A transform of the item in the price view — a second view box overlaid
        on the pane doubled the bars' paint time."""
        (_x, (y0, y1)) = self.price_plot.vb.viewRange()
        scale = (y1 - y0) * VOLUME_SHARE / vmax if vmax > 0 else 0.0
        self.volume.setTransform(QTransform(1, 0, 0, scale, 0, y0))

    def fit_axes_to(self, tag: str, width: float) -> None:
        """One width for every pane's price axis (so the panes' plot areas line up), wide enough
        for every tag on it."""
        self._tag_widths[tag] = width
        width = max(AXIS_WIDTH, math.ceil(max(self._tag_widths.values())))
        if width != self._axis_width:
            self._axis_width = width
            for plot in self.plots:
                plot.getAxis("right").setWidth(width)
            self.layout.set_axis_width(width)

    def settle_geometry(self) -> None:
        """Apply a range change to the views now, before the paint: pyqtgraph does it lazily at
        paint time, where each line's bounding rect (``InfiniteLine``, e.g. the RSI guides) is
        then recomputed with a geometry change — which queued a second paint pass (~1 ms)."""
        for plot in self.plots:
            plot.vb.updateMatrix()
            for item in plot.vb.addedItems:
                if isinstance(item, pg.InfiniteLine):
                    item.boundingRect()

    # -- drawing -------------------------------------------------------------------------------
    def set_timestamps(self, ts: np.ndarray, daily: bool, local: np.ndarray | None = None) -> None:
        self.time_axis.set_timestamps(ts, daily=daily, local=local)

    def set_overlay_lines(self, overlays: ChartOverlays | None, n: int) -> None:
        x = np.arange(n, dtype=np.float64)
        joined = self._within_sessions(n)
        for attr, name in OVERLAY_FIELDS:
            item: pg.PlotDataItem = getattr(self, attr)
            y = getattr(overlays, name) if overlays is not None else None
            # overlays of fewer bars (computed before the newest bar arrived) draw what they cover
            if y is None or len(y) > n or not np.isfinite(y).any():  # nothing to draw (e.g. VWAP on 1D)
                item.setData([], [])
            else:
                item.setData(x[:len(y)], y, connect=_joined(joined, y) if attr in SESSION_LINES else "finite")

    def _within_sessions(self, n: int) -> np.ndarray:
        """For each bar whether its line joins the next: not into a new ET day (the session
        breaks), nor across a gap (NaN, e.g. VWAP in the extended hours)."""
        joined = np.ones(n, dtype=bool)
        starts = self.breaks.break_index.astype(np.int64)
        joined[starts[(starts > 0) & (starts <= n)] - 1] = False
        return joined

    def show_last_price(self, live: LiveBars) -> None:
        line = self.last_price_line
        if not len(live):
            line.hide()
            self.price_tag.set(None)
            return
        _ts, o, _h, _l, close, _v = live.last_bar()
        color = self.colors["up" if close >= o else "down"]
        if line.pen.color().name() != color:
            line.setPen(pg.mkPen(color, style=Qt.PenStyle.DotLine))
        if line.value() != close or not line.isVisible():
            line.setValue(close)
            line.show()
        self.price_tag.set(close, color)
        self.fit_axes_to("last", self.price_tag.width)
        self.session_tag.place()  # it steps aside for the last price, which may have moved

    def set_theme(self, colors: dict[str, str], dark: bool) -> None:
        """Recolour the lines for a theme (``colors``: ``palette.theme_colors``)."""
        self.colors = colors
        for attr, key in LINE_COLORS:
            getattr(self, attr).setPen(pg.mkPen(colors[key], width=LINE_WIDTHS.get(attr, 1)))
        for item in (*self.rsi_guides,):
            item.setPen(pg.mkPen(colors["guide"], style=Qt.PenStyle.DashLine))
        for item in (self.v_cross, self.h_cross):
            item.setPen(pg.mkPen(colors["cross"], style=Qt.PenStyle.DotLine))
        self.volume.set_shades(dark)
        self.layout.set_theme(dark)
