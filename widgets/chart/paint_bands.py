"""Large fills and blits painted in bands of rows, so they stay on the GUI thread.

Qt's raster engine splits any fill or image blit of 96 rows or more into 64-row pieces, hands
them to its GUI thread pool and waits for them. On a 2-core machine waking those threads cost
milliseconds of wall time per paint, with the GUI thread off the CPU. With four live charts that
wait made up most of the longest loop stall. A band of at most 64 rows is painted in one piece on
the calling thread, and the pool's threads are never started.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF
from PySide6.QtGui import QBrush, QColor, QImage, QPainter

BAND_ROWS = 64  # Qt threads a span run only from 96 rows: (rows + 32) // 64 > 1


def draw_image(p: QPainter, origin: QPoint, image: QImage) -> None:
    """``p.drawImage(origin, image)`` with ``p``'s transform reset, a band of rows at a time."""
    ratio = image.devicePixelRatio()
    width, height = image.width(), image.height()
    for row in range(0, height, BAND_ROWS):
        rows = min(BAND_ROWS, height - row)
        p.drawImage(QPointF(origin.x(), origin.y() + row / ratio), image, QRectF(0, row, width, rows))


def fill_rect(p: QPainter, rect: QRectF, brush: QBrush | QColor) -> None:
    """``p.fillRect(rect, brush)`` (``rect`` in item coordinates, ``p``'s transform a scale and
    translation), a band of device rows at a time."""
    device = p.transform().mapRect(rect)
    p.save()
    p.resetTransform()
    top, bottom = device.top(), device.bottom()
    while top < bottom:
        rows = min(float(BAND_ROWS), bottom - top)
        p.fillRect(QRectF(device.left(), top, device.width(), rows), brush)
        top += rows
    p.restore()
