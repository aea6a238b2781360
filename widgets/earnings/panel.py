"""The Earnings panel: the watchlist's reports over the next 7/14/30/90 days on the left, the
selected symbol's analysis on the right (``analysis_area``, a ``QVBoxLayout`` the app fills).

A pure view: ``show_calendar`` draws what the calendar service answered (the source and its
notes on one line under the selector: a missing key, a fallback, dates from an earlier day),
``set_implied_moves`` fills that column once the chains give it; choosing a row emits
``symbol_selected``, another horizon ``days_changed``. With no row to show, the table gives way
to the reason ("No reports on the watchlist in the next 14 days …").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from data.store.records import EarningsEvent
from widgets.earnings.calendar_table import CalendarModel, calendar_table, day_text, fit_calendar, timing_text
from widgets.empty_state import EmptyState

DAY_CHOICES = (7, 14, 30, 90)
SOURCE_NAMES = {"demo": "the demo market", "alphavantage": "Alpha Vantage", "massive": "Massive (Benzinga)"}


class EarningsPanel(QWidget):
    symbol_selected = Signal(str)
    days_changed = Signal(int)
    reload_requested = Signal()  # e.g. after a key was saved in Preferences

    def __init__(self, days: int = 14, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days_choice = QComboBox()
        self.days_choice.addItems([f"Next {d} days" for d in DAY_CHOICES])
        self.days_choice.setCurrentIndex(DAY_CHOICES.index(days) if days in DAY_CHOICES else 1)
        self.source = QLabel("Loading the earnings calendar…")
        self.reload = QPushButton("Reload", toolTip="Ask the calendar again (e.g. after saving a key in Preferences)")
        self.note = QLabel(wordWrap=True)
        self.note.setObjectName("earningsNote")
        self.note.hide()
        self.model = CalendarModel()
        self.table = calendar_table(self.model)
        self.analysis_widget = QWidget()
        self.analysis_area = QVBoxLayout(self.analysis_widget)  # the symbol's analysis goes here
        self.analysis_area.setContentsMargins(0, 0, 0, 0)
        self._selected = ""
        self._settled = False  # a calendar (or why not) was shown: the smoke run waits for it
        self._layout()
        self.days_choice.currentIndexChanged.connect(lambda i: self.days_changed.emit(DAY_CHOICES[i]))
        self.reload.clicked.connect(self.reload_requested)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._on_selection())

    def _layout(self) -> None:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.days_choice)
        top.addWidget(self.source, 1)
        top.addWidget(self.reload)
        column.addLayout(top)
        column.addWidget(self.note)
        self.empty = EmptyState(self.table, column)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.analysis_widget)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self.splitter)

    def is_ready(self) -> bool:
        return self._settled

    @property
    def days(self) -> int:
        return DAY_CHOICES[self.days_choice.currentIndex()]

    @property
    def selected_symbol(self) -> str:
        return self._selected

    # -- what the app shows ---------------------------------------------------------------------
    def show_calendar(self, events: Sequence[EarningsEvent], source: str, note: str = "",
                      conflicts: Iterable[str] = (), next_after: EarningsEvent | None = None) -> None:
        """The reports over ``self.days`` as ``source`` gave them ("" when none answered);
        ``next_after``, the first report past the horizon, is named when there is none within."""
        self.model.set_events(events, conflicts)
        self._settled = True
        count = len(events)
        shown = f"{count} report{'s' if count != 1 else ''} in the next {self.days} days"
        self.source.setText(f"{shown} · from {SOURCE_NAMES[source]}" if source in SOURCE_NAMES else shown)
        self.note.setText(note)
        self.note.setVisible(bool(note))
        if events:
            fit_calendar(self.table, self.model)
            self.empty.show_view()
            self._reselect()
        else:
            self.empty.show_reason(self._empty_reason(source, note, next_after))

    def _empty_reason(self, source: str, note: str, next_after: EarningsEvent | None) -> str:
        if not source:
            return f"No earnings calendar to show: {note or 'no source answered.'}"
        etfs = " (indices and ETFs do not report earnings)" if source == "demo" else ""
        said = (f"No reports on the watchlist in the next {self.days} days according to "
                f"{SOURCE_NAMES.get(source, source)}{etfs}.")
        if next_after is None:
            return said
        return (f"{said} The next is {next_after.symbol} on {day_text(next_after.report_date)} "
                f"({timing_text(next_after)}): try a longer horizon.")

    def show_error(self, message: str) -> None:
        self._settled = True
        self.source.setText("The earnings calendar could not be loaded.")
        self.note.setText(message)
        self.note.show()
        if not self.model.rowCount():
            self.empty.show_reason(message)

    def set_implied_moves(self, moves: Mapping[str, tuple[float, float]]) -> None:
        """{symbol: (dollars, percent of spot)} for the Implied move column."""
        self.model.set_implied_moves(moves)

    # -- selection ------------------------------------------------------------------------------
    def select_symbol(self, symbol: str) -> None:
        row = self.model.row_of(symbol)
        if row is not None:
            self.table.selectRow(row)

    def _reselect(self) -> None:
        """Keep the symbol chosen before the reload selected (no new signal: it is the same)."""
        if self._selected and (row := self.model.row_of(self._selected)) is not None:
            self.table.selectRow(row)

    def _on_selection(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        symbol = self.model.event_at(rows[0].row()).symbol
        if symbol != self._selected:
            self._selected = symbol
            self.symbol_selected.emit(symbol)
