"""The labels of the chart's price lines, as tags on the price axis (as TradingView's "labels on
price scale"): clear of the candles, filled in their line's colour with black or white text
(readable on either theme's background), and never over each other — labels closer than half a
tag merge into one ("PDC · P 571.88") when that fits the axis, the others stack just above and
below their prices, each joined to its price by a short leader.

One item draws every tag (a child of the axis, painted with it); the layout is recomputed at
each paint from the lines' current prices, so a dragged alert line's tag follows it."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter

from widgets.chart.palette import text_on

PADDING_X, PADDING_Y = 4, 1
GAP = 1.0  # px between stacked tags
LEADER_PX = 5.0  # a line from the price at the axis' edge to its tag (which may sit a little aside)
REACH_PX = 400.0  # how far a tag longer than the widest axis may reach into the pane (never cut)


@dataclass(frozen=True, slots=True)
class LevelLabel:
    label: str
    price: float
    color: str


@dataclass(slots=True)
class TagBox:
    text: str
    top: float  # px from the axis top
    height: float
    color: str
    anchor: float  # px of the (first) price it labels


def tag_text(names: list[str], price: float) -> str:
    return f"{' · '.join(names)} {price:,.2f}"


def merge_close(items: list[tuple[float, LevelLabel]], height: float,
                fits: Callable[[str], bool] = lambda _text: True) -> list[tuple[float, list[LevelLabel]]]:
    """Labels (y px, sorted) less than half a tag apart become one, when the merged text
    ``fits`` the axis; others stay apart (and are stacked), each with its own price."""
    groups: list[tuple[float, list[LevelLabel]]] = []
    for y, item in items:
        if groups and y - groups[-1][0] < height / 2:
            names = [lv.label for lv in groups[-1][1]] + [item.label]
            if fits(tag_text(names, groups[-1][1][0].price)):
                groups[-1][1].append(item)
                continue
        groups.append((y, [item]))
    return groups


def stack(centres: list[float], height: float, lowest: float) -> list[float]:
    """Tops for tags of ``height`` centred as near ``centres`` (sorted) as they can be without
    overlapping, within ``[0, lowest]``: overlapping runs are packed around their mean."""
    blocks: list[list[float]] = []  # [first index, count, top]
    for i, c in enumerate(centres):
        blocks.append([i, 1, c - height / 2])
        while len(blocks) > 1 and blocks[-2][2] + blocks[-2][1] * (height + GAP) > blocks[-1][2]:
            top_block, last = blocks[-2], blocks.pop()
            first, count = int(top_block[0]), int(top_block[1] + last[1])
            mean = sum(centres[first:first + count]) / count
            blocks[-1] = [first, count, mean - (count * (height + GAP) - GAP) / 2]
    tops: list[float] = []
    for _first, count, top in blocks:
        tops.extend(top + k * (height + GAP) for k in range(int(count)))
    # kept inside the axis: a run pushed off one end moves the tags next to it along
    for i in range(len(tops)):
        tops[i] = max(tops[i], 0.0 if i == 0 else tops[i - 1] + height + GAP)
    for i in reversed(range(len(tops))):
        tops[i] = min(tops[i], lowest if i == len(tops) - 1 else tops[i + 1] - height - GAP)
    return tops


def avoid(tops: list[float], height: float, obstacles: list[tuple[float, float]]) -> list[float]:
    """Tops moved off ``obstacles`` ((top, bottom) px: the last-price tags, which must stay
    readable): a tag on one goes to its nearer side, and the tags beyond it move along."""
    tops = list(tops)
    for o_top, o_bottom in obstacles:
        centre = (o_top + o_bottom) / 2
        for i, top in enumerate(tops):
            if top < o_bottom + GAP and top + height + GAP > o_top:
                tops[i] = o_top - height - GAP if top + height / 2 < centre else o_bottom + GAP
        above = [i for i, t in enumerate(tops) if t + height / 2 < centre]
        for i in reversed(above[:-1]):
            tops[i] = min(tops[i], tops[i + 1] - height - GAP)
        below = [i for i, t in enumerate(tops) if t + height / 2 >= centre]
        for i, j in itertools.pairwise(below):
            tops[j] = max(tops[j], tops[i] + height + GAP)
    return tops


class LevelTagsItem(pg.GraphicsObject):
    def __init__(self, axis: pg.AxisItem, view: pg.ViewBox, labels: Callable[[], Iterable[LevelLabel]]) -> None:
        super().__init__(axis)
        self._axis, self._view, self._labels = axis, view, labels
        # the axis spans (top, bottom) of tags the level tags keep off (set by the owner)
        self.obstacles: Callable[[], list[tuple[float, float]]] = list
        self.setZValue(5)  # under the last-price and cursor tags
        self._drawn_spans: list[tuple[float, float]] = []  # the tags the axis' numbers last made room for
        view.sigYRangeChanged.connect(self.refresh)
        view.sigResized.connect(self.refresh)
        axis.geometryChanged.connect(self._axis_resized)

    def _axis_resized(self) -> None:
        self.prepareGeometryChange()  # the bounding rect follows the axis' size
        self.update()

    def refresh(self, *_args: object) -> None:
        """Repaint (the prices moved on the axis, or the lines changed), the axis' numbers too:
        it leaves out those the tags cover (``PriceAxis.covered``) — redrawn only when the tags
        moved (the last-price tag moves with every tick; the axis costs a frame's worth)."""
        spans = self.spans()
        if spans != self._drawn_spans:
            self._drawn_spans = spans
            self._axis.picture = None
            self._axis.update()
        self.update()

    def spans(self) -> list[tuple[float, float]]:
        """(top, bottom) px on the axis of each tag as drawn now."""
        return [(box.top, box.top + box.height) for box in self.layout()]

    def tag_height(self) -> float:
        return QFontMetricsF(self._axis.font()).height() + 2 * PADDING_Y

    def width_for(self, texts: Iterable[str]) -> float:
        """What the widest tag needs, leader and padding included (the axis widens to it)."""
        fm = QFontMetricsF(self._axis.font())
        return max((fm.horizontalAdvance(t) for t in texts), default=0.0) + 2 * PADDING_X + LEADER_PX

    def _fits(self, text: str) -> bool:
        return self.width_for([text]) <= self._axis.width()

    def layout(self) -> list[TagBox]:
        """The tags as they are drawn now: visible prices only, merged and stacked."""
        axis_h, height = self._axis.height(), self.tag_height()
        items = []
        for level in self._labels():
            scene_y = self._view.mapViewToScene(QPointF(0, level.price)).y()
            y = self._axis.mapFromScene(QPointF(0, scene_y)).y()
            if 0 <= y <= axis_h:
                items.append((y, level))
        items.sort(key=lambda pair: pair[0])
        groups = merge_close(items, height, self._fits)
        tops = avoid(stack([y for y, _g in groups], height, axis_h - height), height, self.obstacles())
        return [TagBox(tag_text([lv.label for lv in group], group[0].price), top, height, group[0].color, y)
                for (y, group), top in zip(groups, tops, strict=True)]

    def boundingRect(self) -> QRectF:
        return QRectF(-REACH_PX, 0, max(self._axis.width(), 1.0) + REACH_PX, max(self._axis.height(), 1.0))

    def paint(self, p: QPainter, *_args: object) -> None:
        axis_width = self._axis.width()
        p.setFont(self._axis.font())
        fm = QFontMetricsF(self._axis.font())
        for box in self.layout():
            width = max(axis_width - LEADER_PX, fm.horizontalAdvance(box.text) + 2 * PADDING_X)
            rect = QRectF(axis_width - width, box.top, width, box.height)
            color = QColor(box.color)
            p.setPen(color)
            p.drawLine(QPointF(0, box.anchor), QPointF(rect.left(), rect.center().y()))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color)
            p.drawRect(rect)
            p.setPen(QColor(text_on(box.color)))
            p.drawText(rect.adjusted(PADDING_X, 0, 0, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       box.text)
