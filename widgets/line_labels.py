"""Legible labels on crowded level lines (pyqtgraph InfiniteLine labels).

Levels often sit a few pixels apart — prior-day close beside a pivot, the spot beside a GEX
wall — and their labels, all at the same spot along their lines, print over each other. A label
whose line is closer than ``clearance_px`` to the previous line moves along its own line, past
the previous label, so each stays next to its line; one that no longer fits in the view is
hidden (its line stays, and panels show the value elsewhere too) until there is room again."""

from __future__ import annotations

import math
from collections.abc import Iterable

import pyqtgraph as pg
from PySide6.QtCore import QPointF


def stagger_labels(view: pg.ViewBox, lines: Iterable[pg.InfiniteLine], start: float, toward_end: float = 0.0,
                   clearance_px: float = 15, spacing_px: float = 6, margin_px: float = 3) -> None:
    """Place each line's label at ``start`` (fraction along the line, 0 → 1) or, when crowded,
    just past the previous label towards 0. ``toward_end`` is the share of a label's length on
    the 1-side of its position: 0 when the label ends at it (anchors (1, 1) on a horizontal
    line), 0.5 when centred."""
    lines = [line for line in lines if getattr(line, "label", None) is not None and line.isVisible()]
    if not lines:
        return
    horizontal = lines[0].angle % 180 == 0
    extent = view.width() if horizontal else view.height()
    if extent <= 0:
        return

    def across(line: pg.InfiniteLine) -> float:  # scene pixels across the lines
        point = QPointF(0, line.value()) if horizontal else QPointF(line.value(), 0)
        scene = view.mapViewToScene(point)
        return scene.y() if horizontal else scene.x()

    previous_at, free_below = -math.inf, extent  # free_below: where the last placed label starts (px)
    for at, line in sorted(((across(line), line) for line in lines), key=lambda row: row[0]):
        label = line.label
        length = label.boundingRect().width()  # text length along the line, rotated or not
        highest = min(start * extent, extent - margin_px - toward_end * length)
        crowded = at - previous_at < clearance_px
        position = free_below - spacing_px - toward_end * length if crowded else highest
        previous_at = at
        if crowded and position - (1 - toward_end) * length < margin_px:
            label.setVisible(False)  # no room left in this cluster
            continue
        label.setVisible(True)
        free_below = position - (1 - toward_end) * length
        if abs(label.orthoPos - position / extent) > 1e-6:
            label.setPosition(position / extent)
