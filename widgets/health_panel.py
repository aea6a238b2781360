"""Worker health panel: each engine service's state, heartbeat age, restarts and last error."""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from widgets.table_model import ColumnTableModel, Index

STATE_COLORS = {
    "running": QColor("#26a69a"), "starting": QColor("#9e9e9e"), "stale": QColor("#ffb300"),
    "restarting": QColor("#ef5350"), "failed": QColor("#ef5350"), "stopped": QColor("#9e9e9e"),
}


@dataclass(frozen=True, slots=True)
class HealthView:
    name: str
    state: str
    last_heartbeat: float | None  # epoch seconds
    restarts: int
    last_error: str | None


class HealthModel(ColumnTableModel):
    COLUMNS = ("Service", "State", "Last heartbeat", "Restarts", "Last error")

    def __init__(self, clock=time.time) -> None:
        super().__init__()
        self._rows: list[HealthView] = []
        self._clock = clock

    def set_rows(self, rows: list[HealthView]) -> None:
        if [r.name for r in rows] != [r.name for r in self._rows]:
            self.beginResetModel()
            self._rows = list(rows)
            self.endResetModel()
        else:
            self._rows = list(rows)
            self.refresh()

    def refresh(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.COLUMNS) - 1))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 2:
                if r.last_heartbeat is None:
                    return "never"
                return f"{max(0.0, self._clock() - r.last_heartbeat):.0f} s ago"
            return (r.name, r.state, None, str(r.restarts), r.last_error or "")[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return STATE_COLORS.get(r.state)
        if role == Qt.ItemDataRole.ToolTipRole and col == 4:
            return r.last_error
        return None


class HealthPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HealthModel()
        self.summary = QLabel("Engine starting…")
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def set_health(self, rows: list[HealthView], summary: str) -> None:
        self.model.set_rows(rows)
        self.summary.setText(f"Engine: {summary}")
