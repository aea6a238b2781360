"""The price axis of the chart's panes: plain numbers with thousands separators and just enough
decimals for the tick spacing — never pyqtgraph's ``%g`` (``2.0465e+04``) or an SI prefix."""

from __future__ import annotations

import math
from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFontMetricsF


def decimals_for(spacing: float) -> int:
    """The fewest decimals that write ticks ``spacing`` apart exactly (0.25 → 2, 5 → 0), at most 6."""
    if not spacing > 0 or not math.isfinite(spacing):
        return 2
    return next((d for d in range(7) if abs(round(spacing, d) - spacing) <= spacing * 1e-6), 6)


def price_ticks(values: list[float], spacing: float) -> list[str]:
    decimals = decimals_for(spacing)
    return [f"{v:,.{decimals}f}".replace("-", "−") if round(v, decimals) else "0" for v in values]


def uncovered(ys: list[float], half_height: float, spans: list[tuple[float, float]]) -> list[bool]:
    """Whether a tick label centred at each axis px ``ys`` stays clear of every (top, bottom) span."""
    return [all(y + half_height <= top or y - half_height >= bottom for top, bottom in spans) for y in ys]


class PriceAxis(pg.AxisItem):
    """A tick label a level tag covers is left out (it could not be read and its digits showed
    around the tag); the others stay, so the scale keeps its numbers between the tags."""

    def __init__(self, orientation: str = "right", **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)
        self.covered: Callable[[], list[tuple[float, float]]] = list  # tag spans in axis px (set by the owner)
        self._taken: list[tuple[float, float]] = []  # labels drawn so far this paint (coarser levels first)

    def generateDrawSpecs(self, p):
        self._taken = []
        return super().generateDrawSpecs(p)

    def tickStrings(self, values, scale, spacing):
        texts = price_ticks([v * scale for v in values], spacing * scale)
        spans, view = self.covered(), self.linkedView()
        if not spans or view is None:
            return texts
        # with labels left out pyqtgraph finds room for a finer level's: those must not crowd
        # the labels kept (nor each other) either
        half = QFontMetricsF(self.font()).height() / 2
        out = []
        for v, text in zip(values, texts, strict=True):
            y = self.mapFromScene(view.mapViewToScene(QPointF(0, v))).y()
            keep = uncovered([y], half, spans + self._taken)[0]
            if keep:
                self._taken.append((y - half, y + half))
            out.append(text if keep else "")
        return out
