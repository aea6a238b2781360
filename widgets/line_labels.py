"""Legible labels on crowded level lines (pyqtgraph InfiniteLine labels).

Levels often sit a few pixels apart — prior-day close beside a pivot, the spot beside a GEX
wall — and their labels, all at the same spot along their lines, print over each other. Each
label is placed at the preferred spot along its line or, where it would touch a label already
placed, moved along its own line just past it (so it stays next to its line); one that no
longer fits in the view is hidden (its line stays, and panels show the value elsewhere too)
until there is room again.

The placement works on the labels' real scene rectangles, not on the lines' distance: a label
sits on one side of its line or the other (pyqtgraph flips it with the line's place in the
view) and its thickness is the text's, so two lines far enough apart can still have labels
that meet in the gap between them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF

_ACROSS_GAP_PX = 1.0  # labels side by side across the lines need only not touch


class _Span(NamedTuple):
    """A label's extent in view pixels: along its line (from the 0-end) and across the lines."""

    lo: float
    hi: float
    across_lo: float
    across_hi: float


def stagger_labels(view: pg.ViewBox, lines: Iterable[pg.InfiniteLine], start: float, spacing_px: float = 6,
                   margin_px: float = 3) -> None:
    """Place each visible line's label at ``start`` (fraction along the line, 0 → 1, bottom or
    left first) or, where it would come within ``spacing_px`` of a label placed before it, just
    past that label towards 0; hide it when that leaves less than ``margin_px`` to the view's
    edge, or when it would stick out of the view across the lines. Lines are served in scene
    order (left to right, top to bottom)."""
    lines = [line for line in lines if getattr(line, "label", None) is not None and line.isVisible()]
    if not lines:
        return
    view.updateMatrix()  # the range may have changed since the last paint: map with the current one
    horizontal = lines[0].angle % 180 == 0
    box = view.sceneBoundingRect()
    extent = box.width() if horizontal else box.height()
    if extent <= 0:
        return
    placed: list[_Span] = []
    for line in sorted(lines, key=lambda line: _scene_across(view, line, horizontal)):
        label = line.label
        span = _span_at(label, start, box, horizontal)
        low_edge, high_edge = (box.top(), box.bottom()) if horizontal else (box.left(), box.right())
        if span.across_lo < low_edge or span.across_hi > high_edge:
            label.setVisible(False)  # it would stick out of the view (a line at its very edge)
            continue
        top = _free_top(min(span.hi, extent - margin_px), span.hi - span.lo, spacing_px,
                        [p for p in placed if _side_by_side_overlap(p, span)])
        if top - (span.hi - span.lo) < margin_px:
            label.setVisible(False)  # no room left along this line
            continue
        shift = top - span.hi
        if abs(shift) > 1e-6:
            label.setPosition(start + shift / extent)
        placed.append(span._replace(lo=span.lo + shift, hi=top))


def _scene_across(view: pg.ViewBox, line: pg.InfiniteLine, horizontal: bool) -> float:
    point = view.mapViewToScene(QPointF(0, line.value()) if horizontal else QPointF(line.value(), 0))
    return point.y() if horizontal else point.x()


def _span_at(label: pg.InfLineLabel, position: float, box: QRectF, horizontal: bool) -> _Span:
    """The label's extent with the label shown at ``position``, measured from its scene rectangle."""
    if not label.isVisible():
        label.setVisible(True)
    if label.orthoPos != position:
        label.setPosition(position)
    label.updateTransform()  # pyqtgraph otherwise orients the text only when it paints
    r = label.mapRectToScene(label.boundingRect())
    if horizontal:
        return _Span(r.left() - box.left(), r.right() - box.left(), r.top(), r.bottom())
    return _Span(box.bottom() - r.bottom(), box.bottom() - r.top(), r.left(), r.right())


def _side_by_side_overlap(a: _Span, b: _Span) -> bool:
    """Whether two labels share some width across the lines (so they must not share length along)."""
    return a.across_lo < b.across_hi + _ACROSS_GAP_PX and b.across_lo < a.across_hi + _ACROSS_GAP_PX


def _free_top(top: float, length: float, spacing: float, blocked: list[_Span]) -> float:
    """The highest end <= ``top`` at which ``[end - length, end]`` keeps ``spacing`` from each
    blocked span. One pass, highest first: each move only goes down, past a span, so a span
    that was clear above the label stays clear."""
    for span in sorted(blocked, key=lambda s: s.hi, reverse=True):
        if top - length < span.hi + spacing and span.lo - spacing < top:
            top = span.lo - spacing
    return top
