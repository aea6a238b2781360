"""Markers on the price pane (alert triggers now, setups by the hundred later).

Every marker is a point of ONE scatter item, updated with ``setData`` (an item per marker made
hundreds of scene items); its text is the point's tooltip and is also painted above it by one
shared text layer, for the newest ``MAX_LABELS`` markers on screen. Markers remember their
bar's time, so a reload of the same symbol puts them back on their bars.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter

SYMBOL = "t"  # a small triangle pointing down at the price
SIZE = 9  # px
MAX_LABELS = 40  # texts painted at once; the rest show as tooltips
LABEL_GAP = 7  # px between the point and its text
LABEL_BOX = QRectF(-150, -LABEL_GAP - 16, 300, 16)  # device px around the point, text bottom-centred
FAR = 1e12  # the text layer paints in pixels anywhere in the view


QUOTE_LEAD_S = 60  # an alert fires on the quote, up to a minute before its bar arrives


def marker_index(bar_ts: np.ndarray, bar_seconds: int, ts: int) -> int:
    """The x of a marker of time ``ts`` among bars starting at ``bar_ts`` (sorted): the bar
    containing it; a moment between two bars (a pre-market alert on a regular-hours chart) the
    nearer of them in time; past the last bar's end (an extended-hours moment after the last
    regular bar) the slot right of the last bar — never a bar of another time. -1 before the
    first bar."""
    n = len(bar_ts)
    i = int(np.searchsorted(bar_ts, ts, side="right") - 1)
    if i < 0 or ts < int(bar_ts[i]) + bar_seconds:
        return i
    if i == n - 1:
        return n if ts >= int(bar_ts[i]) + bar_seconds + QUOTE_LEAD_S else i
    return i + 1 if int(bar_ts[i + 1]) - ts < ts - (int(bar_ts[i]) + bar_seconds) else i


@dataclass(frozen=True, slots=True)
class Marker:
    ts: int | None  # start of its bar (UTC seconds), None when placed off the bars
    index: int
    price: float
    text: str
    color: str


class MarkerLabelsItem(pg.GraphicsObject):
    """The markers' texts, drawn in device pixels (so they keep their size at any zoom)."""

    def __init__(self) -> None:
        super().__init__()
        self._x = self._y = np.empty(0)
        self._texts: list[str] = []
        self._colors: list[QColor] = []
        self.last_painted = 0  # for tests
        self.setZValue(40)

    def set_markers(self, markers: list[Marker]) -> None:
        self.prepareGeometryChange()
        self._x = np.array([m.index for m in markers], dtype=np.float64)
        self._y = np.array([m.price for m in markers], dtype=np.float64)
        self._texts = [m.text for m in markers]
        self._colors = [QColor(m.color) for m in markers]
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(-FAR, -FAR, 2 * FAR, 2 * FAR) if len(self._x) else QRectF()

    def paint(self, p: QPainter, *_args: object) -> None:
        vb = self.getViewBox()
        self.last_painted = 0
        if vb is None or not len(self._x):
            return
        shown = vb.viewRect()
        inside = np.flatnonzero((self._x >= shown.left()) & (self._x <= shown.right())
                                & (self._y >= shown.top()) & (self._y <= shown.bottom()))[-MAX_LABELS:]
        to_device = p.transform()
        p.save()
        p.resetTransform()
        right = to_device.map(QPointF(shown.right(), shown.top())).x()
        left = to_device.map(QPointF(shown.left(), shown.top())).x()
        fm = p.fontMetrics()
        for i in inside:
            at = to_device.map(QPointF(self._x[i], self._y[i]))
            p.setPen(self._colors[i])
            box, align = _label_box(at, fm.horizontalAdvance(self._texts[i]), left, right)
            p.drawText(box, align, self._texts[i])
        p.restore()
        self.last_painted = len(inside)


def _label_box(at: QPointF, width: float, left: float, right: float) -> tuple[QRectF, Qt.AlignmentFlag]:
    """Where a marker's text goes: centred above it; left of it when it would run into the price
    axis (a marker at the right edge), right of it at the left edge — never cut off."""
    if at.x() + width / 2 > right:
        return (QRectF(at.x() - LABEL_GAP - 300, at.y() - 8, 300, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if at.x() - width / 2 < left:
        return (QRectF(at.x() + LABEL_GAP, at.y() - 8, 300, 16),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return LABEL_BOX.translated(at), Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom


class MarkerLayer:
    def __init__(self, plot: pg.PlotItem) -> None:
        self.markers: list[Marker] = []
        self._brushes: dict[str, object] = {}
        self.scatter = pg.ScatterPlotItem(pxMode=True, size=SIZE, symbol=SYMBOL, pen=None, hoverable=True,
                                          tip=lambda x, y, data: data)
        self.scatter.setZValue(40)
        self.labels = MarkerLabelsItem()
        plot.addItem(self.scatter, ignoreBounds=True)
        plot.addItem(self.labels, ignoreBounds=True)
        self._redraw()

    def add(self, marker: Marker) -> Marker:
        """One marker (each call redraws them all: use ``add_many`` for several at once)."""
        self.markers.append(marker)
        self._redraw()
        return marker

    def add_many(self, markers: Iterable[Marker]) -> list[Marker]:
        """Several markers with one redraw (one ``setData``)."""
        added = list(markers)
        if added:
            self.markers.extend(added)
            self._redraw()
        return added

    def clear(self) -> None:
        self.markers = []
        self._redraw()

    def relocate(self, index_of_time: Callable[[int], int]) -> None:
        """The bars were reloaded: each marker back onto the bar of its time (dropped when its
        time lies before the bars now shown)."""
        moved = [replace(m, index=index_of_time(m.ts)) for m in self.markers if m.ts is not None]
        self.markers = [m for m in moved if m.index >= 0]
        self._redraw()

    def follow_new_bar(self, bar_ts: int, index_of_time: Callable[[int], int], bar_index: int) -> None:
        """A bar starting at ``bar_ts`` was appended at ``bar_index``: markers of its time
        (placed on the bar before while it had not arrived — an alert fires on the quote, before
        its minute's bar) and those at the right edge (its slot) move to their bars."""
        if any((m.ts is not None and m.ts >= bar_ts) or m.index >= bar_index for m in self.markers):
            self.relocate(index_of_time)

    def _brush(self, color: str) -> object:
        brush = self._brushes.get(color)
        if brush is None:
            brush = self._brushes[color] = pg.mkBrush(color)
        return brush

    def _redraw(self) -> None:
        ms = self.markers
        self.scatter.setData(x=np.array([m.index for m in ms], dtype=np.float64),
                             y=np.array([m.price for m in ms], dtype=np.float64),
                             brush=[self._brush(m.color) for m in ms], data=[m.text for m in ms])
        self.labels.set_markers(ms)
        for item in (self.scatter, self.labels):
            item.setVisible(bool(ms))  # no markers: nothing in the paint of each frame
