"""An item's drawing kept as an image while neither the view nor what it draws changes.

A live tick repaints a chart's price pane many times a second (the last-price line spans it),
but only the forming bar changed: the settled candles, volume bars and session shading are the
same picture as before. ``PaintCache`` keeps that picture as an image of the view's area and
blits it. The first paint under a new key (a pan, a zoom, a resize, new data) draws directly, so
panning never pays for an image; the second paint under the same key keeps one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QTransform

from widgets.chart import paint_bands


def _transform_key(t: QTransform) -> tuple[float, ...]:
    return (t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy())


class PaintCache:
    def __init__(self) -> None:
        self._key: Hashable = None
        self._image: QImage | None = None
        self._origin = QRect().topLeft()
        self.blits = 0  # paints served from the image (tests and benchmarks)

    def clear(self) -> None:
        self._key, self._image = None, None

    def paint(self, p: QPainter, key: Hashable, area: QRectF, draw: Callable[[QPainter], None]) -> None:
        """Paint ``draw``'s picture of ``area`` (item coordinates) with ``p``: from the image when
        ``key``, the painter's transform and its device are what they were at the last paint."""
        device = p.device()
        transform = p.transform()
        full_key = (key, _transform_key(transform), device.width(), device.height(), device.devicePixelRatioF())
        if full_key != self._key:
            self._key, self._image = full_key, None
            draw(p)
            return
        if self._image is None:
            self._image = self._render(p, transform, area, draw)
            if self._image is None:
                draw(p)
                return
        p.save()
        p.resetTransform()
        paint_bands.draw_image(p, self._origin, self._image)
        p.restore()
        self.blits += 1

    def _render(self, p: QPainter, transform: QTransform, area: QRectF, draw: Callable[[QPainter], None]
                ) -> QImage | None:
        device = p.device()
        # clipped to the device in floating point first: a zoomed-in item can map past int range
        rect = transform.mapRect(area).intersected(QRectF(0, 0, device.width(), device.height())).toAlignedRect()
        if rect.isEmpty():
            return None
        ratio = device.devicePixelRatioF()
        image = QImage(QSize(round(rect.width() * ratio), round(rect.height() * ratio)),
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHints(p.renderHints())
        painter.setTransform(transform * QTransform.fromTranslate(-rect.x(), -rect.y()))
        draw(painter)
        painter.end()
        self._origin = rect.topLeft()
        return image
