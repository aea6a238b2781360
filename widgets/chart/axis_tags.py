"""The price axis's own tags — the last price and the pre/post-market trade — and the level
tags stepping aside from them."""

from __future__ import annotations

import math

from widgets.chart.levels import TICK, LevelLines
from widgets.chart.palette import COLORS
from widgets.chart.panes import ChartPanes


class AxisTags:
    def __init__(self, panes: ChartPanes, levels: LevelLines) -> None:
        self._panes, self._levels = panes, levels
        self._spans: list[tuple[float, float]] = []
        levels.tags.obstacles = self.spans

    def spans(self) -> list[tuple[float, float]]:
        """Where the last-price and pre/post tags sit on the axis: the level tags keep off them."""
        spans = (self._panes.price_tag.span(), self._panes.session_tag.span())
        return [span for span in spans if span is not None]

    def moved(self) -> None:
        spans = self.spans()
        if spans != self._spans:  # the level tags step aside again (not on every tick)
            self._spans = spans
            self._levels.tags.refresh()

    def set_extended_price(self, price: float | None, label: str, last_close: float | None) -> None:
        """See ``ChartPanel.set_extended_price``."""
        tag = self._panes.session_tag
        if price is None or not math.isfinite(price) or last_close is None or abs(price - last_close) < TICK / 2:
            tag.set(None)
            self._panes.fit_axes_to("session", 0)
        else:
            tag.set(price, COLORS["session"], label)
            self._panes.fit_axes_to("session", tag.width)
        self.moved()
