"""Watchlist panel: the active list's symbols with live last price and change.

User intents leave as signals (add, remove, reorder, activate, switch/create/rename/delete
list); the owner applies them and calls ``set_watchlists`` back with what was saved.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from data.models import Quote
from data.symbols import SymbolError, normalize_symbol
from widgets.symbol_actions import Subject, SymbolActions
from widgets.table_model import ColumnTableModel, Index
from widgets.table_sizing import fit_columns
from widgets.view_looks import style_error_label

UP, DOWN = QColor("#26a69a"), QColor("#ef5350")


@dataclass(frozen=True, slots=True)
class WatchlistView:
    id: int
    name: str
    symbols: tuple[str, ...]


NO_DATA_AFTER_S = 15.0  # a symbol still without a quote by then: the provider has none
ERROR_SHOWN_MS = 12_000  # an inline error (e.g. a symbol the provider lacks) clears itself after this


class WatchlistModel(ColumnTableModel):
    COLUMNS = ("Symbol", "Last", "Chg", "Chg %", "Volume")

    def __init__(self, clock=time.monotonic) -> None:
        super().__init__()
        self._quotes: dict[str, Quote] = {}
        self._row_of: dict[str, int] = {}
        self._since: dict[str, float] = {}
        self._clock = clock

    @property
    def symbols(self) -> list[str]:
        return list(self._rows)

    def set_symbols(self, symbols: list[str]) -> None:
        if symbols == self._rows:
            return
        self.beginResetModel()
        self._rows = list(symbols)
        self._row_of = {s: i for i, s in enumerate(self._rows)}
        self._quotes = {s: q for s, q in self._quotes.items() if s in self._row_of}
        now = self._clock()
        self._since = {s: self._since.get(s, now) for s in self._rows}
        self.endResetModel()

    def update_quote(self, quote: Quote) -> None:
        row = self._row_of.get(quote.symbol)
        if row is None:
            return
        self._quotes[quote.symbol] = quote
        self.dataChanged.emit(self.index(row, 1), self.index(row, len(self.COLUMNS) - 1))

    def quote_of(self, symbol: str) -> Quote | None:
        return self._quotes.get(symbol)

    def clear_quotes(self) -> None:
        """Another feed took over (a recording opened, demo back): the old prices are not its."""
        self.beginResetModel()
        self._quotes.clear()
        now = self._clock()
        self._since = dict.fromkeys(self._rows, now)
        self.endResetModel()

    def quote(self, symbol: str) -> Quote | None:
        return self._quotes.get(symbol)

    def row(self, symbol: str) -> int | None:
        return self._row_of.get(symbol)

    def refresh_waiting(self) -> None:
        """Repaint rows still waiting for a first quote (their text turns to "no data")."""
        for symbol, row in self._row_of.items():
            if symbol not in self._quotes:
                self.dataChanged.emit(self.index(row, 1), self.index(row, len(self.COLUMNS) - 1))

    def _waiting_text(self, symbol: str) -> str:
        waited = self._clock() - self._since.get(symbol, self._clock())
        return "no data" if waited >= NO_DATA_AFTER_S else "…"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        symbol = self._rows[index.row()]
        col = index.column()
        q = self._quotes.get(symbol)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return symbol
            if q is None:
                return self._waiting_text(symbol) if col == 1 else ""
            return _format_cell(col, q)
        if role == Qt.ItemDataRole.ForegroundRole and q is not None and col in (2, 3):
            return UP if q.change >= 0 else DOWN
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and q is None and self._waiting_text(symbol) == "no data":
            return f"The current data provider sends no quotes for {symbol}."
        if role == Qt.ItemDataRole.ToolTipRole and q is not None:
            return f"{symbol}: bid {q.bid:,.2f} / ask {q.ask:,.2f}, previous close {q.prev_close:,.2f}"
        return None


def _format_cell(col: int, q: Quote) -> str:
    if col == 1:
        return f"{q.last:,.2f}"
    if col == 2:
        return f"{q.change:+,.2f}"
    if col == 3:
        return "" if math.isnan(q.change_pct) else f"{q.change_pct:+.2f}%"
    if q.day_volume <= 0:
        return ""
    return f"{q.day_volume / 1e6:,.1f}M" if q.day_volume >= 1e6 else f"{q.day_volume:,.0f}"


NUMBER_COLUMNS = range(1, len(WatchlistModel.COLUMNS))


def _numbers_fit(table: QTableView) -> None:
    """The symbol column takes the spare width; the numbers are as wide as their widest text
    (equal shares, as before, elided "24,317.08" in a narrow dock while "SPY" had room to spare)."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    fit_columns(table, {c: [] for c in NUMBER_COLUMNS})


class WatchlistPanel(QWidget):
    symbol_add_requested = Signal(str)
    symbol_remove_requested = Signal(str)
    order_changed = Signal(list)
    symbol_activated = Signal(str)
    watchlist_selected = Signal(int)
    watchlist_create_requested = Signal(str)
    watchlist_rename_requested = Signal(int, str)
    watchlist_delete_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = WatchlistModel()
        self._lists: list[WatchlistView] = []
        self._active_id = 0

        self.list_combo = QComboBox()
        self.list_combo.setToolTip("Active watchlist")
        self.list_combo.activated.connect(self._on_list_chosen)
        new_btn, rename_btn, delete_btn = (QToolButton(text=t) for t in ("New", "Rename", "Delete"))
        new_btn.clicked.connect(self._ask_new_list)
        rename_btn.clicked.connect(self._ask_rename_list)
        delete_btn.clicked.connect(self._ask_delete_list)
        top = QHBoxLayout()
        top.addWidget(self.list_combo, 1)
        for b in (new_btn, rename_btn, delete_btn):
            top.addWidget(b)

        self.input = QLineEdit(placeholderText="Add symbol (e.g. AAPL, SPX, BRK.B) and press Enter")
        self.input.returnPressed.connect(self._submit_symbol)
        self.input.textEdited.connect(lambda _t: self.error_label.hide())
        self.error_label = self._inline_error()

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        _numbers_fit(self.table)
        self.table.doubleClicked.connect(self._on_double_click)
        self._install_menu()
        self._waiting_timer = QTimer(self, interval=2000)
        self._waiting_timer.timeout.connect(self.model.refresh_waiting)
        self._waiting_timer.start()

        up_btn, down_btn, remove_btn = (QToolButton(text=t) for t in ("▲", "▼", "Remove"))
        up_btn.setToolTip("Move up (Ctrl+Up)")
        down_btn.setToolTip("Move down (Ctrl+Down)")
        remove_btn.setToolTip("Remove the selected symbol (Delete)")
        up_btn.clicked.connect(lambda: self.move_selected(-1))
        down_btn.clicked.connect(lambda: self.move_selected(+1))
        remove_btn.clicked.connect(self.remove_selected)
        self._install_shortcuts()
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        for b in (up_btn, down_btn, remove_btn):
            bottom.addWidget(b)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.input)
        layout.addWidget(self.error_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    # -- fed by the owner ------------------------------------------------------------------

    def _inline_error(self) -> QLabel:
        label = style_error_label(QLabel())
        label.setWordWrap(True)
        label.hide()
        self._error_timer = QTimer(self, singleShot=True, interval=ERROR_SHOWN_MS)
        self._error_timer.timeout.connect(label.hide)
        return label

    def _install_menu(self) -> None:
        """A row's menu: the shared symbol actions (chart, chain, alert, coach — those some panel can do)."""
        self.symbol_actions = SymbolActions(self)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._open_menu)

    def _open_menu(self, pos) -> None:
        menu = self.menu_for(self.table.indexAt(pos))
        if menu is not None:  # popup, not exec(): the asyncio loop keeps running while it is open
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(self.table.viewport().mapToGlobal(pos))

    def menu_for(self, index: QModelIndex) -> QMenu | None:
        if not index.isValid():
            return None
        symbol = self.model.symbols[index.row()]
        quote = self.model.quote_of(symbol)
        price = quote.last if quote is not None and quote.last > 0 else None
        menu = QMenu(self)
        question = f"How does {symbol} look today: key levels, gamma, implied volatility?"
        subject = Subject(symbol, price, "last", question)
        return menu if self.symbol_actions.add_to(menu, subject) else None

    def _install_shortcuts(self) -> None:
        for key, what, slot in (("Ctrl+Up", "Move the symbol up", lambda: self.move_selected(-1)),
                                ("Ctrl+Down", "Move the symbol down", lambda: self.move_selected(+1)),
                                (QKeySequence.StandardKey.Delete, "Remove the symbol", self.remove_selected)):
            sc = QShortcut(QKeySequence(key), self.table)
            sc.setContext(Qt.ShortcutContext.WidgetShortcut)
            sc.activated.connect(slot)
            sc.setWhatsThis(what)  # (Help → Keyboard shortcuts lists it)
    def set_watchlists(self, lists: list[WatchlistView], active_id: int) -> None:
        self._lists, self._active_id = list(lists), active_id
        self.list_combo.blockSignals(True)
        self.list_combo.clear()
        for wl in self._lists:
            self.list_combo.addItem(wl.name, wl.id)
        self.list_combo.setCurrentIndex(max(0, self.list_combo.findData(active_id)))
        self.list_combo.blockSignals(False)
        active = next((w for w in self._lists if w.id == active_id), None)
        selected = self.selected_symbol()
        self.model.set_symbols(list(active.symbols) if active else [])
        if selected in self.model.symbols:
            self.table.selectRow(self.model.symbols.index(selected))

    def update_quote(self, quote: Quote) -> None:
        self.model.update_quote(quote)
        row = self.model.row(quote.symbol)
        if row is not None:  # this row's texts only: a few measurements per quote, never every cell
            fit_columns(self.table, {c: [self.model.data(self.model.index(row, c))] for c in NUMBER_COLUMNS},
                        grow_only=True)

    def show_error(self, message: str) -> None:
        """Inline, until the next edit or for ERROR_SHOWN_MS (it must not sit there for good)."""
        self.error_label.setText(message)
        self.error_label.show()
        self._error_timer.start()

    # -- user actions ----------------------------------------------------------------------
    def selected_symbol(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.symbols[rows[0].row()] if rows else None

    def _submit_symbol(self) -> None:
        text = self.input.text()
        try:
            symbol = normalize_symbol(text)
        except SymbolError as exc:
            self.show_error(str(exc))
            return
        if symbol in self.model.symbols:
            self.show_error(f"{symbol} is already in this watchlist.")
            return
        self.error_label.hide()
        self.input.clear()
        self.symbol_add_requested.emit(symbol)

    def remove_selected(self) -> None:
        symbol = self.selected_symbol()
        if symbol:
            self.symbol_remove_requested.emit(symbol)

    def move_selected(self, step: int) -> None:
        symbol = self.selected_symbol()
        if symbol is None:
            return
        order = self.model.symbols
        i = order.index(symbol)
        j = i + step
        if not 0 <= j < len(order):
            return
        order[i], order[j] = order[j], order[i]
        self.model.set_symbols(order)  # optimistic; the saved order comes back via set_watchlists
        self.table.selectRow(j)
        self.order_changed.emit(order)

    def _on_double_click(self, index: QModelIndex) -> None:
        self.symbol_activated.emit(self.model.symbols[index.row()])

    def _on_list_chosen(self, i: int) -> None:
        wid = self.list_combo.itemData(i)
        if wid is not None and wid != self._active_id:
            self.watchlist_selected.emit(int(wid))

    def _ask_new_list(self) -> None:
        name, ok = QInputDialog.getText(self, "New watchlist", "Name:")
        if ok and name.strip():
            self.watchlist_create_requested.emit(name)

    def _ask_rename_list(self) -> None:
        current = next((w for w in self._lists if w.id == self._active_id), None)
        if current is None:
            return
        name, ok = QInputDialog.getText(self, "Rename watchlist", "Name:", text=current.name)
        if ok and name.strip() and name != current.name:
            self.watchlist_rename_requested.emit(current.id, name)

    def _ask_delete_list(self) -> None:
        current = next((w for w in self._lists if w.id == self._active_id), None)
        if current is None:
            return
        answer = QMessageBox.question(self, "Delete watchlist", f"Delete the watchlist '{current.name}'?")
        if answer == QMessageBox.StandardButton.Yes:
            self.watchlist_delete_requested.emit(current.id)
