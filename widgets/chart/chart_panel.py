"""Chart panel: candles + volume, EMA/VWAP/opening-range overlays, key levels, RSI and MACD
panes, crosshair readout, right-click price actions and draggable level lines.

A pure view: ``set_bars`` / ``apply_bar`` / ``set_levels`` feed it; user intents leave as
signals. x is the bar index; the bottom axis shows US/Eastern times.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QToolBar, QVBoxLayout, QWidget

from analytics.chart_overlays import ChartOverlays
from data.bar_aggregation import bucket_start, et_day_and_minute
from data.models import Bar, Bars, Timeframe
from widgets.chart.extended_hours import ExtendedHoursShade, extended_mask
from widgets.chart.ohlc_items import CandlestickItem, VolumeItem
from widgets.chart.price_tag import PriceAxisTag
from widgets.chart.time_axis import EtTimeAxis, SessionBreaksItem
from widgets.compact_axis import CompactAxis
from widgets.line_labels import stagger_labels

TIMEFRAMES = [tf.value for tf in Timeframe]
DEFAULT_VISIBLE_BARS = 150
TICK = 0.01
LIVE_FLUSH_MS = 40  # merge live updates at 25 Hz
AXIS_WIDTH = 58  # px, every pane's price axis (wider when the last-price tag needs it)
PAN_FRACTION = 0.1  # arrow keys move the view by a tenth of what it shows
ZOOM_STEP = 1.25  # +/- show 20 % fewer / 25 % more bars
MIN_VISIBLE_BARS = 10
LABEL_RIGHT = 0.97  # level labels sit at the right end of their lines (and step left when crowded)
COLORS = {"ema8": "#f6c343", "ema21": "#5b9cf6", "vwap": "#c77dff", "or": "#9e9e9e", "rsi": "#f6c343",
          "macd": "#5b9cf6", "signal": "#f6a35b", "level": "#8d99ae", "alert": "#ff9800",
          "up": "#26a69a", "down": "#ef5350", "cursor": "#4a5566", "session": "#3f6fd8"}


@dataclass
class LevelLine:
    key: str
    line: pg.InfiniteLine
    kind: str  # "level" (fixed) or "alert" (draggable, removable)


def round_to_tick(price: float, tick: float = TICK) -> float:
    return round(round(price / tick) * tick, 10)


class ChartPanel(QWidget):
    timeframe_changed = Signal(str)
    alert_requested = Signal(str, float)  # condition ("crosses"/"above"/"below"), price
    alert_details_requested = Signal(float)  # open the alerts panel prefilled at this price
    chain_requested = Signal(float)
    extended_hours_changed = Signal(bool)
    level_moved = Signal(str, float)  # key, new price (alert lines dragged)
    level_remove_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.symbol = ""
        self.timeframe = Timeframe.M5
        self._buffers = {name: np.empty(0, dtype=np.int64 if name == "ts" else np.float64)
                         for name in ("ts", "open", "high", "low", "close", "volume")}
        self._n = 0
        self._expose()
        self._bucket_minutes: dict[int, Bar] = {}
        self._pending_live: list[Bar] = []
        self._levels: dict[str, LevelLine] = {}
        self._overlays: ChartOverlays | None = None
        self.dropped_bars = 0
        self.menu_price: float | None = None
        # which extra menu requests some panel can take ("chain"); set by the owner
        self.can_request: Callable[[str], bool] = lambda _what: False

        self.toolbar = self._build_toolbar()
        self.readout = QLabel(" ")
        self.readout.setObjectName("chartReadout")
        self.status = QLabel("")
        self.layout_widget = pg.GraphicsLayoutWidget()
        self._build_plots()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.readout)
        layout.addWidget(self.layout_widget, 1)
        layout.addWidget(self.status)

        self._live_timer = QTimer(self, interval=LIVE_FLUSH_MS)
        self._live_timer.timeout.connect(self._flush_live)
        self._live_timer.start()
        self._fit_timer = QTimer(self, singleShot=True, interval=30)
        self._fit_timer.timeout.connect(self._fit_y)
        self._labels_timer = QTimer(self, singleShot=True, interval=0)  # one layout per event-loop turn
        self._labels_timer.timeout.connect(self._layout_level_labels)
        self.price_plot.vb.sigYRangeChanged.connect(self._labels_timer.start)
        self.price_plot.vb.sigResized.connect(self._labels_timer.start)
        self._mouse_proxy = pg.SignalProxy(self.layout_widget.scene().sigMouseMoved, rateLimit=30,
                                           slot=self._on_mouse_moved)
        self.layout_widget.scene().sigMouseClicked.connect(self._on_click)

    # -- construction ------------------------------------------------------------------------
    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar()
        group = QActionGroup(self)
        self.timeframe_actions: dict[str, QAction] = {}
        for i, tf in enumerate(TIMEFRAMES, start=1):
            action = QAction(tf, self, checkable=True)
            action.setToolTip(f"{tf} bars (key {i})")
            action.triggered.connect(lambda _c=False, t=tf: self.set_timeframe(t, emit=True))
            group.addAction(action)
            bar.addAction(action)
            self.timeframe_actions[tf] = action
            shortcut = QShortcut(QKeySequence(str(i)), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda t=tf: self.set_timeframe(t, emit=True))
        bar.addSeparator()
        self.rsi_action = QAction("RSI", self, checkable=True, checked=True)
        self.macd_action = QAction("MACD", self, checkable=True, checked=True)
        self.rsi_action.toggled.connect(lambda on: self._show_pane(self.rsi_plot, on))
        self.macd_action.toggled.connect(lambda on: self._show_pane(self.macd_plot, on))
        bar.addAction(self.rsi_action)
        bar.addAction(self.macd_action)
        # keyboard navigation, as on trading platforms: arrows pan, +/- zoom, End/Home jump
        key = Qt.Key
        for keys, action in (((key.Key_Left,), lambda: self.pan_bars(-self._page_bars())),
                             ((key.Key_Right,), lambda: self.pan_bars(self._page_bars())),
                             ((key.Key_Plus, key.Key_Equal, key.Key_Up), lambda: self.zoom_bars(1 / ZOOM_STEP)),
                             ((key.Key_Minus, key.Key_Down), lambda: self.zoom_bars(ZOOM_STEP)),
                             ((key.Key_End,), self.reset_view),
                             ((key.Key_Home,), self.show_oldest)):
            for k in keys:
                shortcut = QShortcut(QKeySequence(k), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(action)
        bar.addSeparator()
        self.eth_action = QAction("ETH", self, checkable=True)
        self.eth_action.setToolTip("Extended hours: pre-market and after-hours bars on intraday timeframes")
        self.eth_action.triggered.connect(lambda checked: self.extended_hours_changed.emit(bool(checked)))
        bar.addAction(self.eth_action)
        return bar

    @property
    def extended_hours(self) -> bool:
        return self.eth_action.isChecked()

    def set_extended_hours(self, on: bool) -> None:
        self.eth_action.setChecked(on)

    def _build_plots(self) -> None:
        lw = self.layout_widget
        # every pane has a time axis; only the lowest visible one shows it
        self.time_axes = [EtTimeAxis() for _ in range(4)]
        self.time_axis = self.time_axes[0]
        self.price_plot = lw.addPlot(row=0, col=0, axisItems={"bottom": self.time_axes[0]})
        self.volume_plot = lw.addPlot(row=1, col=0, axisItems={"bottom": self.time_axes[1],
                                                               "right": CompactAxis("right")})
        self.rsi_plot = lw.addPlot(row=2, col=0, axisItems={"bottom": self.time_axes[2]})
        self.macd_plot = lw.addPlot(row=3, col=0, axisItems={"bottom": self.time_axes[3]})
        self.panes = [self.price_plot, self.volume_plot, self.rsi_plot, self.macd_plot]
        self._axis_width = AXIS_WIDTH
        self._tag_widths: dict[str, float] = {}
        for plot, stretch in ((self.price_plot, 6), (self.volume_plot, 2), (self.rsi_plot, 2), (self.macd_plot, 2)):
            lw.ci.layout.setRowStretchFactor(_row_of(lw, plot), stretch)
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
        self.candles = CandlestickItem()
        self.volume = VolumeItem()
        self.breaks = SessionBreaksItem()
        self.extended_shade = ExtendedHoursShade()
        self.price_plot.addItem(self.extended_shade)
        self.price_plot.addItem(self.breaks)
        self.price_plot.addItem(self.candles)
        self.volume_plot.addItem(self.volume)

        def line(plot: pg.PlotItem, color: str, width: float = 1) -> pg.PlotDataItem:
            # whole-pixel widths: a fractional pen is stroked ~5x slower
            item = pg.PlotDataItem(pen=pg.mkPen(color, width=width), connect="finite")
            plot.addItem(item)
            return item

        self.ema8_line = line(self.price_plot, COLORS["ema8"])
        self.ema21_line = line(self.price_plot, COLORS["ema21"])
        self.vwap_line = line(self.price_plot, COLORS["vwap"], 2)
        self.or_high_line = line(self.price_plot, COLORS["or"])
        self.or_low_line = line(self.price_plot, COLORS["or"])
        self.rsi_line = line(self.rsi_plot, COLORS["rsi"])
        for y in (30, 70):
            self.rsi_plot.addItem(pg.InfiniteLine(y, angle=0, pen=pg.mkPen("#666", style=Qt.PenStyle.DashLine)))
        self.rsi_plot.setYRange(0, 100)
        self.macd_line = line(self.macd_plot, COLORS["macd"])
        self.signal_line = line(self.macd_plot, COLORS["signal"])
        self.hist_line = pg.PlotDataItem(pen=pg.mkPen("#888"), fillLevel=0, brush=(136, 136, 136, 90),
                                         connect="finite")
        self.macd_plot.addItem(self.hist_line)

        # the last price: a dotted line across the pane and a tag on the price axis
        self.last_price_line = pg.InfiniteLine(angle=0, movable=False,
                                               pen=pg.mkPen(COLORS["up"], style=Qt.PenStyle.DotLine))
        self.last_price_line.setZValue(30)
        self.last_price_line.hide()
        self.price_plot.addItem(self.last_price_line, ignoreBounds=True)
        self.price_tag = PriceAxisTag(self.price_plot.getAxis("right"), self.price_plot.vb)
        self.cursor_tag = PriceAxisTag(self.price_plot.getAxis("right"), self.price_plot.vb, z=11)
        # the pre-market / after-hours price while the chart shows the regular session only
        self.session_tag = PriceAxisTag(self.price_plot.getAxis("right"), self.price_plot.vb, z=10.5,
                                        yields_to=self.price_tag)
        self.v_cross = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#777", style=Qt.PenStyle.DotLine))
        self.h_cross = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen("#777", style=Qt.PenStyle.DotLine))
        for item in (self.v_cross, self.h_cross):
            item.setZValue(50)
            self.price_plot.addItem(item, ignoreBounds=True)
        self.price_plot.vb.sigXRangeChanged.connect(lambda *_: self._fit_timer.start())
        self._place_time_axis()

    def _show_pane(self, plot: pg.PlotItem, on: bool) -> None:
        plot.setVisible(on)
        self.layout_widget.ci.layout.setRowStretchFactor(_row_of(self.layout_widget, plot), 2 if on else 0)
        plot.setMaximumHeight(16777215 if on else 0)
        self._place_time_axis()

    def _place_time_axis(self) -> None:
        lowest = [p for p in self.panes if p.isVisible()][-1]
        for plot in self.panes:
            plot.showAxis("bottom", plot is lowest)

    # -- data ----------------------------------------------------------------------------------
    def set_timeframe(self, tf: str, emit: bool = False) -> None:
        timeframe = Timeframe.parse(tf)
        self.timeframe_actions[timeframe.value].setChecked(True)
        if timeframe is self.timeframe and not emit:
            return
        changed = timeframe is not self.timeframe
        self.timeframe = timeframe
        if emit and changed:
            self.timeframe_changed.emit(timeframe.value)

    def set_bars(self, symbol: str, bars: Bars, overlays: ChartOverlays | None, dropped: int = 0,
                 forming_minutes: list[Bar] | None = None) -> None:
        """Show ``bars`` (already cleaned: sorted, unique, finite) and their overlays.
        ``forming_minutes``: the 1-minute bars inside the last (still forming) bar, so live
        minute updates can rebuild it exactly instead of double counting."""
        keep_view = symbol == self.symbol and bars.timeframe is self.timeframe and len(self._ts) > 0
        anchor = self._view_anchor() if keep_view else None
        if symbol != self.symbol:
            self.set_extended_price(None)  # the old symbol's; the next quote brings this one's
        self.symbol = symbol
        self.set_timeframe(bars.timeframe.value)
        self._buffers = {name: _with_room(np.asarray(getattr(bars, name)), np.int64 if name == "ts" else np.float64)
                         for name in ("ts", "open", "high", "low", "close", "volume")}
        self._n = len(bars)
        self._expose()
        self._bucket_minutes = {}
        if len(self._ts):
            last = int(self._ts[-1])
            minutes = [m for m in (forming_minutes or []) if bucket_start(m.ts, bars.timeframe) == last]
            if minutes:
                self._bucket_minutes = {m.ts: m for m in minutes}
            else:  # no minute detail: the loaded bar stands for everything before the live minutes
                self._bucket_minutes = {last - 1: Bar(symbol, bars.timeframe, last - 1, *self.last_bar()[1:], False)}
        self.dropped_bars = dropped
        self.candles.set_data(self._o, self._h, self._l, self._c)
        self.volume.set_data(self._v, self._c >= self._o)
        for axis in self.time_axes:
            axis.set_timestamps(self._ts, daily=not bars.timeframe.is_intraday)
        day, minute = et_day_and_minute(self._ts)  # once: session breaks and extended hours both use it
        self.breaks.set_breaks(np.flatnonzero(np.r_[False, day[1:] != day[:-1]]), len(self._ts))
        intraday = bars.timeframe.is_intraday
        self.extended_shade.set_mask(extended_mask(minute) if intraday else np.zeros(len(self._ts), dtype=bool))
        self.set_overlays(overlays)
        self._show_last_price()
        no_volume = not np.any(self._v > 0)
        self.status.setText(
            f"{symbol} {bars.timeframe.value}: {len(bars):,} bars"
            + (f", {dropped} bad bars dropped" if dropped else "")
            + (" · no volume for this symbol" if no_volume else ""))
        if anchor is None or not len(self._ts):
            self.reset_view()
        else:
            self._restore_view(*anchor)

    def set_overlays(self, overlays: ChartOverlays | None) -> None:
        previous_levels = self._overlays.levels if self._overlays is not None else None
        self._overlays = overlays
        x = np.arange(len(self._ts), dtype=np.float64)
        pairs = [(self.ema8_line, "ema8"), (self.ema21_line, "ema21"), (self.vwap_line, "vwap"),
                 (self.or_high_line, "or_high"), (self.or_low_line, "or_low"), (self.rsi_line, "rsi"),
                 (self.macd_line, "macd"), (self.signal_line, "macd_signal"), (self.hist_line, "macd_hist")]
        for item, name in pairs:
            y = getattr(overlays, name) if overlays is not None else None
            if y is None or len(y) != len(x) or not np.isfinite(y).any():  # nothing to draw (e.g. VWAP on 1D)
                item.setData([], [])
            else:
                item.setData(x, y)
        levels = overlays.levels if overlays is not None else None
        if levels == previous_levels:
            return  # unchanged (the per-minute overlay refresh): keep the existing lines
        for key in [k for k, lv in self._levels.items() if lv.kind == "level"]:
            self.remove_level(key)
        if overlays is not None:
            for label, price in overlays.levels:
                self.add_level(f"level:{label}", price, label, COLORS["level"])

    def apply_bar(self, bar: Bar) -> None:
        """Queue a live 1-minute bar of this symbol; merged into the chart at ~25 Hz."""
        if bar.symbol == self.symbol and len(self._ts):
            self._pending_live.append(bar)

    def _flush_live(self) -> None:
        if not self._pending_live:
            return
        pending, self._pending_live = self._pending_live, []
        for bar in pending:
            self._merge_minute(bar)
        self._show_last_price()

    def _show_last_price(self) -> None:
        line = self.last_price_line
        if not len(self._ts):
            line.hide()
            self.price_tag.set(None)
            return
        close, up = float(self._c[-1]), bool(self._c[-1] >= self._o[-1])
        color = COLORS["up" if up else "down"]
        if line.pen.color().name() != color:
            line.setPen(pg.mkPen(color, style=Qt.PenStyle.DotLine))
        if line.value() != close or not line.isVisible():
            line.setValue(close)
            line.show()
        self.price_tag.set(close, color)
        self._fit_axes_to("last", self.price_tag.width)
        self.session_tag.place()  # it steps aside for the last price, which may have moved

    def set_extended_price(self, price: float | None, label: str = "") -> None:
        """The latest pre-market or after-hours trade (``label`` "pre"/"post") as its own tag,
        for a chart that shows the regular session only; None, or the same price as the last
        bar, hides it."""
        if price is None or not math.isfinite(price) or not len(self._ts) or abs(price - float(self._c[-1])) < TICK / 2:
            self.session_tag.set(None)
            self._fit_axes_to("session", 0)
            return
        self.session_tag.set(price, COLORS["session"], label)
        self._fit_axes_to("session", self.session_tag.width)

    def _fit_axes_to(self, tag: str, width: float) -> None:
        """One width for every pane's price axis (so the panes' plot areas line up), wide enough
        for every tag on it."""
        self._tag_widths[tag] = width
        width = max(AXIS_WIDTH, math.ceil(max(self._tag_widths.values())))
        if width != self._axis_width:
            self._axis_width = width
            for plot in self.panes:
                plot.getAxis("right").setWidth(width)

    def _merge_minute(self, bar: Bar) -> None:
        start = bucket_start(bar.ts, self.timeframe)
        last_start = int(self._ts[-1])
        if start < last_start:
            return  # an update for history we already hold
        if start > last_start:
            self._bucket_minutes = {}
        self._bucket_minutes[bar.ts] = bar  # a minute's newer state replaces its older one
        minutes = [self._bucket_minutes[k] for k in sorted(self._bucket_minutes)]
        o, c = minutes[0].open, minutes[-1].close
        h, l = max(m.high for m in minutes), min(m.low for m in minutes)
        v = sum(m.volume for m in minutes)
        if start > last_start:
            self._append(start, o, h, l, c, v)
        else:
            self._o[-1], self._h[-1], self._l[-1], self._c[-1], self._v[-1] = o, h, l, c, v
            self.candles.set_last(o, h, l, c)
            self.volume.set_last(v, c >= o)

    def _append(self, ts: int, o: float, h: float, l: float, c: float, v: float) -> None:
        """A new bar: written into spare capacity (amortized O(1), no copy of the history); the
        overlay lines stay one bar short until the owner recomputes them at the bar's close."""
        at_right_edge = self._view_shows_last_bar()
        new_day, new_minute = et_day_and_minute(np.array([ts, self._ts[-1]], dtype=np.int64))
        if self._n == len(self._buffers["ts"]):
            self._buffers = {k: _with_room(b[: self._n], b.dtype) for k, b in self._buffers.items()}
        for name, value in (("ts", ts), ("open", o), ("high", h), ("low", l), ("close", c), ("volume", v)):
            self._buffers[name][self._n] = value
        self._n += 1
        self._expose()
        self.candles.append(o, h, l, c, self._o, self._h, self._l, self._c)
        self.volume.append(v, c >= o, self._v, self._c >= self._o)
        for axis in self.time_axes:
            axis.set_timestamps(self._ts, daily=not self.timeframe.is_intraday)
        if new_day[0] != new_day[1]:
            self.breaks.set_breaks(np.r_[self.breaks.break_index, self._n - 1], self._n)
        self.extended_shade.append(self.timeframe.is_intraday and bool(extended_mask(new_minute[:1])[0]))
        if at_right_edge:
            (x0, x1), _ = self.price_plot.vb.viewRange()
            self.price_plot.vb.setXRange(x0 + 1, x1 + 1, padding=0)

    def is_ready(self) -> bool:
        """Bars are on screen (the smoke run waits for this before painting)."""
        return len(self._ts) > 0

    def _expose(self) -> None:
        """Views of the first ``_n`` rows of the growable buffers."""
        b, n = self._buffers, self._n
        self._ts, self._o, self._h, self._l, self._c, self._v = (
            b["ts"][:n], b["open"][:n], b["high"][:n], b["low"][:n], b["close"][:n], b["volume"][:n])

    @property
    def bar_count(self) -> int:
        return len(self._ts)

    def arrays(self) -> tuple[np.ndarray, ...]:
        """Copies of (ts, open, high, low, close, volume) as shown, live bar included."""
        return tuple(a.copy() for a in (self._ts, self._o, self._h, self._l, self._c, self._v))

    def current_levels(self) -> tuple[tuple[str, float], ...]:
        return self._overlays.levels if self._overlays is not None else ()

    def last_bar(self) -> tuple[int, float, float, float, float, float]:
        return (int(self._ts[-1]), float(self._o[-1]), float(self._h[-1]), float(self._l[-1]), float(self._c[-1]),
                float(self._v[-1]))

    # -- view ----------------------------------------------------------------------------------
    def _view_shows_last_bar(self) -> bool:
        (_x0, x1), _ = self.price_plot.vb.viewRange()
        return x1 >= len(self._ts) - 1

    def _view_anchor(self) -> tuple[int | None, float]:
        """Where the view is, in time rather than bar index (a reload, e.g. with extended hours
        switched, changes which index a moment has): the time at its right edge (None when it
        follows the last bar) and its width in bars."""
        (x0, x1), _ = self.price_plot.vb.viewRange()
        if self._view_shows_last_bar():
            return None, x1 - x0
        return int(self._ts[min(max(round(x1), 0), len(self._ts) - 1)]), x1 - x0

    def _restore_view(self, right_ts: int | None, width: float) -> None:
        n = len(self._ts)
        if right_ts is None:  # it followed the last bar: keep the same margin after it
            right = n + 2.0
        else:
            right = float(min(np.searchsorted(self._ts, right_ts, side="right") - 1, n - 1))
            right = max(right, min(width, n + 2.0) - 1)  # a moment before the new history: its oldest page
        self.price_plot.vb.setXRange(right - width, right, padding=0)
        self._fit_y()  # the bars under the view changed even where its range did not

    def _page_bars(self) -> float:
        (x0, x1), _ = self.price_plot.vb.viewRange()
        return max(1.0, round((x1 - x0) * PAN_FRACTION))

    def pan_bars(self, bars: float) -> None:
        """Move the view by ``bars`` (negative: back in time), never past either end."""
        (x0, x1), _ = self.price_plot.vb.viewRange()
        n = len(self._ts)
        shift = min(max(bars, -1 - x0), n + 2 - x1) if n else 0
        if shift:
            self.price_plot.vb.setXRange(x0 + shift, x1 + shift, padding=0)

    def zoom_bars(self, factor: float) -> None:
        """Show ``factor`` times as many bars, the right edge kept (it is where the trader looks)."""
        (x0, x1), _ = self.price_plot.vb.viewRange()
        width = min(max((x1 - x0) * factor, MIN_VISIBLE_BARS), max(len(self._ts) + 3, MIN_VISIBLE_BARS))
        self.price_plot.vb.setXRange(x1 - width, x1, padding=0)

    def show_oldest(self) -> None:
        (x0, x1), _ = self.price_plot.vb.viewRange()
        self.price_plot.vb.setXRange(-1, x1 - x0 - 1, padding=0)

    def reset_view(self) -> None:
        n = len(self._ts)
        self.price_plot.vb.setXRange(max(-1, n - DEFAULT_VISIBLE_BARS), n + 2, padding=0)
        self._fit_y()

    def _fit_y(self) -> None:
        """Fit every pane's y to the visible bars — not while a mouse button is held (panning)."""
        if QApplication.mouseButtons() != Qt.MouseButton.NoButton:
            self._fit_timer.start()
            return
        if not len(self._ts):
            return
        (x0, x1), _ = self.price_plot.vb.viewRange()
        lo, hi = max(0, math.floor(x0)), min(len(self._ts), math.ceil(x1) + 1)
        if hi <= lo:
            return
        low, high = float(self._l[lo:hi].min()), float(self._h[lo:hi].max())
        pad = (high - low) * 0.05 or high * 0.001
        self.price_plot.vb.setYRange(low - pad, high + pad, padding=0)
        vmax = float(self._v[lo:hi].max())
        self.volume_plot.vb.setYRange(0, vmax * 1.1 if vmax > 0 else 1, padding=0)
        if self._overlays is not None:
            parts = [a[lo:hi] for a in (self._overlays.macd, self._overlays.macd_signal, self._overlays.macd_hist)]
            finite = np.concatenate([p[np.isfinite(p)] for p in parts])
            if len(finite):
                m = float(np.abs(finite).max()) or 1.0
                self.macd_plot.vb.setYRange(-m * 1.1, m * 1.1, padding=0)

    # -- levels and markers ---------------------------------------------------------------------
    def add_level(self, key: str, price: float, label: str, color: str, draggable: bool = False) -> pg.InfiniteLine:
        self.remove_level(key)
        line = pg.InfiniteLine(price, angle=0, movable=draggable,
                               pen=pg.mkPen(color, width=1.3 if draggable else 1, style=Qt.PenStyle.DashLine),
                               label=f"{label} {price:,.2f}",
                               labelOpts={"position": 0.97, "color": color, "anchors": [(1, 1), (1, 1)]})
        line.setZValue(20)
        if draggable:
            line.sigPositionChangeFinished.connect(lambda ln, k=key, lb=label: self._on_level_dragged(k, lb, ln))
        self.price_plot.addItem(line, ignoreBounds=True)
        self._levels[key] = LevelLine(key, line, key.split(":", 1)[0])  # kind = the key's prefix
        self._labels_timer.start()
        return line

    def _layout_level_labels(self) -> None:
        stagger_labels(self.price_plot.vb, (lv.line for lv in self._levels.values()), LABEL_RIGHT)

    def _on_level_dragged(self, key: str, label: str, line: pg.InfiniteLine) -> None:
        price = round_to_tick(line.value())
        line.setValue(price)
        line.label.setFormat(f"{label} {price:,.2f}")
        self._labels_timer.start()
        self.level_moved.emit(key, price)

    def remove_level(self, key: str) -> None:
        level = self._levels.pop(key, None)
        if level is not None:
            self.price_plot.removeItem(level.line)

    def level_keys(self, kind: str | None = None) -> list[str]:
        return [k for k, v in self._levels.items() if kind is None or v.kind == kind]

    def add_marker(self, index: int, price: float, text: str, color: str = "#ff9800") -> pg.TextItem:
        item = pg.TextItem(text, color=color, anchor=(0.5, 1.2))
        item.setPos(index, price)
        self.price_plot.addItem(item)
        return item

    def index_of_time(self, ts: int) -> int:
        """Index of the bar containing UTC second ``ts`` (the last bar starting at or before it)."""
        return int(np.searchsorted(self._ts, ts, side="right") - 1)

    # -- mouse ------------------------------------------------------------------------------------
    def readout_at(self, x: float) -> str:
        i = round(x)
        if not 0 <= i < len(self._ts):
            return " "
        parts = [f"{self.time_axis.label_for(i)} ET", f"O {self._o[i]:,.2f}", f"H {self._h[i]:,.2f}",
                 f"L {self._l[i]:,.2f}", f"C {self._c[i]:,.2f}"]
        if self._v[i] > 0:
            parts.append(f"V {self._v[i]:,.0f}")
        ov = self._overlays
        if ov is not None:
            for label, arr in (("EMA8", ov.ema8), ("EMA21", ov.ema21), ("VWAP", ov.vwap), ("RSI", ov.rsi),
                               ("MACD", ov.macd)):
                if i < len(arr) and np.isfinite(arr[i]):
                    parts.append(f"{label} {arr[i]:,.2f}")
        return "  ".join(parts)

    def _on_mouse_moved(self, event: tuple) -> None:
        pos = event[0]
        in_view = self.price_plot.vb.sceneBoundingRect().contains(pos)
        if not in_view:
            self.cursor_tag.set(None)
        if not self.price_plot.sceneBoundingRect().contains(pos):
            return
        point = self.price_plot.vb.mapSceneToView(pos)
        self.v_cross.setPos(point.x())
        self.h_cross.setPos(point.y())
        if in_view:  # the cursor's price on the axis, at the tick the context menu would use
            self.cursor_tag.set(round_to_tick(point.y()), COLORS["cursor"])
        self.readout.setText(self.readout_at(point.x()))

    def _on_click(self, event) -> None:
        if event.double() and event.button() == Qt.MouseButton.LeftButton:
            self.reset_view()
            return
        if event.button() != Qt.MouseButton.RightButton:
            return
        if not self.price_plot.sceneBoundingRect().contains(event.scenePos()):
            return
        price = self.price_plot.vb.mapSceneToView(event.scenePos()).y()
        menu = self.context_menu(price, self._alert_near(event.scenePos()))
        event.accept()
        menu.popup(event.screenPos().toPoint())

    def _alert_near(self, scene_pos: QPointF, pixels: float = 5.0) -> str | None:
        for key, level in self._levels.items():
            if level.kind != "alert":
                continue
            y_scene = self.price_plot.vb.mapViewToScene(QPointF(0, level.line.value())).y()
            if abs(y_scene - scene_pos.y()) <= pixels:
                return key
        return None

    def context_menu(self, price: float, alert_key: str | None = None) -> QMenu:
        """The right-click menu at ``price`` (rounded to the tick); built, not shown."""
        price = round_to_tick(price)
        self.menu_price = price
        menu = QMenu(self)
        if alert_key is not None:
            menu.addAction("Remove this alert", lambda: self.level_remove_requested.emit(alert_key))
            menu.addSeparator()
        menu.addAction(f"Alert when price crosses {price:,.2f}", lambda: self.alert_requested.emit("crosses", price))
        menu.addAction(f"Alert above {price:,.2f}", lambda: self.alert_requested.emit("above", price))
        menu.addAction(f"Alert below {price:,.2f}", lambda: self.alert_requested.emit("below", price))
        menu.addAction(f"New alert at {price:,.2f}…", lambda: self.alert_details_requested.emit(price))
        # Only what the app can do: the owner says which panels can take the request.
        extras = [(signal, text) for signal, what, text in
                  ((self.chain_requested, "chain", f"Open options chain near {price:,.2f}"),) if self.can_request(what)]
        if extras:
            menu.addSeparator()
        for signal, text in extras:
            menu.addAction(text, lambda s=signal: s.emit(price))
        return menu


def _with_room(values: np.ndarray, dtype: type, spare: float = 0.25) -> np.ndarray:
    """A copy of ``values`` with ~25 % spare rows at the end for live bars."""
    out = np.empty(len(values) + max(64, int(len(values) * spare)), dtype=dtype)
    out[: len(values)] = values
    return out


def _row_of(layout_widget: pg.GraphicsLayoutWidget, plot: pg.PlotItem) -> int:
    return layout_widget.ci.items[plot][0][0]  # {item: [(row, col), …]}
