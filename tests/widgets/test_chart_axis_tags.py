"""Level tags keep the price axis readable: a tick number a tag covers is left out (it showed
in pieces around the tag — on 4h only "700" could be read), the numbers between the tags stay."""

from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtGui import QFontMetricsF

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
    view, half = axis.linkedView(), QFontMetricsF(axis.font()).height() / 2
    (y0, y1) = view.viewRange()[1]
    shown = []
    for _spacing, values in axis.tickValues(y0, y1, axis.height()):
        for v, text in zip(values, axis.tickStrings(values, 1.0, _spacing), strict=True):
            if text:
                y = axis.mapFromScene(view.mapViewToScene(QPointF(0, v))).y()
                assert uncovered([y], half, spans) == [True], (text, y, spans)
                shown.append(text)
    assert len(set(shown)) >= 2, shown  # the scale still reads between the tags
