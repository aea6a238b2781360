"""Ctrl+K symbol box: type a symbol or a company name, pick a suggestion, Enter opens it.

Suggestions (``widgets/symbol_search_list.py``) are ranked at once from what needs no I/O (the
built-in popular list, favourites, recents: ``set_local``), then replaced by the full answer
with the provider's reference search (``search_requested``, debounced, answered through
``set_suggestions``). Keyboard only: Up/Down (PageUp/PageDown) move the highlight, Enter opens
the highlighted row — or the typed text when no row is highlighted and it is a symbol, else the
first row (a company name) — Ctrl+D stars or unstars
(``favourite_toggled``), Esc closes. Non-modal (opened with ``show()``, never ``exec()``, so the
asyncio loop keeps running). Invalid input is explained inline and the box stays open with the
text intact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from data.symbol_catalog import Suggestion, rank
from data.symbols import SymbolError, normalize_symbol
from widgets.symbol_search_list import SymbolSearchList
from widgets.view_looks import style_error_label

SEARCH_DEBOUNCE_MS = 200
PAGE_ROWS = 8
_MOVES = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: PAGE_ROWS, Qt.Key.Key_PageUp: -PAGE_ROWS}


class SymbolBox(QDialog):
    symbol_chosen = Signal(str)
    search_requested = Signal(str)  # the typed text (debounced), for the full ranked answer
    favourite_toggled = Signal(str)  # a symbol to star or unstar

    def __init__(self, suggestions: Callable[[], list[str]], parent: QWidget | None = None) -> None:
        """``suggestions``: symbols the app knows (its watchlists), offered until ``set_local``."""
        super().__init__(parent)
        self.setWindowTitle("Go to symbol")
        self.setModal(False)
        self._known = suggestions
        self._local: Callable[[str], Sequence[Suggestion]] = self.offline
        self.input = QLineEdit(placeholderText="Symbol or company, e.g. SPX, AAPL, nvidia, BRK.B")
        self.input.installEventFilter(self)
        self.list = SymbolSearchList(self)
        self.list.symbol_activated.connect(self.choose)
        self.list.star_clicked.connect(self.favourite_toggled.emit)
        self.error_label = style_error_label(QLabel())
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        hint = QLabel("↑↓ to pick · Enter to open · Ctrl+D to star · Esc to close")
        hint.setStyleSheet("color: #7d8590;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.input)
        layout.addWidget(self.error_label)
        layout.addWidget(self.list)
        layout.addWidget(hint)
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(lambda: self.search_requested.emit(self.text()))
        self.input.textEdited.connect(self._on_edited)
        self.input.returnPressed.connect(self.submit)
        self.setMinimumWidth(460)
        self.resize(460, 0)

    def text(self) -> str:
        return self.input.text().strip()

    def set_local(self, local: Callable[[str], Sequence[Suggestion]]) -> None:
        """How to rank without I/O (the symbol search service once the engine runs)."""
        self._local = local

    def open_box(self) -> None:
        self.error_label.hide()
        self.list.set_suggestions(self._local(self.text()), keep_highlight=False)
        self.input.selectAll()
        self.show()
        self.raise_()
        self.activateWindow()
        self.input.setFocus()
        self.search_requested.emit(self.text())

    def set_suggestions(self, text: str, suggestions: Sequence[Suggestion]) -> None:
        """The ranked answer for ``text``; an answer for text since changed is dropped."""
        if text.strip() == self.text():
            self.list.set_suggestions(suggestions)

    def submit(self) -> None:
        """Enter: the highlighted row, else the typed text when it is a symbol, else the first
        suggestion (a company name typed: "nvidia" opens NVDA)."""
        if (highlighted := self.list.current_symbol()) is not None:
            self.choose(highlighted)
            return
        try:
            symbol = normalize_symbol(self.input.text())
        except SymbolError as exc:
            if not (rows := self.list.symbols()) or not self.text():
                self.show_error(str(exc))
                return
            symbol = rows[0]
        self.choose(symbol)

    def choose(self, symbol: str) -> None:
        self.error_label.hide()
        self.symbol_chosen.emit(symbol)
        self.hide()

    def toggle_favourite(self) -> None:
        """Ctrl+D: star or unstar the highlighted row, else the typed symbol."""
        symbol = self.list.current_symbol()
        if symbol is None:
            try:
                symbol = normalize_symbol(self.input.text())
            except SymbolError as exc:
                self.show_error(str(exc))
                return
        self.favourite_toggled.emit(symbol)

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self.show()
        self._fit_height()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.input and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, mods = event.key(), event.modifiers()
            if key in _MOVES and not mods & ~Qt.KeyboardModifier.KeypadModifier:
                self.list.move(_MOVES[Qt.Key(key)])
                return True
            if key == Qt.Key.Key_D and mods == Qt.KeyboardModifier.ControlModifier:
                self.toggle_favourite()
                return True
        return super().eventFilter(watched, event)

    def offline(self, text: str) -> list[Suggestion]:
        """Before the engine runs: the built-in list and the app's known symbols."""
        from data.models import SymbolInfo  # (numpy: after the first paint, when the box first opens)
        from data.symbols import symbol_kind

        typed = text.strip().upper()
        known = [SymbolInfo(s, "", symbol_kind(s)) for s in self._known() if typed and s.startswith(typed)]
        return rank(text, results=known)

    def _fit_height(self) -> None:
        """Grow to the wrapped message at the box's width (a long one was cut off at the edge)."""
        layout = self.layout()
        self.resize(self.width(), max(self.minimumSizeHint().height(), layout.totalHeightForWidth(self.width())))

    def _on_edited(self, _text: str) -> None:
        self.error_label.hide()
        self.list.set_suggestions(self._local(self.text()), keep_highlight=False)
        self._debounce.start()
