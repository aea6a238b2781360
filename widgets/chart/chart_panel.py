"""Chart panel: candles + volume, EMA/VWAP/opening-range overlays, key levels, RSI and MACD
panes, crosshair readout, right-click price actions, draggable alert lines, markers and detection markers.

A pure view composed of parts, one job each: ``panes`` (what is drawn), ``navigation`` (where
it looks, and its keys), ``levels`` (price lines), ``markers`` and ``interaction`` (mouse and
menu); the panel itself holds the toolbar and the data. Its bars are a
``data.live_bars.LiveBars``: live minutes fold into it in place and the candle items draw views
of its columns. ``set_bars`` / ``apply_bar`` / ``set_overlays`` feed it; user intents leave as
signals. x is the bar index; the bottom axis shows US/Eastern times.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMenu, QSizePolicy, QToolBar, QVBoxLayout, QWidget

from analytics.chart_overlays import ChartOverlays
from data.bar_aggregation import et_day_and_minute, et_day_minute_local
from data.live_bars import BarChange, LiveBars
from data.market_calendar import ET
from data.models import Bar, Bars, Timeframe
from data.symbols import SymbolKind, symbol_kind
from widgets.chart import live_flush, setup_lines
from widgets.chart.axis_tags import AxisTags
from widgets.chart.detections import DetectionMarkers
from widgets.chart.extended_hours import extended_mask
from widgets.chart.header import ChartHeader
from widgets.chart.interaction import ChartInteraction
from widgets.chart.levels import LevelLines
from widgets.chart.markers import Marker, MarkerLayer, marker_index
from widgets.chart.navigation import ChartNavigation
from widgets.chart.palette import COLORS, theme_colors
from widgets.chart.panes import ChartPanes
from widgets.chart.time_axis import chart_date
from widgets.chart.view_options import ChartViewOptions

TIMEFRAMES = [tf.value for tf in Timeframe]
LIVE_FLUSH_MS = 40  # merge live updates at 25 Hz
READOUT_MS = 200
BREAKS_UP_TO = Timeframe.H1.minutes  # the coarsest timeframe with session-break lines


class ChartPanel(QWidget):
    timeframe_changed = Signal(str)
    alert_requested = Signal(str, float)  # condition ("crosses"/"above"/"below"), price
    alert_details_requested = Signal(float)  # open the alerts panel prefilled at this price
    chain_requested = Signal(float)
    setup_requested = Signal(float)  # "Track setup here…" at this price
    extended_hours_changed = Signal(bool)
    level_moved = Signal(str, float)  # key, new price (alert lines dragged)
    level_remove_requested = Signal(str)
    pane_sizes_changed = Signal(str)  # the indicator panes' shares, after a drag (``PaneLayout``)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.symbol = ""
        self.timeframe = Timeframe.M5
        self.live = LiveBars("", self.timeframe)
        self.overlays: ChartOverlays | None = None
        self._pending_live: list[Bar] = []
        self._readout_due = False  # the readout label waits for a turn (``_show_state``)
        # which extra menu requests some panel can take ("chain", "alert"); set by the owner
        self.can_request: Callable[[str], bool] = lambda _what: False
        self.layout_widget = pg.GraphicsLayoutWidget()
        self.panes = ChartPanes(self.layout_widget)
        self.price_plot = self.panes.price_plot  # the pane others address (x range, theme)
        self._live_flush = live_flush.scheduler(LIVE_FLUSH_MS)  # charts take turns (one repaint a turn)
        self.navigation = ChartNavigation(self, self.panes, self.live, lambda: self.overlays, self._live_flush.wake)
        self.panes.layout.on_changed = self.pane_sizes_changed.emit
        self.levels = LevelLines(self, self.price_plot, self.level_moved.emit,
                                 lambda width: self.panes.fit_axes_to("levels", width))
        self.axis_tags = AxisTags(self.panes, self.levels)
        self.price_plot.getAxis("right").covered = self.levels.tags.spans  # numbers under tags left out
        self.markers = MarkerLayer(self.price_plot)
        self.detections = DetectionMarkers(self.price_plot, self.live)
        self._dropped = 0
        self._day_start = 0  # index of the last bar's ET day's first bar (the header's day range)
        self._build_labels()
        self.interaction = ChartInteraction(self)
        self.toolbar = self._build_toolbar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        for widget, stretch in ((self.toolbar, 0), (self.header, 0), (self.readout, 0), (self.layout_widget, 1),
                                (self.status, 0)):
            layout.addWidget(widget, stretch)
        self._live_flush.add(self, self.live_view())
        # the readout re-lays its rich text out per change: at most ~5 times a second while live
        self._readout_timer = QTimer(self, interval=READOUT_MS, singleShot=True)
        self._readout_timer.timeout.connect(self._show_live_readout)

    def _build_labels(self) -> None:
        self.header = ChartHeader()
        self.readout = QLabel(" ")
        self.readout.setObjectName("chartReadout")
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setWordWrap(True)  # a narrow chart wraps its values rather than cutting them
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    # -- toolbar -------------------------------------------------------------------------------
    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar()
        self._add_timeframe_actions(bar)
        bar.addSeparator()
        self.rsi_action = QAction("RSI", self, checkable=True, checked=True)
        self.macd_action = QAction("MACD", self, checkable=True, checked=True)
        self.rsi_action.toggled.connect(lambda on: self.panes.show_pane(self.panes.rsi_plot, on))
        self.macd_action.toggled.connect(lambda on: self.panes.show_pane(self.panes.macd_plot, on))
        bar.addAction(self.rsi_action)
        bar.addAction(self.macd_action)
        self.view_options = ChartViewOptions(self.panes, self.rsi_action, self.macd_action, self)
        bar.addWidget(self.view_options.button)
        bar.addSeparator()
        self.eth_action = QAction("ETH", self, checkable=True)
        self.eth_action.setToolTip("Extended hours: pre-market and after-hours bars on intraday timeframes")
        self.eth_action.triggered.connect(lambda checked: self.extended_hours_changed.emit(bool(checked)))
        bar.addAction(self.eth_action)
        return bar

    def _add_timeframe_actions(self, bar: QToolBar) -> None:
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
            shortcut.setWhatsThis(f"{tf} bars")  # (Help → Keyboard shortcuts lists it)

    @property
    def extended_hours(self) -> bool:
        return self.eth_action.isChecked()

    def set_extended_hours(self, on: bool) -> None:
        self.eth_action.setChecked(on)

    def set_timeframe(self, tf: str, emit: bool = False) -> None:
        timeframe = Timeframe.parse(tf)
        self.timeframe_actions[timeframe.value].setChecked(True)
        if timeframe is self.timeframe and not emit:
            return
        changed = timeframe is not self.timeframe
        self.timeframe = timeframe
        if emit and changed:
            self.timeframe_changed.emit(timeframe.value)

    # -- data ----------------------------------------------------------------------------------
    def set_bars(self, symbol: str, bars: Bars, overlays: ChartOverlays | None, dropped: int = 0,
                 forming_minutes: Iterable[Bar] | None = None) -> None:
        """Show ``bars`` (already cleaned: sorted, unique, finite) and their overlays.
        ``forming_minutes``: the 1-minute bars inside the last (still forming) bar, so live
        minute updates can rebuild it exactly instead of double counting."""
        keep_view = symbol == self.symbol and bars.timeframe is self.timeframe and len(self.live) > 0
        anchor = self.navigation.view_anchor() if keep_view else None
        if symbol != self.symbol:
            self._forget_symbol(symbol)
        self.symbol = symbol
        self.set_timeframe(bars.timeframe.value)
        self.live.load(bars, forming_minutes or ())
        self._dropped = dropped
        self.panes.set_volume_shown(self.has_volume)
        self._draw_bars()
        self.set_overlays(overlays)
        self.panes.show_last_price(self.live)
        self.axis_tags.moved()
        self.markers.relocate(self.marker_index)
        self.detections.relocate()
        self._show_state()
        if anchor is None or not len(self.live):
            self.navigation.reset_view()
        else:
            self.navigation.restore_view(*anchor)

    def _forget_symbol(self, symbol: str) -> None:
        """A new symbol: nothing of the previous one stays — its markers, lines (alert, key and
        other levels: each owner draws the new symbol's), tags, readout and header values."""
        self.set_extended_price(None)  # the next quote brings this one's
        self.markers.clear()
        self.detections.clear()
        self.levels.clear()
        self.overlays = None
        self.interaction.clear()
        self.header.reset(symbol)

    @property
    def has_volume(self) -> bool:
        """Indices have no volume of their own (providers send zeros): no volume bars."""
        return symbol_kind(self.symbol) is not SymbolKind.INDEX and bool(np.any(self.live.volume > 0))

    def _show_state(self, later: bool = False) -> None:
        """Status line, day range and readout as the bars are now (after a load and as bars arrive).
        ``later`` (a live bar appended): the readout label takes its text in this chart's next live
        turn (``flush_live``) — the bar's turn already repaints the chart, and the readout's rich
        text layout and paint (~2 ms) made that turn the loop's longest stall."""
        n = len(self.live)
        last = f" · last {self.panes.time_axis.label_for(n - 1)} ET" if n else ""
        self.status.setText(f"{self.symbol} {self.timeframe.value}: {n:,} bars{last}"
                            + (f", {self._dropped} bad bars dropped" if self._dropped else "")
                            + ("" if self.has_volume or not n else " · no volume for this symbol"))
        if n:
            day = chart_date(datetime.fromtimestamp(int(self.live.ts[self._day_start]), ET))
            self.header.update_state(day_low=float(self.live.low[self._day_start:].min()),
                                     day_high=float(self.live.high[self._day_start:].max()), day=day)
        if not self.panes.v_cross.isVisible():  # the mouse is off the chart: the last bar's values
            self.interaction.show_readout(n - 1, later=later)
            self._readout_due = later
            if later:
                self._live_flush.wake()

    def _draw_bars(self) -> None:
        live, panes, intraday = self.live, self.panes, self.timeframe.is_intraday
        panes.candles.set_data(live.open, live.high, live.low, live.close)
        panes.volume.set_data(live.volume, live.close >= live.open)
        day, minute, local = et_day_minute_local(live.ts)  # once: time axis, session breaks and extended hours
        panes.set_timestamps(live.ts, daily=not intraday, local=local)
        starts = np.flatnonzero(np.r_[False, day[1:] != day[:-1]])
        panes.breaks.set_breaks(starts, len(live))
        # a break per bar on 4h and daily bars says nothing: only charts of whole hours or less
        panes.breaks.setVisible(intraday and self.timeframe.minutes <= BREAKS_UP_TO)
        self._day_start = int(starts[-1]) if len(starts) else 0
        panes.extended_shade.set_mask(extended_mask(minute) if intraday else np.zeros(len(live), dtype=bool))

    def set_overlays(self, overlays: ChartOverlays | None) -> None:
        previous_levels = self.overlays.levels if self.overlays is not None else None
        self.overlays = overlays
        self.panes.set_overlay_lines(overlays, len(self.live))
        levels = overlays.levels if overlays is not None else None
        if levels != previous_levels:  # unchanged (the per-minute overlay refresh): keep the lines
            self.levels.replace_kind("level", levels or (), self.panes.colors["level"])

    def apply_bar(self, bar: Bar) -> None:
        """Queue a live 1-minute bar of this symbol; merged into the chart at ~25 Hz."""
        if bar.symbol == self.symbol and len(self.live):
            self._pending_live.append(bar)
            self._live_flush.wake()

    def has_pending_live(self) -> bool:
        return bool(self._pending_live) or self.navigation.fit_due or self._readout_due

    def live_view(self) -> QWidget:
        """Where live merges are painted (the plots' viewport)."""
        return self.layout_widget.viewport()

    def flush_live(self) -> None:
        """Merge the queued live bars now, and fit y if due (``live_flush`` does it ~25 times a
        second). The readout of a bar appended in the chart's last turn is shown in this one."""
        if self._readout_due:
            self._readout_due = False
            self.interaction.apply_readout()
        self.navigation.fit_if_due()
        if not self._pending_live:
            return
        pending, self._pending_live = self._pending_live, []
        n = len(self.live)
        for bar in pending:
            self._merge_minute(bar)
        self.panes.show_last_price(self.live)
        self.axis_tags.moved()
        if len(self.live) != n:
            self._show_state(later=True)
            return
        self.header.update_state(day_low=min(self.header.state.day_low, float(self.live.low[-1])),
                                 day_high=max(self.header.state.day_high, float(self.live.high[-1])))
        if not self._readout_timer.isActive():  # the readout is the live bar's, as it forms
            self._readout_timer.start()

    def _show_live_readout(self) -> None:
        if not self.panes.v_cross.isVisible():  # (the mouse off the chart)
            self.interaction.show_readout(len(self.live) - 1)

    def _merge_minute(self, bar: Bar) -> None:
        change = self.live.merge_minute(bar)
        if change is BarChange.UPDATED:
            _ts, o, h, l, c, v = self.live.last_bar()
            self.panes.candles.set_last(o, h, l, c)
            self.panes.volume.set_last(v, c >= o)
        elif change is BarChange.APPENDED:
            self._draw_appended()
        elif change is BarChange.REVISED:  # a minute the stream missed, filled late: redraw the history
            self._draw_bars()
            self.markers.relocate(self.marker_index)  # a bar inserted moves the later ones
            self.detections.relocate()

    def _draw_appended(self) -> None:
        """A new bar, written into the live buffer's spare rows: the items take the longer views;
        the overlay lines stay one bar short until the owner recomputes them at the bar's close."""
        live, panes, n = self.live, self.panes, len(self.live)
        was_at_right_edge = self.navigation.shows_index(n - 2)  # the view as it was before the bar
        _ts, o, h, l, c, v = live.last_bar()
        new_day, new_minute = et_day_and_minute(live.ts[::-1][:2].copy())  # the new bar, the one before
        panes.candles.append(o, h, l, c, live.open, live.high, live.low, live.close)
        panes.volume.append(v, c >= o, live.volume, live.close >= live.open)
        panes.set_timestamps(live.ts, daily=not self.timeframe.is_intraday)
        if n > 1 and new_day[0] != new_day[1]:
            panes.breaks.set_breaks(np.r_[panes.breaks.break_index, n - 1], n)
            self._day_start = n - 1
        panes.extended_shade.append(self.timeframe.is_intraday and bool(extended_mask(new_minute[:1])[0]))
        self.markers.follow_new_bar(int(live.ts[n - 1]), self.marker_index, n - 1)
        self.detections.follow_new_bar(int(live.ts[n - 1]))
        self.navigation.follow_new_bar(was_at_right_edge)
        panes.settle_geometry()

    def set_extended_price(self, price: float | None, label: str = "") -> None:
        """The latest pre-market or after-hours trade (``label`` "pre"/"post") as its own tag,
        for a chart that shows the regular session only; None, or the same price as the last
        bar, hides it."""
        self.axis_tags.set_extended_price(price, label, float(self.live.close[-1]) if len(self.live) else None)

    def set_theme(self, theme: str) -> None:
        """The lines, tags and text in ``theme``'s colours (the app's ``style_plots`` calls it)."""
        colors = theme_colors(theme)
        self.panes.set_theme(colors, dark=theme != "light")
        self.levels.recolor("level", colors["level"])
        setup_lines.recolor(self.levels, colors)
        self.detections.recolor(colors)
        self.interaction.show_readout(len(self.live) - 1)

    def is_ready(self) -> bool:
        """Bars are on screen (the smoke run waits for this before painting)."""
        return len(self.live) > 0

    @property
    def bar_count(self) -> int:
        return len(self.live)

    def arrays(self) -> tuple[np.ndarray, ...]:
        """Copies of (ts, open, high, low, close, volume) as shown, live bar included."""
        return self.live.arrays()

    def last_bar(self) -> tuple[int, float, float, float, float, float]:
        return self.live.last_bar()

    def current_levels(self) -> tuple[tuple[str, float], ...]:
        return self.overlays.levels if self.overlays is not None else ()

    def index_of_time(self, ts: int) -> int:
        """Index of the bar containing UTC second ``ts`` (the last bar starting at or before it)."""
        return self.live.index_of_time(ts)

    def marker_index(self, ts: int) -> int:
        """Where a marker of UTC second ``ts`` goes (``markers.marker_index``): its bar, or
        the right edge for a moment past the last bar (pre-market on a regular-hours chart)."""
        return marker_index(self.live.ts, self.timeframe.minutes * 60, ts)

    # -- the parts' public faces -----------------------------------------------------------------
    def pan_bars(self, bars: float) -> None:
        self.navigation.pan_bars(bars)

    def zoom_bars(self, factor: float) -> None:
        self.navigation.zoom_bars(factor)

    def reset_view(self) -> None:
        self.navigation.reset_view()

    def show_oldest(self) -> None:
        self.navigation.show_oldest()

    def add_level(self, key: str, price: float, label: str, color: str, draggable: bool = False) -> pg.InfiniteLine:
        return self.levels.add(key, price, label, color, draggable)

    def remove_level(self, key: str) -> None:
        self.levels.remove(key)

    def level_keys(self, kind: str | None = None) -> list[str]:
        return self.levels.keys(kind)

    def add_marker(self, index: int, price: float, text: str, color: str = COLORS["alert"],
                   ts: int | None = None) -> Marker:
        """Mark bar ``index`` at ``price``; ``ts`` (default: the bar's start) puts it back on its
        bar after a reload."""
        if ts is None and 0 <= index < len(self.live):
            ts = int(self.live.ts[index])
        return self.markers.add(Marker(ts, index, price, text, color))

    def add_markers(self, markers: Iterable[Marker]) -> list[Marker]:
        """Several markers at once (one redraw); each ``Marker`` carries its bar's index and time."""
        return self.markers.add_many(markers)

    def readout_at(self, x: float) -> str:
        return self.interaction.readout_at(x)

    def context_menu(self, price: float, alert_key: str | None = None) -> QMenu:
        return self.interaction.context_menu(price, alert_key)
