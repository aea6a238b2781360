"""The positions table: a row per position with its legs as child rows (expand to see them).

Live updates rewrite the cells in place when the rows are the same positions and legs (the
expanded rows, the selection and the scroll position stay); otherwise the rows are rebuilt and the
expanded positions expanded again. A leg without a fresh mark is greyed, with the reason in its
tooltips; a partial total says which legs it leaves out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTreeView

from data.store.records import PositionRecord
from widgets.positions.cells import COLUMNS, DIM, TIPS, Cell, is_dim, leg_cells, position_cells
from widgets.table_sizing import text_width

ID_ROLE = Qt.ItemDataRole.UserRole + 1
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class PositionsTree(QTreeView):
    def __init__(self) -> None:
        super().__init__()
        self.model_ = QStandardItemModel(0, len(COLUMNS))
        self.model_.setHorizontalHeaderLabels(list(COLUMNS))
        for c, name in enumerate(COLUMNS):
            self.model_.horizontalHeaderItem(c).setToolTip(TIPS.get(name, ""))
        self.setModel(self.model_)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.header().moveSection(len(COLUMNS) - 1, 1)  # the advice badge next to the name: seen without scrolling
        self._shape: list[tuple[int, tuple[str, ...]]] = []
        self._widths: dict[int, int] = {}

    # -- content -------------------------------------------------------------------------------
    def set_rows(self, records: Sequence[PositionRecord], views: dict, today: date | None,
                 stale_after_s: float) -> None:
        shape = [(r.id, tuple(x.symbol for x in r.legs)) for r in records]
        if shape != self._shape:
            self._rebuild(records, shape)
        for row, record in enumerate(records):
            view = views.get(record.id) if record.status == "open" else None
            self._fill(self.model_.invisibleRootItem(), row,
                       position_cells(record, view, stale_after_s), False)
            parent = self.model_.item(row, 0)
            legs = {lv.symbol: lv for lv in view.value.legs} if view is not None else {}
            for i, leg in enumerate(record.legs):
                lv = legs.get(leg.symbol)
                self._fill(parent, i, leg_cells(leg, lv, today, stale_after_s), is_dim(lv))
        self._fit()

    def _rebuild(self, records: Sequence[PositionRecord], shape) -> None:
        expanded = {pid for pid, _legs in self._shape if self.isExpanded(self._index_of(pid))}
        selected = self.selected_id()
        self.model_.removeRows(0, self.model_.rowCount())
        for record in records:
            items = _row_items(record.id)
            for _leg in record.legs:
                items[0].appendRow(_row_items(record.id))
            self.model_.appendRow(items)
        self._shape = shape
        for pid in expanded:
            if (index := self._index_of(pid)).isValid():
                self.expand(index)
        if selected is not None:
            self.select(selected)

    def _fill(self, parent: QStandardItem, row: int, cells: list[Cell], dim: bool) -> None:
        for column, cell in enumerate(cells):
            item = parent.child(row, column)
            if item is None:
                continue
            if item.text() != cell.text:
                item.setText(cell.text)
            item.setToolTip(cell.tip)
            color = DIM if dim else cell.color
            if color is not None:
                item.setForeground(QBrush(color))
            else:
                item.setData(None, Qt.ItemDataRole.ForegroundRole)  # the palette's text colour

    def _fit(self) -> None:
        """Columns as wide as their texts; widened on updates, never narrowed under the reader."""
        font = self.font()
        for column in range(len(COLUMNS)):
            texts = [self.model_.headerData(column, Qt.Orientation.Horizontal)]
            for row in range(self.model_.rowCount()):
                top = self.model_.item(row, 0)
                texts.append(self.model_.item(row, column).text())
                texts += [top.child(i, column).text() for i in range(top.rowCount())]
            wanted = text_width(font, texts) + 16 + (2 * self.indentation() if column == 0 else 0)
            if wanted > self._widths.get(column, 0):
                self._widths[column] = wanted
                self.setColumnWidth(column, wanted)

    # -- selection -----------------------------------------------------------------------------
    def _index_of(self, position_id: int):
        for row in range(self.model_.rowCount()):
            if self.model_.item(row, 0).data(ID_ROLE) == position_id:
                return self.model_.index(row, 0)
        return self.model_.index(-1, -1)

    def row_of(self, position_id: int) -> int | None:
        index = self._index_of(position_id)
        return index.row() if index.isValid() else None

    def select(self, position_id: int) -> bool:
        index = self._index_of(position_id)
        if not index.isValid():
            return False
        self.setCurrentIndex(index)
        self.scrollTo(index)
        return True

    def selected_id(self) -> int | None:
        index = self.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def id_at(self, pos) -> int | None:
        index = self.indexAt(pos)
        return index.data(ID_ROLE) if index.isValid() else None

    def text(self, position_id: int, column: str, leg: int | None = None) -> str:
        """A cell's text (tests and the coach read the table as a trader does)."""
        top = self.model_.item(self.row_of(position_id), 0)
        c = COLUMNS.index(column)
        return (self.model_.item(top.row(), c) if leg is None else top.child(leg, c)).text()


def _row_items(position_id: int) -> list[QStandardItem]:
    items = [QStandardItem() for _ in COLUMNS]
    for c, item in enumerate(items):
        item.setData(position_id, ID_ROLE)
        if 0 < c < len(COLUMNS) - 1:
            item.setTextAlignment(RIGHT)
    return items
