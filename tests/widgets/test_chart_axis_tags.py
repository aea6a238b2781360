"""Level tags keep the price axis readable: a tick number a tag covers is left out (it showed
in pieces around the tag — on 4h only "700" could be read), the numbers between the tags stay."""

from __future__ import annotations

import itertools

from PySide6.QtGui import QImage, QPainter

from tests.widgets.chart_helpers import chart_showing, walk_bars
from widgets.chart.price_axis import uncovered


def test_uncovered_spans() -> None:
    assert uncovered([10.0, 50.0, 100.0], 6.0, [(40.0, 60.0)]) == [True, False, True]
    assert uncovered([35.0, 66.0], 6.0, [(40.0, 60.0)]) == [False, True]


def test_no_tick_number_under_a_level_tag_and_enough_numbers_left(qtbot) -> None:
    bars = walk_bars(390)
    panel = chart_showing(qtbot, bars)
    lo, hi = float(bars.low[-120:].min()), float(bars.high[-120:].max())
    levels = tuple((name, lo + (hi - lo) * k / 9) for k, name in enumerate(
        ("S2", "S1", "PDL", "P", "PDC", "PMH", "PDH", "R1", "R2")))
    panel.set_overlays(panel.overlays)  # (none) then the key levels as an owner draws them
    panel.levels.replace_kind("level", levels, "#888888")
    panel.navigation.reset_view()
    qtbot.wait(20)
    axis = panel.price_plot.getAxis("right")
    spans = panel.levels.tags.spans()
    assert len(spans) >= 5
    image = QImage(200, 800, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _axis_spec, _ticks, texts = axis.generateDrawSpecs(painter)  # the labels as pyqtgraph draws them
    finally:
        painter.end()
    rects = [(rect.top(), rect.bottom(), text) for rect, _flags, text in texts if text]
    for top, bottom, text in rects:
        assert all(bottom <= s_top or top >= s_bottom for s_top, s_bottom in spans), (text, top, spans)
    rects.sort()
    for (_t0, b0, t0), (t1, _b1, t1_text) in itertools.pairwise(rects):
        assert b0 <= t1 + 1, (t0, t1_text)  # no two numbers on top of each other
    assert len(rects) >= 2, rects  # the scale still reads between the tags
