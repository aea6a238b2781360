"""The Journal panel: the trades (filtered), the editor of the selected one, the drafts queue,
Import… and Export CSV…. Plain data in (``set_trades``, ``set_drafts``), requests out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from analytics.journal_trades import Trade
from data.market_calendar import ET
from widgets.empty_state import EmptyState
from widgets.journal import filters
from widgets.journal.cells import plural
from widgets.journal.drafts import DraftsQueue
from widgets.journal.editor import TradeEditor
from widgets.journal.trades_model import TradesModel
from widgets.symbol_actions import Subject, SymbolActions
from widgets.table_model import record_table
from widgets.table_sizing import fit_columns

CAPABILITIES = ("annotate", "drafts", "export")
IMPORT_FILTERS = "Broker exports (*.csv *.xml *.txt);;Generic CSV… (choose the columns) (*.csv *.txt);;All files (*)"


class JournalPanel(QWidget):
    import_file_chosen = Signal(str)
    generic_file_chosen = Signal(str)  # "Generic CSV" picked in the file dialog: choose the columns
    export_file_chosen = Signal(str, object)  # path, list[Trade] (the trades shown)
    annotate_requested = Signal(str, object)  # trade id, the editor's values

    def __init__(self, now: Callable[[], datetime | None] | None = None) -> None:
        """``now``: the market clock (the periods count back from its date)."""
        super().__init__()
        self.all_trades: list[Trade] = []
        self._now = now
        self.only_ids: frozenset[str] | None = None  # a click-through's trades (ShowTrades)
        self.import_button, self.export_button = QPushButton("Import…"), QPushButton("Export CSV…")
        self.import_button.setToolTip("Read a broker export (thinkorswim, Webull, IBKR, CSV), preview, then store")
        self.export_button.setToolTip("Write the trades shown to a CSV file")
        self.filters = filters.FilterBar(now=now)
        self.focus_label, self.clear_focus = QLabel(), QPushButton("Show all")
        self.message = QLabel(wordWrap=True)
        self.reading = QProgressBar(textVisible=False, maximumHeight=8)  # an import reading its file
        self.model = TradesModel()
        self.table = record_table(self.model, stretch_last=False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu_at)
        self.symbol_actions = SymbolActions(self)  # a trade's right-click menu: the shared symbol actions
        self.menu: QMenu | None = None  # the open context menu (tests read it)
        self.editor, self.drafts = TradeEditor(), DraftsQueue()
        self.side = QTabWidget()
        editor_scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        editor_scroll.setWidget(self.editor)  # a short dock scrolls the form instead of growing the window
        self.side.addTab(editor_scroll, "Edit trade")
        self.side.addTab(self.drafts, "Drafts")
        self._layout()
        self.import_button.clicked.connect(self._choose_import)
        self.export_button.clicked.connect(self._choose_export)
        self.filters.changed.connect(self.refresh)
        self.clear_focus.clicked.connect(lambda: self.show_trades(None))
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.editor.saved.connect(self.annotate_requested)
        self.show_trades(None)

    def _layout(self) -> None:
        top = QHBoxLayout()
        for w in (self.import_button, self.export_button, self.focus_label, self.clear_focus):
            top.addWidget(w)
        top.addStretch(1)
        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 0, 0)
        self.empty = EmptyState(self.table, box)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        main = QVBoxLayout(self)
        main.addLayout(top)
        main.addWidget(self.filters)
        main.addWidget(self.message)
        main.addWidget(self.reading)
        main.addWidget(split, 1)
        self.message.hide()
        self.reading.hide()

    def set_capabilities(self, **offered: bool) -> None:
        """Hide what the service cannot do: ``annotate``, ``drafts``, ``export``."""
        self.editor.save.setVisible(offered.get("annotate", True))
        self.side.setTabVisible(1, offered.get("drafts", True))
        self.side.setTabVisible(0, offered.get("annotate", True))
        self.side.setVisible(offered.get("annotate", True) or offered.get("drafts", True))
        self.export_button.setVisible(offered.get("export", True))

    def set_trades(self, trades: Sequence[Trade]) -> None:
        self.all_trades = list(trades)
        self.filters.set_choices(self.all_trades)
        self.editor.set_setups([t.setup for t in self.all_trades if t.setup])
        self.refresh()

    def set_drafts(self, drafts: Sequence) -> None:
        self.drafts.set_drafts(drafts)
        pending = len(self.drafts.drafts)
        self.side.setTabText(1, f"Drafts ({pending})" if pending else "Drafts")

    def shown(self) -> list[Trade]:
        return self.model.trades

    def refresh(self) -> None:
        selected = self.editor.trade_id
        trades = filters.apply(self.all_trades, self.filters.criteria())
        if self.only_ids is not None:
            trades = [t for t in trades if t.id in self.only_ids]
        now = self._now() if self._now is not None else None
        self.model.today = now.astimezone(ET).date() if now is not None else None
        self.model.set_trades(trades)
        texts = self.model.texts(500)
        fit_columns(self.table, {c: [row[c] for row in texts] for c in range(len(self.model.COLUMNS))})
        if not self.all_trades:
            self.empty.show_reason("No trades yet. Import a broker export (Import…) to start the journal.")
        elif not trades:
            self.empty.show_reason("No trades match these filters.")
        else:
            self.empty.show_view()
        row = self.model.row_of(selected) if selected else -1
        if row >= 0:
            self.table.selectRow(row)
        self.editor.set_trade(self.model.trade_at(row))

    def show_trades(self, trade_ids: Sequence[str] | None, title: str = "") -> None:
        """Only these trades (a dashboard click-through: the filters are cleared, so that all of
        them show), or all of them again (None)."""
        if trade_ids is not None:
            self.filters.reset()
        self.only_ids = None if trade_ids is None else frozenset(trade_ids)
        focused = self.only_ids is not None
        self.focus_label.setText(f"Showing {plural(len(self.only_ids), 'trade')}: {title}" if focused else "")
        self.focus_label.setVisible(trade_ids is not None)
        self.clear_focus.setVisible(trade_ids is not None)
        self.refresh()

    def select_trade(self, trade_id: str) -> None:
        row = self.model.row_of(trade_id)
        if row >= 0:
            self.table.selectRow(row)

    def show_message(self, text: str, error: bool = False) -> None:
        self.reading.hide()
        self.message.setText(text)
        self.message.setStyleSheet("color: #ef5350;" if error else "")
        self.message.setVisible(bool(text))

    def show_error(self, text: str) -> None:
        self.show_message(text, error=True)

    def show_progress(self, text: str, done: int = 0, total: int = 0) -> None:
        """``text`` over a bar at ``done`` of ``total`` (busy while the total is unknown)."""
        self.show_message(text)
        self.reading.setRange(0, max(total, 0))
        self.reading.setValue(min(done, total))
        self.reading.show()

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.editor.set_trade(self.model.trade_at(rows[0].row()) if rows else None)

    def menu_for(self, trade: Trade) -> QMenu:
        menu = QMenu(self)
        self.symbol_actions.add_to(menu, trade_subject(trade))
        return menu

    def _menu_at(self, pos) -> None:
        index = self.table.indexAt(pos)
        if index.isValid():
            self.table.selectRow(index.row())
            self.menu = self.menu_for(self.model.trade_at(index.row()))
            self.menu.popup(self.table.viewport().mapToGlobal(pos))

    def _choose_import(self) -> None:
        path, kind = QFileDialog.getOpenFileName(self, "Import a broker export", "", IMPORT_FILTERS)
        if path:
            (self.generic_file_chosen if kind.startswith("Generic CSV") else self.import_file_chosen).emit(path)

    def _choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export trades to CSV", "journal.csv", "CSV (*.csv)")
        if path:
            self.export_file_chosen.emit(path, self.shown())


def trade_subject(t: Trade) -> Subject:
    """A stock trade's entry is a price on the chart; an option's or a spread's is a premium (no price)."""
    when = f"closed {t.closed_at:%Y-%m-%d}" if t.closed_at else f"opened {t.opened_at:%Y-%m-%d}, still open"
    question = (f"Review my {t.direction} {t.symbol} {t.instrument} trade ({when}, net {t.net_pnl:,.2f} $): "
                f"what went well, what would you do differently?")
    price = t.entry_price if t.instrument == "stock" else None
    return Subject(t.symbol, price, "entry", question)
