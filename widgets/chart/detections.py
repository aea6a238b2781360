"""The detectors' findings on the price pane: a triangle at the bar each detection was decided
on — pointing up under a long's bar, down over a short's — whose tooltip tells the detector,
direction, confidence, plan and evidence.

All of them are points of ONE scatter item (``setData`` on a change, nothing per frame). A
detection is decided at its bar's close (``decided_at``), which is the start of the next bar:
it goes on the bar containing the minute before it, so it sits on its bar on every timeframe
(a 5m bar contains the 1m bar that closed inside it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QPainterPath, QPolygonF

from analytics.detectors.registry import title_of
from data.live_bars import LiveBars
from data.market_calendar import ET
from data.store.records import DetectionRecord
from widgets.chart.palette import COLORS

SIZE = 24  # px: the symbol's box; the triangle fills its outer half, clear of the bar's wick
MAX_SHOWN = 500


def _triangle(up: bool) -> QPainterPath:
    """A triangle in the half of the symbol's box away from the point (y grows downwards):
    under the point pointing up, or over it pointing down."""
    s = 1.0 if up else -1.0
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(-0.22, 0.5 * s), QPointF(0.0, 0.12 * s), QPointF(0.22, 0.5 * s),
                               QPointF(-0.22, 0.5 * s)]))
    return path


UP, DOWN = _triangle(True), _triangle(False)


def detection_tip(record: DetectionRecord) -> str:
    """What hovering a detection's marker shows."""
    targets = " / ".join(f"{t:,.2f}" for t in record.targets)
    at = record.decided_at.astimezone(ET).strftime("%H:%M")
    return (f"{title_of(record.detector)} · {record.direction} · {record.confidence:.0%}\n"
            f"Entry {record.entry:,.2f} · stop {record.stop:,.2f} · target {targets}\n"
            f"{record.evidence}\nDecided at the {at} ET close")


def bar_minute(decided_at: datetime) -> int:
    """The UTC second of the minute before the close it was decided at (inside its bar)."""
    return int(decided_at.timestamp()) - 60


class DetectionMarkers:
    def __init__(self, plot: pg.PlotItem, live: LiveBars) -> None:
        self._live = live
        self.records: list[DetectionRecord] = []  # oldest first
        self.index = np.empty(0, dtype=np.int64)  # each record's bar (-1: before the bars shown)
        self._brushes: dict[str, object] = {}
        self.recolor(COLORS)
        self.scatter = pg.ScatterPlotItem(pxMode=True, size=SIZE, pen=None, hoverable=True,
                                          tip=lambda x, y, data: data)
        self.scatter.setZValue(41)
        plot.addItem(self.scatter, ignoreBounds=True)
        self._redraw()

    def recolor(self, colors: dict[str, str]) -> None:
        """Longs in the targets' green, shorts in the stops' red, of a theme's ``colors``."""
        self._brushes = {"long": pg.mkBrush(colors["setup_target"]), "short": pg.mkBrush(colors["setup_stop"])}
        if self.records:
            self._redraw()

    def set(self, records: Iterable[DetectionRecord]) -> None:
        """These detections (any order; duplicates by id once) replace the shown ones."""
        self.records = []
        self.add(records)

    def add(self, records: Iterable[DetectionRecord]) -> None:
        known = {r.id for r in self.records}
        new = [r for r in records if r.id not in known and not known.add(r.id)]
        if new or not self.records:
            self.records = sorted(self.records + new, key=lambda r: r.decided_at)[-MAX_SHOWN:]
            self.relocate()

    def clear(self) -> None:
        self.records = []
        self.relocate()

    def relocate(self) -> None:
        """Each detection onto its bar as the bars are now (after a load, a revision, a new bar)."""
        minutes = np.array([bar_minute(r.decided_at) for r in self.records], dtype=np.int64)
        self.index = np.searchsorted(self._live.ts, minutes, side="right").astype(np.int64) - 1
        self._redraw()

    def follow_new_bar(self, bar_ts: int) -> None:
        """A bar starting at ``bar_ts`` arrived: detections of its time move onto it."""
        if any(bar_minute(r.decided_at) >= bar_ts for r in self.records):
            self.relocate()

    def _redraw(self) -> None:
        live, shown = self._live, np.flatnonzero(self.index >= 0)
        records = [self.records[i] for i in shown]
        at = self.index[shown]
        long = np.array([r.direction == "long" for r in records], dtype=bool)
        y = np.where(long, live.low[at], live.high[at]) if len(at) else np.empty(0)
        self.scatter.setData(x=at.astype(np.float64), y=np.asarray(y, dtype=np.float64),
                             symbol=[UP if up else DOWN for up in long],
                             brush=[self._brushes["long" if up else "short"] for up in long],
                             data=[detection_tip(r) for r in records])
        self.scatter.setVisible(bool(len(at)))  # none: nothing in the paint of each frame
