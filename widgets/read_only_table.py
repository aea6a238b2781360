"""A small read-only table of text rows (IV skews, the most traded 0DTE contracts)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from widgets.table_sizing import fit_columns
from widgets.view_looks import style_views


class ReadOnlyTable(QTableWidget):
    def __init__(self, columns: Sequence[str], stretch_last: bool = False) -> None:
        super().__init__(0, len(columns))
        self.setHorizontalHeaderLabels(list(columns))
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(stretch_last)
        fit_columns(self, {c: [] for c in range(len(columns))})  # empty, its headers fit (not Qt's 100 px each)
        self._sized = False
        style_views(self)  # (also in a dialog: not only under a panel)

    def set_rows(self, rows: Sequence[Sequence[str]]) -> None:
        self.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                self.setItem(r, c, QTableWidgetItem(text))
        if rows:
            # the texts are at hand: measuring them is cheap (the delegate's size hints are not);
            # fitted once, then only widened, so a value that grows ("9,999" -> "10,250") is never elided
            fit_columns(self, {c: [row[c] for row in rows] for c in range(self.columnCount())},
                        grow_only=self._sized)
            self._sized = True
