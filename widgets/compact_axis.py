"""Axis labels as traders write large numbers: 1.5M, 250K, $2B — not pyqtgraph's 1e+06 or a
scale factor tucked into the axis title."""

from __future__ import annotations

import math

import pyqtgraph as pg

UNITS = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"), (1.0, ""))


def compact_ticks(values: list[float], spacing: float, prefix: str = "") -> list[str]:
    """Labels for tick ``values`` ``spacing`` apart, in one unit chosen by the largest of them,
    with just enough decimals to tell neighbouring ticks apart."""
    if not values:
        return []
    largest = max(abs(v) for v in values)
    div, unit = next(((d, u) for d, u in UNITS if largest >= d), (1.0, ""))
    step = spacing / div if spacing > 0 else 1.0
    decimals = min(max(0, -math.floor(math.log10(step))), 3) if step > 0 else 0
    out = []
    for v in values:
        scaled = round(abs(v) / div, decimals)
        if scaled == 0:
            out.append(f"{prefix}0")
            continue
        out.append(f"{'−' if v < 0 else ''}{prefix}{scaled:,.{decimals}f}{unit}")
    return out


class CompactAxis(pg.AxisItem):
    def __init__(self, orientation: str, prefix: str = "", **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)
        self._prefix = prefix

    def tickStrings(self, values, scale, spacing):
        return compact_ticks([v * scale for v in values], spacing * scale, self._prefix)
