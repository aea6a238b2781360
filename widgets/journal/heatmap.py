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
SPAN = timedelta(weeks=53)  # a year of weeks (older days: choose their dates in the filters)
LABEL_PX = 48  # the room a month's label needs


def month_ticks(first: date, weeks: int) -> list[tuple[int, str]]:
    """A tick at each week where a month begins: "Mar", with the year on January and the first."""
    ticks, last = [], None
    for w in range(weeks):
        monday = first + timedelta(weeks=w)
        end = monday + timedelta(days=6)
        month = (end.year, end.month)
        if month != last:
            ticks.append((w, end.strftime("%b %y" if not ticks or end.month == 1 else "%b")))
            last = month
    return ticks


def brush_for(value: float, scale: float) -> pg.QtGui.QBrush:
    if scale <= 0 or round(value, 2) == 0:
        return pg.mkBrush(*FLAT, 120)
    alpha = 70 + int(185 * min(1.0, math.sqrt(abs(value) / scale)))
    return pg.mkBrush(*(GAIN if value > 0 else LOSS), alpha)


class DailyHeatmap(pg.PlotWidget):
    day_clicked = Signal(object)  # date
    weeks = 6  # columns drawn (class defaults: pyqtgraph resizes the widget inside its __init__)
    ticks: list[tuple[int, str]] = []  # noqa: RUF012  (replaced, never mutated)

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.days: list[date] = []
        self.values: list[float] = []
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
        """The days' P&L (in date order); the last year of them is drawn."""
        if daily:
            daily = [(d, v) for d, v in daily if d > daily[-1][0] - SPAN]
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
        weeks = self.weeks = int(x.max()) + 1
        self.ticks = month_ticks(first, weeks) if weeks > 6 else [(0, f"{first:%b %d}")]
        self._thin_ticks()
        self.setYRange(-0.6, max(4, int(y.max())) + 0.6, padding=0)
        self.setXRange(-0.6, max(weeks, 6) - 0.4, padding=0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.ticks:  # none before the first days (nor inside pyqtgraph's __init__)
            self._thin_ticks()

    def _thin_ticks(self) -> None:
        """Every k-th month label, so that none overlaps at this width."""
        room = max(1.0, self.width() - 60) * 4.35 / max(6, self.weeks)  # px per month
        every = max(1, math.ceil(LABEL_PX / room))
        self.getAxis("bottom").setTicks([self.ticks[::every]])

    def _tip(self, x: float, y: float, data: int) -> str:
        return f"{self.days[data]:%a %Y-%m-%d}: {money(self.values[data])} (click for the trades)"

    def _clicked(self, _item, points, _event=None) -> None:
        if len(points):
            self.day_clicked.emit(self.days[int(points[0].data())])
