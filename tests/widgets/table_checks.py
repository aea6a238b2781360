"""What a trader sees in a table: no elided text ("1,4…"), no exponent ("1.758e+04")."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QStyle, QTableView

ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)


def elided_cells(table: QTableView) -> list[tuple[int, int, str, int, int]]:
    """(row, column, text, text px, room px) of every shown cell whose text does not fit: the
    delegate draws it in the rect Qt gives the cell less its text margins (focus-frame margin
    + 1 each side) and the grid line."""
    model, margin = table.model(), table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1
    grid = 1 if table.showGrid() else 0
    out = []
    for row in range(model.rowCount()):
        for col in range(model.columnCount()):
            if table.isColumnHidden(col):
                continue
            index = model.index(row, col)
            text = str(model.data(index, Qt.ItemDataRole.DisplayRole) or "")
            font = QFont(table.font())
            if (own := model.data(index, Qt.ItemDataRole.FontRole)) is not None:
                font = own.resolve(font)
            room = table.visualRect(index).width() if table.visualRect(index).width() > 0 else table.columnWidth(col)
            room -= 2 * margin + grid
            need = QFontMetrics(font).horizontalAdvance(text)
            if need > room:
                out.append((row, col, text, need, room))
    return out


def elided_headers(table: QTableView) -> list[str]:
    header, model = table.horizontalHeader(), table.model()
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    metrics = QFontMetrics(header.font())
    return [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())
            if not table.isColumnHidden(c)
            and metrics.horizontalAdvance(str(model.headerData(c, Qt.Orientation.Horizontal)))
            + 2 * margin > header.sectionSize(c)]


def exponent_texts(model: QAbstractItemModel) -> list[str]:
    """Every cell's display text and tooltip, and the headers, that read like 1.758e+04."""
    texts = [str(model.headerData(c, Qt.Orientation.Horizontal, role) or "")
             for c in range(model.columnCount()) for role in ROLES]
    texts += [str(model.data(model.index(r, c), role) or "")
              for r in range(model.rowCount()) for c in range(model.columnCount()) for role in ROLES]
    return [t for t in texts if "e+" in t or "e-0" in t]
