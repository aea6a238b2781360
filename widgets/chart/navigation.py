"""Where the chart looks: pan, zoom, jumps, the view kept across reloads, y fitted to the bars
on screen, and the keys for all of it (as on trading platforms: arrows pan, +/- zoom,
End/Home jump)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

from analytics.chart_overlays import ChartOverlays
from data.live_bars import LiveBars
from widgets.chart.panes import ChartPanes

DEFAULT_VISIBLE_BARS = 150
PAN_FRACTION = 0.1  # arrow keys move the view by a tenth of what it shows
ZOOM_STEP = 1.25  # +/- show 20 % fewer / 25 % more bars
MIN_VISIBLE_BARS = 10
FIT_DELAY_MS = 30  # y follows x once the range settles, not on every step
ViewAnchor = tuple[int | None, float]


class ChartNavigation:
    def __init__(self, owner: QWidget, panes: ChartPanes, live: LiveBars,
                 overlays: Callable[[], ChartOverlays | None], when_due: Callable[[], None]) -> None:
        """``when_due`` is told when a y fit is due; the owner calls ``fit_if_due`` in its own
        turn (with the other charts' live work, one chart a turn: ``live_flush``)."""
        self._panes = panes
        self.fit_due = False
        self._vb = panes.price_plot.vb
        self._live = live
        self._overlays = overlays
        self._fit_timer = QTimer(owner, singleShot=True, interval=FIT_DELAY_MS)
        self._fit_timer.timeout.connect(self._due)
        self._when_due = when_due
        self._vb.sigXRangeChanged.connect(lambda *_: self._fit_timer.start())
        self._install_keys(owner)

    def _due(self) -> None:
        self.fit_due = True
        self._when_due()

    def fit_if_due(self) -> None:
        if self.fit_due:
            self.fit_due = False
            self.fit_y()

    def _install_keys(self, owner: QWidget) -> None:
        key = Qt.Key
        for keys, what, action in (
                ((key.Key_Left,), "Back one page", lambda: self.pan_bars(-self.page_bars())),
                ((key.Key_Right,), "Ahead one page", lambda: self.pan_bars(self.page_bars())),
                ((key.Key_Plus, key.Key_Equal, key.Key_Up), "Zoom in", lambda: self.zoom_bars(1 / ZOOM_STEP)),
                ((key.Key_Minus, key.Key_Down), "Zoom out", lambda: self.zoom_bars(ZOOM_STEP)),
                ((key.Key_End,), "Back to the newest bars", self.reset_view),
                ((key.Key_Home,), "The oldest bars", self.show_oldest)):
            for k in keys:
                shortcut = QShortcut(QKeySequence(k), owner)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(action)
                shortcut.setWhatsThis(what)  # (Help → Keyboard shortcuts lists it)

    def _x_range(self) -> tuple[float, float]:
        (x0, x1), _ = self._vb.viewRange()
        return x0, x1

    def shows_index(self, index: int) -> bool:
        """The view reaches bar ``index`` (or beyond) at its right edge."""
        return self._x_range()[1] >= index

    def view_anchor(self) -> ViewAnchor:
        """Where the view is, in time rather than bar index (a reload, e.g. with extended hours
        switched, changes which index a moment has): the time at its right edge (None when it
        follows the last bar) and its width in bars."""
        x0, x1 = self._x_range()
        ts = self._live.ts
        if self.shows_index(len(ts) - 1):
            return None, x1 - x0
        return int(ts[min(max(round(x1), 0), len(ts) - 1)]), x1 - x0

    def restore_view(self, right_ts: int | None, width: float) -> None:
        ts = self._live.ts
        n = len(ts)
        if right_ts is None:  # it followed the last bar: keep the same margin after it
            right = n + 2.0
        else:
            right = float(min(np.searchsorted(ts, right_ts, side="right") - 1, n - 1))
            right = max(right, min(width, n + 2.0) - 1)  # a moment before the new history: its oldest page
        self._vb.setXRange(right - width, right, padding=0)
        self.fit_y()  # the bars under the view changed even where its range did not

    def follow_new_bar(self, was_at_right_edge: bool) -> None:
        """A bar was appended: a view on the latest bars moves along with it."""
        if was_at_right_edge:
            x0, x1 = self._x_range()
            self._vb.setXRange(x0 + 1, x1 + 1, padding=0)

    def page_bars(self) -> float:
        x0, x1 = self._x_range()
        return max(1.0, round((x1 - x0) * PAN_FRACTION))

    def pan_bars(self, bars: float) -> None:
        """Move the view by ``bars`` (negative: back in time), never past either end."""
        x0, x1 = self._x_range()
        n = len(self._live)
        shift = min(max(bars, -1 - x0), n + 2 - x1) if n else 0
        if shift:
            self._vb.setXRange(x0 + shift, x1 + shift, padding=0)

    def zoom_bars(self, factor: float) -> None:
        """Show ``factor`` times as many bars, the right edge kept (it is where the trader looks)."""
        x0, x1 = self._x_range()
        width = min(max((x1 - x0) * factor, MIN_VISIBLE_BARS), max(len(self._live) + 3, MIN_VISIBLE_BARS))
        self._vb.setXRange(x1 - width, x1, padding=0)

    def show_oldest(self) -> None:
        x0, x1 = self._x_range()
        self._vb.setXRange(-1, x1 - x0 - 1, padding=0)

    def reset_view(self) -> None:
        n = len(self._live)
        self._vb.setXRange(max(-1, n - DEFAULT_VISIBLE_BARS), n + 2, padding=0)
        self.fit_y()

    def fit_y(self) -> None:
        """Fit every pane's y to the visible bars — not while a mouse button is held (panning)."""
        if QApplication.mouseButtons() != Qt.MouseButton.NoButton:
            self._fit_timer.start()
            return
        x0, x1 = self._x_range()
        lo, hi = max(0, math.floor(x0)), min(len(self._live), math.ceil(x1) + 1)
        if hi <= lo:
            return
        live, panes = self._live, self._panes
        panes.fit_price(float(live.low[lo:hi].min()), float(live.high[lo:hi].max()))
        panes.fit_volume(panes.volume.visible_max())
        self._fit_macd(lo, hi)
        panes.settle_geometry()

    def _fit_macd(self, lo: int, hi: int) -> None:
        overlays = self._overlays()
        if overlays is None:
            return
        parts = [a[lo:hi] for a in (overlays.macd, overlays.macd_signal, overlays.macd_hist)]
        finite = np.concatenate([p[np.isfinite(p)] for p in parts])
        if len(finite):
            m = float(np.abs(finite).max()) or 1.0
            self._panes.macd_plot.vb.setYRange(-m * 1.1, m * 1.1, padding=0)
