"""The Morning brief panel: a stored brief by date (newest first), Refresh (made again now) and a
preview for another watchlist; the brief in sections — levels per symbol, today's macro releases,
the week's reports, open-position risk, watch items — with a symbol's actions (chart, chain near a
level, alert at a level) on each row's right-click or double-click."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from data.morning_brief import MorningBrief
from widgets.brief import rows
from widgets.empty_state import EmptyState
from widgets.read_only_table import ReadOnlyTable
from widgets.symbol_actions import Subject, SymbolActions

LEVEL_COLUMNS = ("Symbol", "Last", "Gap", "PDH", "PDL", "PDC", "PMH", "PML", "Pivot", "R1", "S1", "GEX",
                 "Flip", "Call wall", "Put wall", "Exp. move", "IV rank")


class MorningBriefPanel(QWidget):
    refresh_requested = Signal()  # made again now (force)
    preview_requested = Signal(str)  # another watchlist's name
    day_chosen = Signal(object)  # (market date, watchlist) of a stored brief

    def __init__(self) -> None:
        super().__init__()
        self.brief: MorningBrief | None = None
        self.symbol_actions = SymbolActions(self)  # a row's chart, chain, alert, setup and coach entries
        self.history = QComboBox(toolTip="Every brief is kept: choose a day (and watchlist) to read it again")
        self.history.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.preview = QComboBox(toolTip="Make a brief for another watchlist (stored under its name)")
        self.preview.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.refresh = QPushButton("Refresh", toolTip="Make the brief again now (a stored one is fresh for 30 min)")
        self.title = QLabel(wordWrap=True)
        self.notes = QLabel(wordWrap=True)
        self.notes.setStyleSheet("color: gray;")
        self.levels = ReadOnlyTable(LEVEL_COLUMNS)
        self.macro = ReadOnlyTable(("Time (ET)", "Event", "Impact", "Past moves"), stretch_last=True)
        self.earnings = ReadOnlyTable(("Date", "Symbol", "When", "EPS est."), stretch_last=True)
        self.positions = ReadOnlyTable(("Underlying", "Strategy", "P&L", "DTE", "Advice"), stretch_last=True)
        self.greeks = QLabel()
        self.watch = ReadOnlyTable(("Watch", "Symbol"), stretch_last=False)
        box = QVBoxLayout(self)
        bar = QHBoxLayout()
        for w in (QLabel("Brief of"), self.history, QLabel("Preview"), self.preview, self.refresh):
            bar.addWidget(w)
        bar.addStretch(1)
        box.addLayout(bar)
        self.empty = EmptyState(self._content(), box)
        self.refresh.clicked.connect(self.refresh_requested)
        self.history.activated.connect(lambda i: self.day_chosen.emit(self.history.itemData(i)))
        self.preview.activated.connect(self._preview_chosen)
        for table in (self.levels, self.watch, self.earnings, self.positions):
            table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            table.customContextMenuRequested.connect(lambda pos, t=table: self._menu(t, pos))
            table.cellDoubleClicked.connect(lambda row, _col, t=table: self._chart_of(t, row))
        self.empty.show_reason("The morning brief is made at 07:00 ET on trading days (or press Refresh).")

    def _content(self) -> QWidget:
        inner = QWidget()
        box = QVBoxLayout(inner)
        box.addWidget(self.title)
        sections = (("Levels", self.levels), ("Macro today", self.macro), ("Earnings this week", self.earnings),
                    ("Open positions", self.positions), (None, self.greeks), ("Watch", self.watch))
        for label, widget in sections:
            if label:
                box.addWidget(QLabel(f"<b>{label}</b>"))
            box.addWidget(widget)
        box.addWidget(self.notes)
        box.addStretch(1)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(inner)
        return scroll

    def set_history(self, entries: Sequence[tuple], watchlists: Sequence[str]) -> None:
        """(date, watchlist, generated at, trigger) newest first; the watchlists to preview."""
        self.history.clear()
        for day, name, _at, trigger in entries:
            self.history.addItem(f"{day.isoformat()} · {name}" + (" (preview)" if trigger == "preview" else ""),
                                 (day, name))
        self.preview.clear()
        self.preview.addItem("—", None)
        for name in watchlists:
            self.preview.addItem(name, name)
        if self.brief is not None:
            found = self.history.findData((self.brief.market_date, self.brief.watchlist))
            self.history.setCurrentIndex(max(found, 0))

    def _preview_chosen(self, index: int) -> None:
        name = self.preview.itemData(index)
        if name:
            self.preview_requested.emit(name)

    def show_brief(self, brief: MorningBrief) -> None:
        self.brief = brief
        self.title.setText(rows.title(brief))
        self.levels.set_rows([rows.level_cells(x) for x in brief.levels])
        self.macro.set_rows([rows.macro_cells(e) for e in brief.macro_events] or [("", "No releases scheduled today.",
                                                                                   "", "")])
        self.earnings.set_rows([rows.earnings_cells(e) for e in brief.earnings])
        self.positions.set_rows([rows.position_cells(p) for p in brief.positions.positions])
        self.greeks.setText(rows.greeks_line(brief.positions))
        self.watch.set_rows([(w.text, w.symbol) for w in brief.watch_items] or [("Nothing flagged.", "")])
        self.notes.setText("<br>".join(brief.notes))
        for table in (self.levels, self.macro, self.earnings, self.positions, self.watch):
            _fit_height(table)
        self.empty.show_view()

    def show_reason(self, text: str) -> None:
        self.empty.show_reason(text)

    # -- actions on a row's symbol ----------------------------------------------------------------
    def _symbol_at(self, table: QTableWidget, row: int) -> str | None:
        if self.brief is None or row < 0:
            return None
        if table is self.levels and row < len(self.brief.levels):
            return self.brief.levels[row].symbol
        if table is self.watch and row < len(self.brief.watch_items):
            return self.brief.watch_items[row].symbol
        if table is self.earnings and row < len(self.brief.earnings):
            return self.brief.earnings[row].symbol
        if table is self.positions and row < len(self.brief.positions.positions):
            return self.brief.positions.positions[row].underlying
        return None

    def _chart_of(self, table: QTableWidget, row: int) -> None:
        symbol = self._symbol_at(table, row)
        if symbol:
            self.symbol_actions.requested.emit("chart", Subject(symbol))

    def menu_for(self, table: QTableWidget, row: int) -> QMenu | None:
        """The right-click menu of a row (built, not shown)."""
        symbol = self._symbol_at(table, row)
        if symbol is None:
            return None
        menu = QMenu(self)
        self.symbol_actions.add_to(menu, Subject(symbol))  # the chart and the coach
        for label, price in rows.row_prices(self.brief, table is self.levels, table is self.watch, row):
            menu.addSeparator()  # a block per level: the chain near it, an alert and a setup at it
            self.symbol_actions.add_to(menu, Subject(symbol, price, label), skip=("chart", "coach"))
        return menu

    def _menu(self, table: QTableWidget, pos) -> None:
        menu = self.menu_for(table, table.rowAt(pos.y()))
        if menu is not None:
            menu.popup(table.viewport().mapToGlobal(pos))


def _fit_height(table: QTableWidget) -> None:
    """Every row shown (the panel scrolls, not each table in it)."""
    rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
    bar = table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(table.horizontalHeader().height() + rows + 2 * table.frameWidth() + bar)
