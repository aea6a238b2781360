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
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from widgets.chart.paint_cache import PaintCache

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


def vertical_segments(x: np.ndarray, y0: np.ndarray, y1: np.ndarray) -> QPainterPath:
    """One path of vertical segments built from arrays (no Python object per segment)."""
    xs = np.repeat(np.asarray(x, dtype=np.float64), 2)
    ys = np.empty(len(xs))
    ys[0::2], ys[1::2] = y0, y1
    return pg.arrayToQPath(xs, ys, connect="pairs")


class _VisibleRangeItem(pg.GraphicsObject):
    """Shared plumbing: data extents for the bounding rect, visible index range for painting;
    the settled bars' picture cached while the view stays put (``PaintCache``), the forming
    bar's group drawn on top each paint."""

    def __init__(self) -> None:
        super().__init__()
        self._n = 0
        self._y_min = self._y_max = 0.0
        self._version = 0  # bumped whenever a bar other than the last one changes
        self._settled_groups = 0  # drawn into the settled picture
        self.settled_cache = PaintCache()
        self.last_painted_groups = 0  # for tests and benchmarks
        self.last_group_size = 1

    def _settled_changed(self) -> None:
        """A bar before the last one (or how bars look) changed: the settled picture is redrawn."""
        self._version += 1
        self.update()

    def paint(self, p: QPainter, *_args) -> None:
        # Replaying a cached QPicture of ~1,000 lines was measured slower (offscreen raster) than
        # drawing them again; an image of the view's area is blitted in a fraction of either.
        lo, hi, bpp = self.visible_slice()
        if hi <= lo:
            return
        g = group_size(bpp)
        live = min(hi, max(lo, (self._n - 1) // g * g))  # first bar of the forming bar's group

        def draw_settled(painter: QPainter) -> None:
            self._settled_groups = self.draw(painter, lo, live, bpp) if live > lo else 0

        # the whole item, clipped to the device by the cache (the volume item has its own transform,
        # so the view box's rectangle is not in its coordinates)
        self.settled_cache.paint(p, (lo, live, g, self._version), self.boundingRect(), draw_settled)
        forming = self.draw(p, live, hi, bpp) if hi > live else 0
        self.last_painted_groups, self.last_group_size = self._settled_groups + forming, g

    def draw(self, p: QPainter, lo: int, hi: int, bpp: float) -> int:
        """Subclasses draw bars ``lo…hi`` here (``bpp`` = bars per pixel); returns the groups drawn."""
        return 0

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
        self._merged: dict[int, tuple[np.ndarray, ...]] = {}  # group size -> whole-series groups

    def _groups(self, g: int, lo: int, hi: int) -> tuple[np.ndarray, ...]:
        """Groups of ``g`` bars covering [lo, hi). Groups are aligned to absolute multiples of
        ``g``, so the whole series is merged once per zoom level and then only sliced."""
        if g == 1:
            return (lo + np.arange(hi - lo, dtype=np.float64), self._o[lo:hi], self._h[lo:hi], self._l[lo:hi],
                    self._c[lo:hi])
        merged = self._merged.get(g)
        if merged is None or len(merged[0]) != -(-self._n // g):
            merged = merge_ohlc(0, self._o, self._h, self._l, self._c, g)
            self._merged = {g: merged}  # keep one zoom level: memory stays bounded
        first, last = lo // g, -(-hi // g)
        return tuple(a[first:last] for a in merged)

    def _patch_last_group(self) -> None:
        for x, o, h, l, c in self._merged.values():
            start = int(x[-1])
            o[-1], h[-1], l[-1], c[-1] = (self._o[start], self._h[start:].max(), self._l[start:].min(),
                                          self._c[-1])

    def set_data(self, o: np.ndarray, h: np.ndarray, l: np.ndarray, c: np.ndarray) -> None:
        self.prepareGeometryChange()
        self._o, self._h, self._l, self._c = (np.asarray(a, dtype=np.float64) for a in (o, h, l, c))
        self._n = len(self._o)
        self._merged = {}
        self._y_min = float(self._l.min()) if self._n else 0.0
        self._y_max = float(self._h.max()) if self._n else 0.0
        self._settled_changed()

    def append(self, o: float, h: float, l: float, c: float, *arrays: np.ndarray) -> None:
        """One more bar at the end; ``arrays`` are the (longer) open/high/low/close views."""
        self._o, self._h, self._l, self._c = arrays
        self._n = len(self._o)
        self._merged = {}
        if l < self._y_min or h > self._y_max or self._n == 1:
            self.prepareGeometryChange()
            self._y_min, self._y_max = min(self._y_min, l), max(self._y_max, h)
        else:
            self.prepareGeometryChange()  # the bounding rect grew by one bar
        self._settled_changed()

    def set_last(self, o: float, h: float, l: float, c: float) -> None:
        """Replace the last bar in place (a live update): repaint only its column."""
        if self._n == 0:
            return
        for arr, value in ((self._o, o), (self._h, h), (self._l, l), (self._c, c)):
            arr[-1] = value
        self._patch_last_group()
        if l < self._y_min or h > self._y_max:
            self.prepareGeometryChange()
            self._y_min, self._y_max = min(self._y_min, l), max(self._y_max, h)
        self.update(QRectF(self._n - 1.5, self._y_min, 1.0, self._y_max - self._y_min))

    def draw(self, p: QPainter, lo: int, hi: int, bpp: float) -> int:
        g = group_size(bpp)
        x, o, h, l, c = self._groups(g, lo, hi)
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
            p.drawPath(vertical_segments(xs, ls, hs))
            if g == 1 or half * 2 / max(bpp, 1e-12) >= 3:  # bodies only when wider than ~3 px
                p.setBrush(color)
                tops, bottoms = np.maximum(o[sel], c[sel]), np.minimum(o[sel], c[sel])
                p.drawRects([QRectF(xi - half, b, 2 * half, max(t - b, 1e-12))
                             for xi, b, t in zip(xs, bottoms, tops, strict=True)])
        return len(x)


def _towards_white(color: QColor, t: float) -> QColor:
    return QColor(*(round(v + (255 - v) * t) for v in (color.red(), color.green(), color.blue())))


class VolumeItem(_VisibleRangeItem):
    def __init__(self) -> None:
        super().__init__()
        self._v = self._up = np.empty(0)
        self._merged: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.set_shades(dark=True)

    def set_shades(self, dark: bool) -> None:
        """Opaque, pre-mixed colours (alpha-blended sub-pixel rectangles were ~8x slower): dimmed
        towards the background, so the bars stay behind the candles they sit under."""
        self.up_shade, self.down_shade = (c.darker(170) if dark else _towards_white(c, 0.55)
                                          for c in (UP_COLOR, DOWN_COLOR))
        self._settled_changed()

    def _groups(self, g: int, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if g == 1:
            return lo + np.arange(hi - lo, dtype=np.float64), self._v[lo:hi], self._up[lo:hi]
        merged = self._merged.get(g)
        if merged is None or len(merged[0]) != -(-self._n // g):
            starts = np.arange(0, self._n, g)
            merged = (starts.astype(np.float64), np.add.reduceat(self._v, starts),
                      self._up[np.r_[starts[1:], self._n] - 1])
            self._merged = {g: merged}
        first, last = lo // g, -(-hi // g)
        return tuple(a[first:last] for a in merged)  # type: ignore[return-value]

    def visible_max(self) -> float:
        """The tallest bar the view shows now — merged groups' sums when zoomed out (a scale from
        single bars let merged ones run up the whole pane, and cost twice the paint)."""
        lo, hi, bpp = self.visible_slice()
        if hi <= lo:
            return 0.0
        return float(self._groups(group_size(bpp), lo, hi)[1].max())

    def set_data(self, volume: np.ndarray, up: np.ndarray) -> None:
        self.prepareGeometryChange()
        self._v = np.asarray(volume, dtype=np.float64)  # a view: live updates write through
        self._up = np.asarray(up, dtype=bool)
        self._n = len(self._v)
        self._merged = {}
        self._y_min, self._y_max = 0.0, float(self._v.max()) if self._n else 0.0
        self._settled_changed()

    def append(self, volume: float, up: bool, volumes: np.ndarray, ups: np.ndarray) -> None:
        self.prepareGeometryChange()
        self._v, self._up = volumes, np.asarray(ups, dtype=bool)
        self._n = len(self._v)
        self._merged = {}
        self._y_max = max(self._y_max, volume)
        self._settled_changed()

    def set_last(self, volume: float, up: bool) -> None:
        if self._n == 0:
            return
        self._v[-1], self._up[-1] = volume, up
        for x, v, ups in self._merged.values():
            start = int(x[-1])
            v[-1], ups[-1] = self._v[start:].sum(), up
        if volume > self._y_max:
            self.prepareGeometryChange()
            self._y_max = volume
        self.update(QRectF(self._n - 1.5, 0.0, 1.0, max(self._y_max, 1e-9)))

    def draw(self, p: QPainter, lo: int, hi: int, bpp: float) -> int:
        if self._y_max <= 0:
            return 0  # an index has no volume: the pane stays empty
        g = group_size(bpp)
        x, v, up = self._groups(g, lo, hi)
        half = 0.35 * g
        centre = x + (g - 1) / 2.0
        thin = 2 * half / max(bpp, 1e-12) < 3  # bars under ~3 px: 1-px lines, not sub-pixel rects
        for flag, shade in ((True, self.up_shade), (False, self.down_shade)):
            sel = up == flag
            if not sel.any():
                continue
            if thin:
                pen = QPen(shade)
                pen.setCosmetic(True)
                p.setPen(pen)
                p.drawPath(vertical_segments(centre[sel], np.zeros(int(sel.sum())), v[sel]))
            else:
                p.setPen(pg.mkPen(None))
                p.setBrush(shade)
                p.drawRects([QRectF(xi - half, 0.0, 2 * half, vi)
                             for xi, vi in zip(centre[sel], v[sel], strict=True)])
        return len(x)
