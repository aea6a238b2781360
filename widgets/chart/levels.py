"""Horizontal price lines on the chart: key levels (fixed), alert lines (draggable, removable)
and other groups ("gex:…", "setup:…"), keyed "<kind>:<name>"; their labels are tags on the price axis
(``level_tags``), merged or stacked when crowded."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QWidget

from widgets.chart.level_tags import LevelLabel, LevelTagsItem, tag_text

TICK = 0.01
NEAR_PIXELS = 5.0  # a right-click this close to an alert line is on it
MAX_AXIS_PX = 120  # the axis widens for level tags up to this; a longer tag reaches into the pane


def round_to_tick(price: float, tick: float = TICK) -> float:
    return round(round(price / tick) * tick, 10)


@dataclass
class LevelLine:
    key: str
    line: pg.InfiniteLine
    kind: str  # the key's prefix: "level" (fixed), "alert" (draggable, removable), "gex", "setup", …
    label: str
    color: str
    style: Qt.PenStyle = Qt.PenStyle.DashLine


class LevelLines:
    def __init__(self, owner: QWidget, plot: pg.PlotItem, on_moved: Callable[[str, float], None],
                 fit_width: Callable[[float], None]) -> None:
        """``fit_width``: asks the price axis to be this wide (for the widest tag)."""
        self._plot = plot
        self._on_moved = on_moved
        self._fit_width = fit_width
        self.lines: dict[str, LevelLine] = {}
        self.tags = LevelTagsItem(plot.getAxis("right"), plot.vb, self.labels)

    def labels(self) -> list[LevelLabel]:
        return [LevelLabel(lv.label, lv.line.value(), lv.color) for lv in self.lines.values() if lv.line.isVisible()]

    def add(self, key: str, price: float, label: str, color: str, draggable: bool = False,
            style: Qt.PenStyle = Qt.PenStyle.DashLine) -> pg.InfiniteLine:
        self.remove(key)
        line = pg.InfiniteLine(price, angle=0, movable=draggable,
                               pen=pg.mkPen(color, width=1.3 if draggable else 1, style=style))
        line.setZValue(20)
        line.sigPositionChanged.connect(self.tags.refresh)
        if draggable:
            line.sigPositionChangeFinished.connect(lambda ln, k=key: self._on_dragged(k, ln))
        self._plot.addItem(line, ignoreBounds=True)
        self.lines[key] = LevelLine(key, line, key.split(":", 1)[0], label, color, style)
        self._changed()
        return line

    def _changed(self) -> None:
        self._fit_width(min(self.tags.width_for(widest_texts(self.lines.values())), MAX_AXIS_PX))
        self.tags.refresh()  # (the axis too: its numbers under the tags change)

    def remove(self, key: str) -> None:
        level = self.lines.pop(key, None)
        if level is not None:
            self._plot.removeItem(level.line)
            self._changed()

    def clear(self) -> None:
        for key in list(self.lines):
            self.remove(key)

    def recolor(self, kind: str, color: str) -> None:
        for key in self.keys(kind):
            level = self.lines[key]
            level.color = color
            level.line.setPen(pg.mkPen(color, style=Qt.PenStyle.DashLine))
        self.tags.update()

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

    def _on_dragged(self, key: str, line: pg.InfiniteLine) -> None:
        price = round_to_tick(line.value())
        line.setValue(price)
        self._changed()
        self._on_moved(key, price)


def widest_texts(levels: Iterable[LevelLine]) -> list[str]:
    """The tag texts of single lines (a merged tag wider than the axis reaches into the pane)."""
    return [tag_text([lv.label], lv.line.value()) for lv in levels]
