"""Large fills and blits painted in bands of rows: the same pixels as one Qt call, and Qt's
GUI thread pool never started (its threads' wake-ups stalled the loop on a 2-core machine)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QTransform

from widgets.chart import paint_bands

REPO = Path(__file__).resolve().parents[2]


def _canvas() -> QImage:
    image = QImage(437, 301, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(20, 24, 30))
    return image


def _source(ratio: float) -> QImage:
    image = QImage(round(300 * ratio), round(211 * ratio), QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    image.fill(QColor(0, 0, 0, 0))  # (a new QImage holds whatever memory it got: not valid premultiplied pixels)
    for y in range(image.height()):  # every row differs, so a band off by one row shows
        for x in range(0, image.width(), 7):
            image.setPixelColor(x, y, QColor((x * 3) % 256, y % 256, (x + y) % 256, 40 + (y % 200)))
    return image


def _painted(draw) -> QImage:
    canvas = _canvas()
    p = QPainter(canvas)
    draw(p)
    p.end()
    return canvas


def test_an_image_blitted_in_bands_is_the_image_blitted_at_once() -> None:
    origin = QPoint(13, 7)
    for ratio in (1.0, 2.0):
        source = _source(ratio)
        assert _painted(lambda p, s=source: paint_bands.draw_image(p, origin, s)) == _painted(
            lambda p, s=source: p.drawImage(origin, s))


def test_a_rect_filled_in_bands_is_the_rect_filled_at_once() -> None:
    shade = QColor(128, 128, 160, 30)
    rect = QRectF(-0.5, -40.0, 12.0, 80.0)  # item coordinates of a scaled, shifted view

    def transformed(p: QPainter) -> None:
        p.setTransform(QTransform(18.5, 0, 0, 3.7, 40.25, 150.5))

    banded = _painted(lambda p: (transformed(p), paint_bands.fill_rect(p, rect, shade)))
    at_once = _painted(lambda p: (transformed(p), p.fillRect(rect, shade)))
    assert banded == at_once


_THREADS = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, {repo!r})
from PySide6.QtCore import QPoint, QRectF
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
from widgets.chart import paint_bands
app = QGuiApplication([])
def threads():
    return int(open("/proc/self/status").read().split("Threads:")[1].split()[0])
canvas = QImage(960, 540, QImage.Format.Format_ARGB32_Premultiplied)
image = QImage(960, 540, QImage.Format.Format_ARGB32_Premultiplied)
image.fill(QColor(10, 200, 30, 120))
before = threads()
p = QPainter(canvas)
for _ in range(20):
    if {banded}:
        paint_bands.draw_image(p, QPoint(0, 0), image)
        paint_bands.fill_rect(p, QRectF(0, 0, 960, 540), QColor(128, 128, 160, 30))
    else:
        p.drawImage(QPoint(0, 0), image)
        p.fillRect(QRectF(0, 0, 960, 540), QColor(128, 128, 160, 30))
p.end()
print(threads() - before)
"""


def _new_threads(banded: bool) -> int:
    code = textwrap.dedent(_THREADS.format(repo=str(REPO), banded=banded))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return int(out.stdout.strip().splitlines()[-1])


def test_painting_in_bands_starts_none_of_qts_paint_threads() -> None:
    unbanded = _new_threads(banded=False)
    if unbanded == 0:
        pytest.skip("this Qt paints large areas on one thread anyway (no pool threads were started)")
    assert _new_threads(banded=True) == 0
