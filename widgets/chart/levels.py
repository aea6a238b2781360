"""Horizontal price lines on the chart: key levels (fixed), alert lines (draggable, removable)
and other groups ("gex:…"), keyed "<kind>:<name>"; their labels step aside when crowded."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtWidgets import QWidget

from widgets.line_labels import stagger_labels

TICK = 0.01
LABEL_RIGHT = 0.97  # labels sit at the right end of their lines (and step left when crowded)
NEAR_PIXELS = 5.0  # a right-click this close to an alert line is on it


def round_to_tick(price: float, tick: float = TICK) -> float:
    return round(round(price / tick) * tick, 10)


@dataclass
class LevelLine:
    key: str
    line: pg.InfiniteLine
    kind: str  # the key's prefix: "level" (fixed), "alert" (draggable, removable), "gex", …


class LevelLines:
    def __init__(self, owner: QWidget, plot: pg.PlotItem, on_moved: Callable[[str, float], None]) -> None:
        self._plot = plot
        self._on_moved = on_moved
        self.lines: dict[str, LevelLine] = {}
        self._labels_timer = QTimer(owner, singleShot=True, interval=0)  # one layout per event-loop turn
        self._labels_timer.timeout.connect(self.layout_labels)
        plot.vb.sigYRangeChanged.connect(self._labels_timer.start)
        plot.vb.sigResized.connect(self._labels_timer.start)

    def add(self, key: str, price: float, label: str, color: str, draggable: bool = False) -> pg.InfiniteLine:
        self.remove(key)
        line = pg.InfiniteLine(price, angle=0, movable=draggable,
                               pen=pg.mkPen(color, width=1.3 if draggable else 1, style=Qt.PenStyle.DashLine),
                               label=f"{label} {price:,.2f}",
                               labelOpts={"position": LABEL_RIGHT, "color": color, "anchors": [(1, 1), (1, 1)]})
        line.setZValue(20)
        if draggable:
            line.sigPositionChangeFinished.connect(lambda ln, k=key, lb=label: self._on_dragged(k, lb, ln))
        self._plot.addItem(line, ignoreBounds=True)
        self.lines[key] = LevelLine(key, line, key.split(":", 1)[0])
        self._labels_timer.start()
        return line

    def remove(self, key: str) -> None:
        level = self.lines.pop(key, None)
        if level is not None:
            self._plot.removeItem(level.line)

    def keys(self, kind: str | None = None) -> list[str]:
        return [k for k, v in self.lines.items() if kind is None or v.kind == kind]

    def replace_kind(self, kind: str, levels: Iterable[tuple[str, float]], color: str) -> None:
        """The lines of ``kind`` become ``levels`` ((label, price) pairs)."""
        for key in self.keys(kind):
            self.remove(key)
        for label, price in levels:
            self.add(f"{kind}:{label}", price, label, color)

    def alert_near(self, scene_y: float, pixels: float = NEAR_PIXELS) -> str | None:
        """The key of an alert line within ``pixels`` of scene height ``scene_y``, if any."""
        vb = self._plot.vb
        for key, level in self.lines.items():
            if level.kind == "alert" and abs(vb.mapViewToScene(QPointF(0, level.line.value())).y() - scene_y) <= pixels:
                return key
        return None

    def layout_labels(self) -> None:
        stagger_labels(self._plot.vb, (lv.line for lv in self.lines.values()), LABEL_RIGHT)

    def _on_dragged(self, key: str, label: str, line: pg.InfiniteLine) -> None:
        price = round_to_tick(line.value())
        line.setValue(price)
        line.label.setFormat(f"{label} {price:,.2f}")
        self._labels_timer.start()
        self._on_moved(key, price)
