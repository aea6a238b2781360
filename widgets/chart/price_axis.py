"""The price axis of the chart's panes: plain numbers with thousands separators and just enough
decimals for the tick spacing — never pyqtgraph's ``%g`` (``2.0465e+04``) or an SI prefix."""

from __future__ import annotations

import math

import pyqtgraph as pg


def decimals_for(spacing: float) -> int:
    """The fewest decimals that write ticks ``spacing`` apart exactly (0.25 → 2, 5 → 0), at most 6."""
    if not spacing > 0 or not math.isfinite(spacing):
        return 2
    return next((d for d in range(7) if abs(round(spacing, d) - spacing) <= spacing * 1e-6), 6)


def price_ticks(values: list[float], spacing: float) -> list[str]:
    decimals = decimals_for(spacing)
    return [f"{v:,.{decimals}f}".replace("-", "−") if round(v, decimals) else "0" for v in values]


class PriceAxis(pg.AxisItem):
    def __init__(self, orientation: str = "right", **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values, scale, spacing):
        return price_ticks([v * scale for v in values], spacing * scale)
