"""A price as a filled tag on the chart's price axis: the last price, the cursor's price.

Drawn as a child of the right-hand axis, so it never covers candles; when the price leaves the
visible range the tag stays pinned to the axis edge, still showing the price."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsSimpleTextItem

PADDING_X, PADDING_Y = 4, 1


class PriceAxisTag:
    def __init__(self, axis: pg.AxisItem, view: pg.ViewBox, text_color: str = "#ffffff", z: float = 10) -> None:
        self._axis, self._view = axis, view
        self._box = QGraphicsRectItem(axis)
        self._box.setPen(Qt.PenStyle.NoPen)
        self._box.setZValue(z)
        self._text = QGraphicsSimpleTextItem(self._box)
        self._text.setBrush(QColor(text_color))
        self._box.hide()
        self.price: float | None = None
        view.sigYRangeChanged.connect(self._place)
        view.sigResized.connect(self._place)
        axis.geometryChanged.connect(self._place)

    @property
    def text(self) -> str:
        return self._text.text()

    @property
    def color(self) -> str:
        return self._box.brush().color().name()

    def text_width(self, text: str) -> float:
        self._text.setText(text)
        return self._text.boundingRect().width() + 2 * PADDING_X

    def set(self, price: float | None, color: str = "#26a69a") -> None:
        self.price = price
        if price is None:
            self._box.hide()
            return
        self._text.setText(f"{price:,.2f}")
        if self._box.brush().color().name() != color:
            self._box.setBrush(QColor(color))
        self._place()

    @property
    def visible(self) -> bool:
        return self._box.isVisible()

    def _place(self, *_args: object) -> None:
        if self.price is None:
            return
        scene_y = self._view.mapViewToScene(QPointF(0, self.price)).y()
        y = self._axis.mapFromScene(QPointF(0, scene_y)).y()
        text = self._text.boundingRect()
        height = text.height() + 2 * PADDING_Y
        top = min(max(y - height / 2, 0.0), max(self._axis.height() - height, 0.0))
        self._box.setRect(0, 0, max(self._axis.width(), text.width() + 2 * PADDING_X), height)
        self._box.setPos(0, top)
        self._text.setPos(PADDING_X, PADDING_Y)
        self._box.show()

    def scene_rect(self) -> QRectF:
        return self._box.sceneBoundingRect()
