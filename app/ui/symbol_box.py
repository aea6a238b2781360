"""Ctrl+K symbol box: type a symbol (with suggestions), Enter sets the active symbol.

Non-modal (opened with ``show()``, never ``exec()``, so the asyncio loop keeps running).
Invalid input is explained inline and the box stays open with the text intact.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from data.symbols import SymbolError, normalize_symbol

SEARCH_DEBOUNCE_MS = 200


class SymbolBox(QDialog):
    symbol_chosen = Signal(str)
    search_requested = Signal(str)  # debounced text, for provider symbol search

    def __init__(self, suggestions: Callable[[], list[str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Go to symbol")
        self.setModal(False)
        self._suggestions = suggestions
        self.input = QLineEdit(placeholderText="Symbol, e.g. SPX, AAPL, BRK.B")
        self.completions = QStringListModel(self)
        completer = QCompleter(self.completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.input.setCompleter(completer)
        self.error_label = QLabel(objectName="inlineError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        hint = QLabel("Enter to open · Esc to close")
        hint.setStyleSheet("color: #7d8590;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.input)
        layout.addWidget(self.error_label)
        layout.addWidget(hint)
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(lambda: self.search_requested.emit(self.input.text().strip()))
        self.input.textEdited.connect(self._on_edited)
        self.input.returnPressed.connect(self.submit)
        self.setMinimumWidth(420)
        self.resize(420, 0)

    def open_box(self) -> None:
        self.completions.setStringList(self._suggestions())
        self.error_label.hide()
        self.input.selectAll()
        self.show()
        self.raise_()
        self.activateWindow()
        self.input.setFocus()

    def add_suggestions(self, symbols: list[str]) -> None:
        current = self.completions.stringList()
        self.completions.setStringList(current + [s for s in symbols if s not in current])

    def submit(self) -> None:
        try:
            symbol = normalize_symbol(self.input.text())
        except SymbolError as exc:
            self.show_error(str(exc))
            return
        self.error_label.hide()
        self.symbol_chosen.emit(symbol)
        self.hide()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self.show()
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to the wrapped message at the box's width (a long one was cut off at the edge)."""
        layout = self.layout()
        self.resize(self.width(), max(self.minimumSizeHint().height(), layout.totalHeightForWidth(self.width())))

    def _on_edited(self, _text: str) -> None:
        self.error_label.hide()
        self._debounce.start()
