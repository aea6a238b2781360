"""The symbol search's suggestions under the Ctrl+K field: rows grouped under headers.

A pure view: ``set_suggestions`` shows ranked ``Suggestion`` records as "★ NVDA  NVIDIA Corp.
· stock" under Favourites, Recent, Indices, ETFs and Stocks. It never takes the focus (the
field keeps it, so typing goes on): the field moves the highlight with ``move``. A click on a
row emits ``symbol_activated``; a click on its star emits ``star_clicked``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from data.symbol_catalog import Suggestion, sections

STAR, SYMBOL, NAME, CATEGORY = range(4)
STARRED, UNSTARRED = "★", "☆"
_SYMBOL_ROLE = Qt.ItemDataRole.UserRole


class SymbolSearchList(QTreeWidget):
    symbol_activated = Signal(str)
    star_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="symbolSearchList")
        self.setColumnCount(4)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(0)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMinimumHeight(220)
        self._shown: dict[str, Suggestion] = {}
        self._rows: list[QTreeWidgetItem] = []

    # -- contents ----------------------------------------------------------------------------------
    def set_suggestions(self, suggestions: Sequence[Suggestion], keep_highlight: bool = True) -> None:
        """Show ``suggestions`` in their order, grouped; the highlighted symbol stays highlighted."""
        kept = self.current_symbol() if keep_highlight else None
        self.clear()
        self._shown, self._rows = {}, []
        for title, rows in sections(suggestions):
            header = QTreeWidgetItem(self, [title])
            header.setFlags(Qt.ItemFlag.NoItemFlags)  # a header is never highlighted
            header.setFirstColumnSpanned(True)
            font = QFont(header.font(0))
            font.setBold(True)
            header.setFont(0, font)
            for s in rows:
                item = QTreeWidgetItem(self, [STARRED if s.starred else UNSTARRED, s.symbol, s.name,
                                              f"· {s.category}"])
                item.setData(0, _SYMBOL_ROLE, s.symbol)
                item.setToolTip(STAR, "Remove from favourites (Ctrl+D)" if s.starred else "Add to favourites (Ctrl+D)")
                self._shown[s.symbol] = s
                self._rows.append(item)
        for column in range(self.columnCount()):
            self.resizeColumnToContents(column)
        if kept is not None and kept in self._shown:
            self.highlight(kept)

    def symbols(self) -> list[str]:
        """The rows' symbols, top to bottom (headers left out)."""
        return [item.data(0, _SYMBOL_ROLE) for item in self._rows]

    def suggestion(self, symbol: str) -> Suggestion | None:
        return self._shown.get(symbol)

    def headers(self) -> list[str]:
        return [self.topLevelItem(i).text(0) for i in range(self.topLevelItemCount())
                if self.topLevelItem(i).data(0, _SYMBOL_ROLE) is None]

    # -- highlight ---------------------------------------------------------------------------------
    def current_symbol(self) -> str | None:
        item = self.currentItem()
        return None if item is None or not item.isSelected() else item.data(0, _SYMBOL_ROLE)

    def highlight(self, symbol: str | None) -> None:
        item = next((i for i in self._rows if i.data(0, _SYMBOL_ROLE) == symbol), None)
        if item is None:
            self.clearSelection()
            self.setCurrentItem(None)
            return
        self.setCurrentItem(item)
        item.setSelected(True)
        self.scrollToItem(item)

    def move(self, step: int) -> None:
        """Highlight the row ``step`` rows down (up when negative), headers skipped; from no
        highlight, Down goes to the first row and Up to the last."""
        symbols = self.symbols()
        if not symbols:
            return
        current = self.current_symbol()
        if current is None:
            index = 0 if step > 0 else len(symbols) - 1
        else:
            index = max(0, min(len(symbols) - 1, symbols.index(current) + step))
        self.highlight(symbols[index])

    # -- mouse -------------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        item = self.itemAt(event.position().toPoint())
        symbol = None if item is None else item.data(0, _SYMBOL_ROLE)
        if symbol is None or event.button() != Qt.MouseButton.LeftButton:
            event.accept()
            return
        if self.columnAt(event.position().toPoint().x()) == STAR:
            self.highlight(symbol)
            self.star_clicked.emit(symbol)
        else:
            self.symbol_activated.emit(symbol)
        event.accept()
