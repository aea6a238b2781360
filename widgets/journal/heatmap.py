"""A calendar heatmap of daily P&L in pyqtgraph: a square per trading day (weeks across, Monday on
top), green for a gain and red for a loss, deeper with the size; a click tells the day."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal

from widgets.journal.cells import money

GAIN, LOSS, FLAT = (38, 166, 154), (239, 83, 80), (128, 128, 128)
ROWS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def brush_for(value: float, scale: float) -> pg.QtGui.QBrush:
    if scale <= 0 or round(value, 2) == 0:
        return pg.mkBrush(*FLAT, 120)
    alpha = 70 + int(185 * min(1.0, math.sqrt(abs(value) / scale)))
    return pg.mkBrush(*(GAIN if value > 0 else LOSS), alpha)


class DailyHeatmap(pg.PlotWidget):
    day_clicked = Signal(object)  # date

    def __init__(self) -> None:
        super().__init__()
        self.days: list[date] = []
        self.values: list[float] = []
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.getPlotItem().invertY(True)
        left = self.getAxis("left")
        left.setTicks([[(i, name) for i, name in enumerate(ROWS[:5])]])
        self.getAxis("bottom").setStyle(showValues=True)
        self.squares = pg.ScatterPlotItem(symbol="s", size=1.0, pxMode=False, pen=pg.mkPen(None), hoverable=True,
                                          tip=self._tip)
        self.addItem(self.squares)
        self.squares.sigClicked.connect(self._clicked)

    def set_days(self, daily: Sequence[tuple[date, float]]) -> None:
        self.days = [d for d, _ in daily]
        self.values = [v for _, v in daily]
        if not daily:
            self.squares.setData([], [])
            return
        first = self.days[0] - timedelta(days=self.days[0].weekday())
        x = np.array([(d - first).days // 7 for d in self.days], float)
        y = np.array([d.weekday() for d in self.days], float)
        scale = max(abs(v) for v in self.values)
        self.squares.setData(x, y, size=0.9, brush=[brush_for(v, scale) for v in self.values],
                             data=list(range(len(self.days))))
        weeks = int(x.max()) + 1
        step = max(1, weeks // 8)
        self.getAxis("bottom").setTicks([[(w, (first + timedelta(weeks=w)).strftime("%b %d"))
                                          for w in range(0, weeks, step)]])
        self.setYRange(-0.6, max(4, int(y.max())) + 0.6, padding=0)
        self.setXRange(-0.6, max(weeks, 6) - 0.4, padding=0)

    def _tip(self, x: float, y: float, data: int) -> str:
        return f"{self.days[data]:%a %Y-%m-%d}: {money(self.values[data])} (click for the trades)"

    def _clicked(self, _item, points, _event=None) -> None:
        if len(points):
            self.day_clicked.emit(self.days[int(points[0].data())])
