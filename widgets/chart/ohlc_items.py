"""Candlestick and volume items that draw only what is visible.

x is the bar index (float64), never time. When more than ~2 bars share a pixel, neighbouring
bars are merged into OHLC groups aligned to absolute index multiples (so groups do not shimmer
while panning): first open, max high, min low, last close, summed volume — never a stride
subsample, so spikes stay visible.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen

UP_COLOR, DOWN_COLOR = QColor("#26a69a"), QColor("#ef5350")
MERGE_ABOVE_BARS_PER_PIXEL = 2.0


def group_size(bars_per_pixel: float) -> int:
    """1 while candles are at least half a pixel wide, else the bars merged into one."""
    if not math.isfinite(bars_per_pixel) or bars_per_pixel <= MERGE_ABOVE_BARS_PER_PIXEL:
        return 1
    return math.ceil(bars_per_pixel)


def merge_ohlc(start: int, o: np.ndarray, h: np.ndarray, l: np.ndarray, c: np.ndarray, g: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Merge bars ``start…start+len-1`` into groups of ``g`` aligned to multiples of ``g``.
    Returns (group start index, open, high, low, close)."""
    n = len(o)
    if g <= 1 or n == 0:
        return start + np.arange(n, dtype=np.float64), o, h, l, c
    first = -start % g  # offset of the first aligned boundary inside the slice
    bounds = np.arange(first, n, g)
    starts = np.r_[0, bounds] if first else bounds
    starts = np.unique(starts)
    ends = np.r_[starts[1:], n] - 1
    return ((start + starts).astype(np.float64), o[starts], np.maximum.reduceat(h, starts),
            np.minimum.reduceat(l, starts), c[ends])


class _VisibleRangeItem(pg.GraphicsObject):
    """Shared plumbing: data extents for the bounding rect, visible index range for painting."""

    def __init__(self) -> None:
        super().__init__()
        self._n = 0
        self._y_min = self._y_max = 0.0
        self.last_painted_groups = 0  # for tests and benchmarks
        self.last_group_size = 1

    def boundingRect(self) -> QRectF:
        if self._n == 0:
            return QRectF()
        return QRectF(-1.0, self._y_min, self._n + 1.0, max(self._y_max - self._y_min, 1e-9))

    def visible_slice(self) -> tuple[int, int, float]:
        """(first index, last index + 1, bars per pixel) of what the view shows now."""
        vb = self.getViewBox()
        if vb is None or self._n == 0:
            return 0, self._n, 1.0
        (x0, x1), _ = vb.viewRange()
        lo = max(0, math.floor(x0) - 1)
        hi = min(self._n, math.ceil(x1) + 2)
        width_px = max(1.0, vb.width())
        return lo, max(lo, hi), (x1 - x0) / width_px


class CandlestickItem(_VisibleRangeItem):
    def __init__(self) -> None:
        super().__init__()
        self._o = self._h = self._l = self._c = np.empty(0)

    def set_data(self, o: np.ndarray, h: np.ndarray, l: np.ndarray, c: np.ndarray) -> None:
        self.prepareGeometryChange()
        self._o, self._h, self._l, self._c = (np.asarray(a, dtype=np.float64) for a in (o, h, l, c))
        self._n = len(self._o)
        self._y_min = float(self._l.min()) if self._n else 0.0
        self._y_max = float(self._h.max()) if self._n else 0.0
        self.update()

    def set_last(self, o: float, h: float, l: float, c: float) -> None:
        """Replace the last bar in place (a live update): repaint only its column."""
        if self._n == 0:
            return
        for arr, value in ((self._o, o), (self._h, h), (self._l, l), (self._c, c)):
            arr[-1] = value
        if l < self._y_min or h > self._y_max:
            self.prepareGeometryChange()
            self._y_min, self._y_max = min(self._y_min, l), max(self._y_max, h)
        self.update(QRectF(self._n - 1.5, self._y_min, 1.0, self._y_max - self._y_min))

    def paint(self, p: QPainter, *_args) -> None:
        lo, hi, bpp = self.visible_slice()
        if hi <= lo:
            return
        g = group_size(bpp)
        x, o, h, l, c = merge_ohlc(lo, self._o[lo:hi], self._h[lo:hi], self._l[lo:hi], self._c[lo:hi], g)
        self.last_painted_groups, self.last_group_size = len(x), g
        half = 0.35 * g
        centre = x + (g - 1) / 2.0
        for up, color in ((True, UP_COLOR), (False, DOWN_COLOR)):
            sel = (c >= o) if up else (c < o)
            if not sel.any():
                continue
            pen = QPen(color)
            pen.setCosmetic(True)
            p.setPen(pen)
            xs, hs, ls = centre[sel], h[sel], l[sel]
            p.drawLines([QLineF(QPointF(xi, lo_), QPointF(xi, hi_)) for xi, lo_, hi_ in zip(xs, ls, hs, strict=True)])
            if g == 1 or half * 2 / max(bpp, 1e-12) >= 3:  # bodies only when wider than ~3 px
                p.setBrush(color)
                tops, bottoms = np.maximum(o[sel], c[sel]), np.minimum(o[sel], c[sel])
                p.drawRects([QRectF(xi - half, b, 2 * half, max(t - b, 1e-12))
                             for xi, b, t in zip(xs, bottoms, tops, strict=True)])


class VolumeItem(_VisibleRangeItem):
    def __init__(self) -> None:
        super().__init__()
        self._v = self._up = np.empty(0)

    def set_data(self, volume: np.ndarray, up: np.ndarray) -> None:
        self.prepareGeometryChange()
        self._v = np.asarray(volume, dtype=np.float64)
        self._up = np.asarray(up, dtype=bool)
        self._n = len(self._v)
        self._y_min, self._y_max = 0.0, float(self._v.max()) if self._n else 0.0
        self.update()

    def set_last(self, volume: float, up: bool) -> None:
        if self._n == 0:
            return
        self._v[-1], self._up[-1] = volume, up
        if volume > self._y_max:
            self.prepareGeometryChange()
            self._y_max = volume
        self.update(QRectF(self._n - 1.5, 0.0, 1.0, max(self._y_max, 1e-9)))

    def visible_max(self) -> float:
        lo, hi, _ = self.visible_slice()
        return float(self._v[lo:hi].max()) if hi > lo else 0.0

    def paint(self, p: QPainter, *_args) -> None:
        lo, hi, bpp = self.visible_slice()
        if hi <= lo or self._y_max <= 0:
            return  # an index has no volume: the pane stays empty
        g = group_size(bpp)
        v, up = self._v[lo:hi], self._up[lo:hi]
        if g > 1:
            x, _o, _h, _l, _c = merge_ohlc(lo, v, v, v, v, g)
            starts = (x - lo).astype(np.int64)
            v, up = np.add.reduceat(v, starts), up[np.r_[starts[1:], len(up)] - 1]
        else:
            x = lo + np.arange(len(v), dtype=np.float64)
        self.last_painted_groups, self.last_group_size = len(x), g
        half = 0.35 * g
        centre = x + (g - 1) / 2.0
        p.setPen(pg.mkPen(None))
        for flag, color in ((True, UP_COLOR), (False, DOWN_COLOR)):
            sel = up == flag
            if not sel.any():
                continue
            faded = QColor(color)
            faded.setAlpha(140)
            p.setBrush(faded)
            p.drawRects([QRectF(xi - half, 0.0, 2 * half, vi) for xi, vi in zip(centre[sel], v[sel], strict=True)])
