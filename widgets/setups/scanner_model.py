"""The scanner's table: detections from a scan and from the live feed in one list.

A row is one stored detection (ids are stable: a scan that finds what the live feed found
already gets the same id, so the row is merged, not doubled). Rows are newest first; a click
on a header sorts by that column (Score: the best first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from analytics.detectors.registry import title_of
from data.store.records import DetectionRecord
from widgets.numbers import price
from widgets.setups.cells import (
    age_text,
    direction_color,
    direction_text,
    hit_rate_cell,
    risk_reward,
    rr_text,
    targets_text,
)
from widgets.table_model import ColumnTableModel, Index

LIVE, SCAN = "Live", "Scan"
COLUMNS = ("Symbol", "Setup", "Direction", "Score", "Entry", "Stop", "Target(s)", "R:R", "Hit rate", "Age",
           "Source", "Tracked")
BEST_FIRST = tuple(COLUMNS.index(c) for c in ("Score", "R:R", "Hit rate"))
HIT_RATE, AGE, DIRECTION, TRACKED = COLUMNS.index("Hit rate"), COLUMNS.index("Age"), 2, COLUMNS.index("Tracked")


@dataclass(frozen=True, slots=True)
class ScanRow:
    detection: DetectionRecord
    source: str  # LIVE (the detector runner's feed) or SCAN (Scan now)


def tracked_text(source: str | None) -> str:
    """The Tracked column: "Auto" for an auto-tracked detection, "Yes" for one the trader tracked."""
    if source is None:
        return ""
    return "Auto" if source == "auto" else "Yes"


class ScannerModel(ColumnTableModel):
    COLUMNS = COLUMNS

    def __init__(self, now: Callable[[], datetime | None] = lambda: None) -> None:
        super().__init__()
        self.now = now  # the market clock (the provider's), for the ages
        self._tracked: dict[int, str] = {}  # detection id -> the tracked setup's source
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # -- rows -------------------------------------------------------------------------------
    def set_rows(self, rows: list[ScanRow]) -> None:
        self.beginResetModel()
        self._rows = self._sorted(rows)
        self.endResetModel()

    def set_tracked(self, tracked: dict[int, str]) -> None:
        self._tracked = dict(tracked)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))

    def tracked_source(self, detection_id: int) -> str | None:
        return self._tracked.get(detection_id)

    def row_at(self, row: int) -> ScanRow:
        return self._rows[row]

    def row_of(self, detection_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.detection.id == detection_id), None)

    def refresh_ages(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, AGE), self.index(len(self._rows) - 1, AGE))

    # -- sorting ----------------------------------------------------------------------------
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.InitialSortOrderRole and section in BEST_FIRST:
            return Qt.SortOrder.DescendingOrder  # a first click on Score lists the best first
        return super().headerData(section, orientation, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order) if 0 <= column < len(COLUMNS) else None
        self.layoutAboutToBeChanged.emit()
        self._rows = self._sorted(self._rows)
        self.layoutChanged.emit()

    def _sorted(self, rows: list[ScanRow]) -> list[ScanRow]:
        newest = sorted(rows, key=lambda r: (r.detection.decided_at, r.detection.confidence), reverse=True)
        if self._sort is None:
            return newest
        column, order = self._sort
        return sorted(newest, key=lambda r: self._key(r, column), reverse=order == Qt.SortOrder.DescendingOrder)

    def _key(self, row: ScanRow, column: int):
        d = row.detection
        keys = (d.symbol, title_of(d.detector), d.direction, d.confidence, d.entry, d.stop,
                d.targets[0] if d.targets else 0.0, _finite(risk_reward(d.entry, d.stop, d.targets)),
                (d.hit_hits or 0) / d.hit_cases if d.hit_cases else -1.0, -d.decided_at.timestamp(), row.source,
                tracked_text(self._tracked.get(d.id)))
        return keys[column]

    # -- cells ------------------------------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == DIRECTION:
            return direction_color(row.detection.direction)
        if role == Qt.ItemDataRole.FontRole and self._tracked.get(row.detection.id) == "auto":
            font = QFont()
            font.setBold(True)  # an auto-tracked detection stands out
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and 3 <= column <= 9:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def text(self, row: ScanRow, column: int) -> str:
        d = row.detection
        values = (d.symbol, title_of(d.detector), direction_text(d.direction), f"{100 * d.confidence:.0f}",
                  price(d.entry), price(d.stop), targets_text(d.targets),
                  rr_text(risk_reward(d.entry, d.stop, d.targets)), hit_rate_cell(d.hit_hits, d.hit_cases)[0],
                  age_text(d.decided_at, self.now()), row.source, tracked_text(self._tracked.get(d.id)))
        return values[column]

    def tooltip(self, row: ScanRow, column: int) -> str:
        d = row.detection
        if column == HIT_RATE:
            return hit_rate_cell(d.hit_hits, d.hit_cases)[1]
        if column == TRACKED and d.id in self._tracked:
            return "Auto-tracked by the detector runner." if self._tracked[d.id] == "auto" else "Tracked."
        parts = "\n".join(f"  {name.replace('_', ' ')}: {value:.2f} (weight {weight:.2f})"
                          for name, value, weight in d.parts)
        return f"{d.evidence}\nScore parts:\n{parts}" if parts else d.evidence


def _finite(value: float) -> float:
    return value if value == value else -1.0  # NaN sorts last
