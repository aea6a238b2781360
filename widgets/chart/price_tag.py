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
    def __init__(self, axis: pg.AxisItem, view: pg.ViewBox, text_color: str = "#ffffff", z: float = 10,
                 yields_to: PriceAxisTag | None = None) -> None:
        """``yields_to``: a tag this one steps aside for (above it when its price is higher, below
        otherwise) rather than cover it."""
        self._axis, self._view, self._yields_to = axis, view, yields_to
        self._box = QGraphicsRectItem(axis)
        self._box.setPen(Qt.PenStyle.NoPen)
        self._box.setZValue(z)
        self._text = QGraphicsSimpleTextItem(self._box)
        self._text.setBrush(QColor(text_color))
        self._box.hide()
        self.price: float | None = None
        view.sigYRangeChanged.connect(self.place)
        view.sigResized.connect(self.place)
        axis.geometryChanged.connect(self.place)

    @property
    def text(self) -> str:
        return self._text.text()

    @property
    def color(self) -> str:
        return self._box.brush().color().name()

    @property
    def width(self) -> float:
        """What the tag's text needs, padding included (the axis widens to it)."""
        return self._text.boundingRect().width() + 2 * PADDING_X

    def set(self, price: float | None, color: str = "#26a69a", label: str = "") -> None:
        """Show ``price`` (after ``label``, e.g. "post") in a ``color`` box; None hides the tag."""
        self.price = price
        if price is None:
            self._box.hide()
            return
        self._text.setText(f"{label} {price:,.2f}" if label else f"{price:,.2f}")
        if self._box.brush().color().name() != color:
            self._box.setBrush(QColor(color))
        self.place()

    @property
    def visible(self) -> bool:
        return self._box.isVisible()

    def place(self, *_args: object) -> None:
        """Put the tag at its price on the axis (again after the view, the axis or the tag it
        yields to moved)."""
        if self.price is None:
            return
        scene_y = self._view.mapViewToScene(QPointF(0, self.price)).y()
        y = self._axis.mapFromScene(QPointF(0, scene_y)).y()
        text = self._text.boundingRect()
        height = text.height() + 2 * PADDING_Y
        lowest = max(self._axis.height() - height, 0.0)
        top = min(max(y - height / 2, 0.0), lowest)
        other = self._yields_to
        if other is not None and other.visible and other.price is not None:
            other_top, other_height = other._box.pos().y(), other._box.rect().height()
            if top < other_top + other_height and other_top < top + height:  # would cover it
                above, below = other_top - height, other_top + other_height
                first, second = (above, below) if self.price >= other.price else (below, above)
                top = first if 0.0 <= first <= lowest else second
        self._box.setRect(0, 0, max(self._axis.width(), self.width), height)
        self._box.setPos(0, top)
        self._text.setPos(PADDING_X, PADDING_Y)
        self._box.show()

    def span(self) -> tuple[float, float] | None:
        """(top, bottom) on the axis, None while hidden."""
        if not self.visible:
            return None
        top = self._box.pos().y()
        return top, top + self._box.rect().height()

    def scene_rect(self) -> QRectF:
        return self._box.sceneBoundingRect()
