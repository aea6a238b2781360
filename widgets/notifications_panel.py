"""Notifications panel: the log of every notification, newest first, filterable by kind.

Two columns — the time, and the title over the whole message, wrapped — because the panel
lives in the narrow list column, where four columns left "SPY traded a…" of the message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from data.market_calendar import ET
from widgets.table_model import ColumnTableModel, Index

MAX_ROWS = 500  # shown; rows are as tall as their wrapped text (measured, so kept bounded)


@dataclass(frozen=True, slots=True)
class NotificationView:
    id: int
    kind: str
    title: str
    message: str
    created_at: datetime


class NotificationsModel(ColumnTableModel):
    COLUMNS = ("Time (ET)", "Notification")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[NotificationView] = []

    def set_rows(self, rows: list[NotificationView]) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=lambda r: r.id, reverse=True)[:MAX_ROWS]
        self.endResetModel()

    def prepend(self, row: NotificationView) -> None:
        if any(r.id == row.id for r in self._rows[:50]):
            return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._rows.insert(0, row)
        self.endInsertRows()
        if len(self._rows) > MAX_ROWS:
            self.beginRemoveRows(QModelIndex(), MAX_ROWS, len(self._rows) - 1)
            del self._rows[MAX_ROWS:]
            self.endRemoveRows()

    def row_at(self, i: int) -> NotificationView:
        return self._rows[i]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.created_at.astimezone(ET).strftime("%b %d %H:%M:%S"),
                    f"{r.title}\n{r.message}" if r.message else r.title)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{r.kind}: {r.title}\n{r.message}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None


class NotificationsPanel(QWidget):
    snooze_requested = Signal(str)  # a snooze choice ("15m", "1h", "open", "off")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.snooze = QToolButton(text="Snooze", popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        self.snooze.setToolTip("Silence the pop-ups and sounds for a while (notifications are still logged here)")
        self.snooze.setMenu(QMenu(self.snooze))
        self.snooze.hide()  # until the owner offers the choices
        self.model = NotificationsModel()
        self.kind_filter = QComboBox()
        self.kind_filter.addItem("All kinds", "")
        self.kind_filter.currentIndexChanged.connect(self._apply_filter)
        self.count_label = QLabel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        top = QHBoxLayout()
        top.addWidget(self.kind_filter)
        top.addStretch(1)
        top.addWidget(self.count_label)
        top.addWidget(self.snooze)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._update_count()

    def set_snooze_choices(self, choices: tuple[tuple[str, str], ...]) -> None:
        """(choice, label) pairs for the Snooze button's menu."""
        menu = self.snooze.menu()
        menu.clear()
        for choice, label in choices:
            menu.addAction(label).triggered.connect(lambda _c=False, ch=choice: self.snooze_requested.emit(ch))
        self.snooze.setVisible(bool(choices))

    def set_notifications(self, rows: list[NotificationView]) -> None:
        self.model.set_rows(rows)
        for r in rows:
            self._remember_kind(r.kind)
        self._apply_filter()

    def add_notification(self, row: NotificationView) -> None:
        self.model.prepend(row)
        self._remember_kind(row.kind)
        self._apply_filter()

    def _remember_kind(self, kind: str) -> None:
        if self.kind_filter.findData(kind) < 0:
            self.kind_filter.addItem(kind, kind)

    def _apply_filter(self) -> None:
        wanted = self.kind_filter.currentData()
        for i in range(self.model.rowCount()):
            self.table.setRowHidden(i, bool(wanted) and self.model.row_at(i).kind != wanted)
        self._update_count()

    def _update_count(self) -> None:
        self.count_label.setText(f"{self.model.rowCount()} notifications")
