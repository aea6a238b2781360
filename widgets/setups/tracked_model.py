"""The tracked setups' table, and the status filters over it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from analytics.detectors.registry import title_of
from analytics.setup_lifecycle import (
    ACTIVE,
    ARCHIVED,
    CLOSED,
    INVALIDATED,
    LIVE,
    STATUS_TITLES,
    STATUSES,
    STOPPED,
    TARGET_HIT,
    TRIGGERED,
)
from data.store.records import TrackedSetup
from widgets.numbers import price
from widgets.setups.cells import direction_color, direction_text, et_time, rr_text, targets_text
from widgets.table_model import ColumnTableModel, Index

# (shown, the statuses it lists); the first is the default
FILTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Live (active + triggered)", LIVE),
    *((STATUS_TITLES[s], (s,)) for s in (ACTIVE, TRIGGERED, INVALIDATED, TARGET_HIT, STOPPED, CLOSED, ARCHIVED)),
    ("All", STATUSES),
)
STATUS_COLORS = {TRIGGERED: QColor("#ffb300"), TARGET_HIT: QColor("#26a69a"), STOPPED: QColor("#ef5350"),
                 INVALIDATED: QColor("#9e9e9e"), ARCHIVED: QColor("#9e9e9e")}
COLUMNS = ("Symbol", "Setup", "Direction", "Status", "Entry", "Stop", "Target(s)", "R:R", "Created (ET)",
           "Last change (ET)")
DIRECTION, STATUS = 2, 3


def setup_title(s: TrackedSetup) -> str:
    return "Manual" if s.detector == "manual" else title_of(s.detector)


class TrackedModel(ColumnTableModel):
    COLUMNS = COLUMNS

    def set_rows(self, rows: list[TrackedSetup]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def setup_at(self, row: int) -> TrackedSetup:
        return self._rows[row]

    def row_of(self, setup_id: int) -> int | None:
        return next((i for i, s in enumerate(self._rows) if s.id == setup_id), None)

    def text(self, s: TrackedSetup, column: int) -> str:
        values = (s.symbol, setup_title(s), direction_text(s.direction), STATUS_TITLES.get(s.status, s.status),
                  price(s.entry), price(s.stop), targets_text(s.targets), rr_text(s.risk_reward),
                  et_time(s.created_at), et_time(s.updated_at))
        return values[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        s, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(s, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return s.notes or None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == DIRECTION:
                return direction_color(s.direction)
            if column == STATUS:
                return STATUS_COLORS.get(s.status)
        if role == Qt.ItemDataRole.TextAlignmentRole and 4 <= column <= 7:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
