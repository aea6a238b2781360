"""A faint background behind pre-market and after-hours bars, so extended-hours trading reads
apart from the regular session at a glance (when the chart shows extended hours)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

from data.market_calendar import in_regular_session
from widgets.chart import paint_bands

SHADE = QColor(128, 128, 160, 30)


def extended_mask(minute_of_day: np.ndarray) -> np.ndarray:
    """True for bars starting outside the regular session, from their ET minute of the day."""
    return ~in_regular_session(np.asarray(minute_of_day))


def runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of the runs of True in ``mask``, ends exclusive."""
    edges = np.diff(np.r_[0, mask.astype(np.int8), 0])
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


class ExtendedHoursShade(pg.GraphicsObject):
    def __init__(self) -> None:
        super().__init__()
        self._starts = np.empty(0, dtype=np.int64)
        self._ends = np.empty(0, dtype=np.int64)
        self._n = 0
        self.setZValue(-10)  # behind candles and lines

    def set_mask(self, mask: np.ndarray) -> None:
        self.prepareGeometryChange()
        self._starts, self._ends = runs(np.asarray(mask, dtype=bool))
        self._n = len(mask)
        self.update()

    def append(self, extended: bool) -> None:
        """One more bar at the right edge (live), shaded or not."""
        index = self._n
        self.prepareGeometryChange()
        self._n += 1
        if extended:
            if len(self._ends) and self._ends[-1] == index:
                self._ends[-1] = index + 1
            else:
                self._starts, self._ends = np.r_[self._starts, index], np.r_[self._ends, index + 1]
        self.update()

    @property
    def shaded_runs(self) -> list[tuple[int, int]]:
        return [(int(s), int(e)) for s, e in zip(self._starts, self._ends, strict=True)]

    def boundingRect(self) -> QRectF:
        return QRectF(-0.5, -1e12, max(self._n, 1), 2e12)

    def paint(self, p, *_args) -> None:
        vb = self.getViewBox()
        if vb is None or not len(self._starts):
            return
        shown = vb.viewRect()  # what is on screen (viewRange() is the requested range)
        visible = (self._ends >= shown.left()) & (self._starts <= shown.right())
        if visible.sum() > vb.width() / 4:  # too dense to read (zoomed far out)
            return
        for s, e in zip(self._starts[visible], self._ends[visible], strict=True):
            paint_bands.fill_rect(p, QRectF(s - 0.5, shown.top(), e - s, shown.height()), SHADE)
