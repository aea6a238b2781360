"""Bottom axis for an index-based x: labels are US/Eastern times of the bars under the ticks."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pyqtgraph as pg

from data.market_calendar import ET


class EtTimeAxis(pg.AxisItem):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__("bottom", *args, **kwargs)
        self._ts = np.empty(0, dtype=np.int64)
        self.daily = False

    def set_timestamps(self, ts: np.ndarray, daily: bool) -> None:
        self._ts = np.asarray(ts, dtype=np.int64)
        self.daily = daily
        self.picture = None
        self.update()

    def label_for(self, x: float) -> str:
        i = round(x)
        if not 0 <= i < len(self._ts):
            return ""
        moment = datetime.fromtimestamp(int(self._ts[i]), ET)
        return moment.strftime("%Y-%m-%d" if self.daily else "%m-%d %H:%M")

    def tickStrings(self, values, scale, spacing):
        out = []
        previous_day = None
        for v in values:
            i = round(v)
            if not 0 <= i < len(self._ts):
                out.append("")
                continue
            moment = datetime.fromtimestamp(int(self._ts[i]), ET)
            if self.daily:
                out.append(moment.strftime("%Y-%m-%d") if spacing >= 20 else moment.strftime("%m-%d"))
            elif previous_day != moment.date():
                out.append(moment.strftime("%b %d %H:%M"))
            else:
                out.append(moment.strftime("%H:%M"))
            previous_day = moment.date()
        return out


class SessionBreaksItem(pg.GraphicsObject):
    """Faint vertical lines where a new US/Eastern day starts (only the visible ones)."""

    def __init__(self) -> None:
        super().__init__()
        self._breaks = np.empty(0)
        self._n = 0

    def set_breaks(self, break_index: np.ndarray, n: int) -> None:
        self.prepareGeometryChange()
        self._breaks, self._n = np.asarray(break_index, dtype=np.float64), n
        self.update()

    @property
    def break_index(self) -> np.ndarray:
        return self._breaks

    def boundingRect(self):
        from PySide6.QtCore import QRectF

        return QRectF(0, -1e12, max(self._n, 1), 2e12)

    def paint(self, p, *_args) -> None:
        from PySide6.QtCore import QLineF, QPointF
        from PySide6.QtGui import QColor, QPen

        vb = self.getViewBox()
        if vb is None or not len(self._breaks):
            return
        (x0, x1), (y0, y1) = vb.viewRange()
        visible = self._breaks[(self._breaks >= x0) & (self._breaks <= x1)]
        if len(visible) > vb.width() / 4:  # too dense to be useful (zoomed far out)
            return
        pen = QPen(QColor(128, 128, 128, 70))
        pen.setCosmetic(True)
        pen.setDashPattern([3, 3])
        p.setPen(pen)
        p.drawLines([QLineF(QPointF(x - 0.5, y0), QPointF(x - 0.5, y1)) for x in visible])
