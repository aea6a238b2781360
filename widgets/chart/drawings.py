"""The trader's drawings on the price pane: horizontal lines, trend lines (optionally extended),
rectangles and text notes. Drawn with a tool from the chart's Draw menu (one click, or two for a
line or a box), moved by dragging, and edited, alerted on or deleted from the right-click menu
over them. Points are kept as (epoch seconds, price), so a drawing sits on the same bars in every
chart of its symbol and timeframe family; the x axis is the bar index, mapped here."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, Qt, Signal
from PySide6.QtWidgets import QMenu

from data.store.records import ChartDrawing

if TYPE_CHECKING:
    from widgets.chart.chart_panel import ChartPanel

PEN = pg.mkPen("#ffb74d", width=1.5)
EXTENSION_PEN = pg.mkPen("#ffb74d", width=1, style=Qt.PenStyle.DashLine)
POINTS = {"hline": 1, "trend": 2, "rect": 2, "text": 1}
NEAR_PX = 6.0


def _segment_distance(p: QPointF, a: QPointF, b: QPointF) -> float:
    dx, dy = b.x() - a.x(), b.y() - a.y()
    length = dx * dx + dy * dy
    u = 0.0 if length == 0 else max(0.0, min(1.0, ((p.x() - a.x()) * dx + (p.y() - a.y()) * dy) / length))
    return math.hypot(p.x() - (a.x() + u * dx), p.y() - (a.y() + u * dy))


class DrawingLayer(QObject):
    created = Signal(object)  # a new ChartDrawing (id 0): family and symbol filled by the owner
    edited = Signal(object)  # a moved or edited ChartDrawing
    delete_requested = Signal(object)
    alert_requested = Signal(object)  # the drawing to alert on (a horizontal or a trend line)
    text_requested = Signal(object)  # (a new note's point) or an existing note: ask for its text

    def __init__(self, panel: ChartPanel) -> None:
        super().__init__(panel)
        self._panel, self._plot = panel, panel.price_plot
        self._shown: dict[int, tuple[ChartDrawing, list]] = {}
        self.tool: str | None = None
        self._clicks: list[tuple[float, float]] = []
        panel.layout_widget.scene().sigMouseClicked.connect(self._on_click)

    # -- time <-> the bar-index axis -----------------------------------------------------------
    def _step(self, ts: np.ndarray) -> float:
        return float(ts[-1] - ts[-2]) if len(ts) > 1 else 60.0 * self._panel.timeframe.minutes

    def x_of(self, t: float) -> float:
        ts = self._panel.live.ts
        if len(ts) == 0:
            return math.nan
        i = int(np.searchsorted(ts, t, side="right")) - 1
        if i < 0:
            return (t - ts[0]) / self._step(ts)
        if i >= len(ts) - 1:
            return len(ts) - 1 + (t - ts[-1]) / self._step(ts)
        return i + (t - ts[i]) / float(ts[i + 1] - ts[i])

    def t_of(self, x: float) -> float:
        ts = self._panel.live.ts
        if len(ts) == 0:
            return math.nan
        if x <= 0 or x >= len(ts) - 1:
            base, i = (0, 0) if x <= 0 else (len(ts) - 1, len(ts) - 1)
            return float(ts[i]) + (x - base) * self._step(ts)
        i = math.floor(x)
        return float(ts[i]) + (x - i) * float(ts[i + 1] - ts[i])

    # -- showing -------------------------------------------------------------------------------
    def show(self, drawings: list[ChartDrawing]) -> None:
        for _drawing, items in self._shown.values():
            for item in items:
                self._plot.removeItem(item)
        self._shown = {d.id: (d, self._items(d)) for d in drawings}

    def drawings(self) -> list[ChartDrawing]:
        return [d for d, _items in self._shown.values()]

    def _items(self, d: ChartDrawing) -> list:
        xy = [(self.x_of(t), p) for t, p in d.points]
        if d.kind == "hline":
            item = pg.InfiniteLine(pos=xy[0][1], angle=0, movable=True, pen=PEN)
            item.sigPositionChangeFinished.connect(lambda line, d=d: self.edited.emit(
                replace(d, points=((d.points[0][0], float(line.value())),))))
            items = [item]
        elif d.kind == "trend":
            item = pg.LineSegmentROI(xy, pen=PEN, movable=True)
            item.sigRegionChangeFinished.connect(lambda roi, d=d: self._segment_moved(d, roi))
            items = [item]
            if d.extend and xy[1][0] != xy[0][0]:
                angle = math.degrees(math.atan2(xy[1][1] - xy[0][1], xy[1][0] - xy[0][0]))
                items.append(pg.InfiniteLine(pos=xy[0], angle=angle, movable=False, pen=EXTENSION_PEN))
        elif d.kind == "rect":
            (x1, p1), (x2, p2) = xy
            item = pg.RectROI((min(x1, x2), min(p1, p2)), (abs(x2 - x1), abs(p2 - p1)), pen=PEN, movable=True)
            item.sigRegionChangeFinished.connect(lambda roi, d=d: self._rect_moved(d, roi))
            items = [item]
        else:
            item = pg.TextItem(d.text, color="#ffb74d", anchor=(0, 1))
            item.setPos(*xy[0])
            items = [item]
        for it in items:
            self._plot.addItem(it)
        return items

    def _segment_moved(self, d: ChartDrawing, roi: pg.LineSegmentROI) -> None:
        ends = [roi.mapToParent(handle["item"].pos()) for handle in roi.handles]
        self.edited.emit(replace(d, points=tuple((self.t_of(p.x()), float(p.y())) for p in ends)))

    def _rect_moved(self, d: ChartDrawing, roi: pg.RectROI) -> None:
        (x, y), (w, h) = roi.pos(), roi.size()
        self.edited.emit(replace(d, points=((self.t_of(x), float(y)), (self.t_of(x + w), float(y + h)))))

    # -- drawing with a tool -------------------------------------------------------------------
    def set_tool(self, kind: str | None) -> None:
        self.tool, self._clicks = kind, []
        self._panel.status.setText({"hline": "Click a price for the line", "trend": "Click the line's two ends",
                                    "rect": "Click two corners of the box", "text": "Click where the note goes"
                                    }.get(kind or "", ""))

    def _on_click(self, event) -> None:
        scene_pos = event.scenePos()
        if self.tool is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if not self._plot.sceneBoundingRect().contains(scene_pos):
            return
        point = self._plot.vb.mapSceneToView(scene_pos)
        self._clicks.append((self.t_of(point.x()), float(point.y())))
        event.accept()
        kind = self.tool
        if len(self._clicks) < POINTS[kind]:
            return
        drawing = ChartDrawing(0, self._panel.symbol, "", kind, tuple(self._clicks))
        self.set_tool(None)
        (self.text_requested if kind == "text" else self.created).emit(drawing)

    # -- the right-click menu over a drawing ---------------------------------------------------
    def near(self, scene_pos: QPointF) -> ChartDrawing | None:
        vb = self._plot.vb
        for d, items in self._shown.values():
            ends = [vb.mapViewToScene(QPointF(self.x_of(t), p)) for t, p in d.points]
            if d.kind == "hline" and abs(scene_pos.y() - ends[0].y()) <= NEAR_PX:
                return d
            if d.kind == "trend" and _segment_distance(scene_pos, *ends) <= NEAR_PX:
                return d
            if d.kind in ("rect", "text") and items[0].sceneBoundingRect().adjusted(-4, -4, 4, 4).contains(scene_pos):
                return d
        return None

    def menu_entries(self, menu: QMenu, scene_pos: QPointF) -> None:
        """Put the drawing under the cursor's actions at the top of the chart's menu."""
        d = self.near(scene_pos)
        if d is None:
            return
        first = menu.actions()[0] if menu.actions() else None
        entries = []
        if d.kind in ("hline", "trend"):
            entries.append(("Alert when price crosses this line", lambda: self.alert_requested.emit(d)))
        if d.kind == "trend":
            entries.append(("Stop extending the line" if d.extend else "Extend the line",
                            lambda: self.edited.emit(replace(d, extend=not d.extend))))
        if d.kind == "text":
            entries.append(("Edit note…", lambda: self.text_requested.emit(d)))
        entries.append(("Delete drawing", lambda: self.delete_requested.emit(d)))
        for text, slot in entries:
            action = menu.addAction(text, slot)
            if first is not None:
                menu.insertAction(first, action)
        if first is not None:
            menu.insertSeparator(first)
