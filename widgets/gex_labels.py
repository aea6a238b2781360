"""The GEX plot's level labels (Spot, Flip, Call wall, Put wall): horizontal text stacked in rows.

The labels once ran along their (vertical) lines: on a laptop-height plot they did not fit —
the Spot label covered "Put wall", "Call wall 660" lost its first letter at the plot's edge and
equal walls printed over each other. Here each label sits at the top of the plot beside its
line (to the right, or to the left where the right side has no room), inside the plot, and
moves down a row while it would touch a label already placed in that row; one that finds no
row inside the plot is hidden (the figures row above the plot shows every value anyway).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyqtgraph as pg

GAP_PX = 4.0  # between a label and its line, and between labels in a row
PAD_PX = 2.0  # from the plot's edges
ROW_GAP_PX = 2.0  # between rows


def _free_row(rows: list[list[tuple[float, float]]], left: float, right: float) -> int:
    """The first row where ``[left, right]`` keeps ``GAP_PX`` from every label in it."""
    for i, spans in enumerate(rows):
        if all(left > b + GAP_PX or right < a - GAP_PX for a, b in spans):
            return i
    return len(rows)


def stack_labels(view: pg.ViewBox, labels: Iterable[tuple[pg.TextItem, float | None]]) -> None:
    """Place each (label, x value) at the top of ``view`` beside its x, in rows, as above."""
    (x0, x1), (y0, y1) = view.viewRange()
    dx, dy = view.viewPixelSize()
    if dx <= 0 or dy <= 0:
        return
    width_px, height_px = (x1 - x0) / dx, (y1 - y0) / dy
    rows: list[list[tuple[float, float]]] = []
    for item, value in sorted(labels, key=lambda pair: -1e300 if pair[1] is None else pair[1]):
        size = item.textItem.boundingRect()
        w, h = size.width(), size.height() + ROW_GAP_PX
        at = (value - x0) / dx if value is not None else -1.0
        if value is None or not 0 <= at <= width_px or w + 2 * PAD_PX > width_px:
            item.hide()
            continue
        left = at + GAP_PX if at + GAP_PX + w <= width_px - PAD_PX else at - GAP_PX - w
        left = min(max(left, PAD_PX), width_px - PAD_PX - w)
        row = _free_row(rows, left, left + w)
        if PAD_PX + (row + 1) * h - ROW_GAP_PX > height_px - PAD_PX:
            item.hide()  # no room left in this plot: hidden, never printed over another
            continue
        if row == len(rows):
            rows.append([])
        rows[row].append((left, left + w))
        item.setPos(x0 + left * dx, y1 - (PAD_PX + row * h) * dy)
        item.show()
