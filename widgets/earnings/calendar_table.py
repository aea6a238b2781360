"""The earnings calendar table: one row per report — date, BMO/AMC, symbol, company, EPS
estimate, the implied move (filled in when the chains give it) and the source.

A symbol whose date the two sources disagree on carries a ⚠ on each of its rows, both kept:
the trader sees the two dates rather than a silent pick.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from data.store.records import EarningsEvent
from widgets.numbers import MISSING, price
from widgets.table_model import ColumnTableModel, Index, record_table
from widgets.table_sizing import fit_columns

COLUMNS = ("Date", "Time", "Symbol", "Company", "EPS est.", "Implied move", "Source")
SYMBOL, IMPLIED = COLUMNS.index("Symbol"), COLUMNS.index("Implied move")
SOURCES = {"demo": "Demo", "alphavantage": "Alpha Vantage", "massive": "Massive"}
TIMINGS = {"bmo": ("BMO", "Before the open: the reaction is that session."),
           "amc": ("AMC", "After the close: the reaction is the next session.")}
CONFLICT = "Alpha Vantage and Massive give different dates for this report: both are listed."


def day_text(day: date) -> str:
    return f"{day:%a %b} {day.day}"


def timing_text(event: EarningsEvent) -> str:
    """BMO / AMC, else the time when the source gave one ("12:00"), else "?"."""
    if event.timing in TIMINGS:
        return TIMINGS[event.timing][0]
    return event.time_et or "?"


def move_text(move: tuple[float, float] | None) -> str:
    """"±$12.40 (4.5%)" from (dollars, percent of spot: 4.5 is 4.5 %)."""
    if move is None or not all(math.isfinite(v) for v in move):
        return MISSING
    return f"±${price(move[0])} ({move[1]:.1f}%)"


class CalendarModel(ColumnTableModel):
    COLUMNS = COLUMNS

    def __init__(self) -> None:
        super().__init__()
        self._conflicts: frozenset[str] = frozenset()
        self._moves: dict[str, tuple[float, float]] = {}

    def set_events(self, events: Iterable[EarningsEvent], conflicts: Iterable[str] = ()) -> None:
        self.beginResetModel()
        self._rows = list(events)
        self._conflicts = frozenset(conflicts)
        self.endResetModel()

    def set_implied_moves(self, moves: Mapping[str, tuple[float, float]]) -> None:
        self._moves = dict(moves)
        if self._rows:
            self.dataChanged.emit(self.index(0, IMPLIED), self.index(len(self._rows) - 1, IMPLIED))

    def column_texts(self) -> dict[int, list[str]]:
        """Every column's texts (the implied move's widest form included), to size the columns."""
        texts = {c: [self._text(e, c) for e in self._rows] for c in range(len(COLUMNS))}
        texts[IMPLIED].append(move_text((999.99, 99.9)))
        return texts

    def event_at(self, row: int) -> EarningsEvent:
        return self._rows[row]

    def row_of(self, symbol: str) -> int | None:
        return next((i for i, e in enumerate(self._rows) if e.symbol == symbol), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        event, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(event, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(event, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COLUMNS.index("EPS est."), IMPLIED):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, event: EarningsEvent, column: int) -> str:
        conflict = " ⚠" if event.symbol in self._conflicts else ""
        return (day_text(event.report_date), timing_text(event), event.symbol + conflict, event.name or MISSING,
                MISSING if event.estimate_eps is None else f"{event.estimate_eps:,.2f}",
                move_text(self._moves.get(event.symbol)), SOURCES.get(event.source, event.source))[column]

    def _tooltip(self, event: EarningsEvent, column: int) -> str | None:
        if column == 0:
            return f"{event.report_date.isoformat()}{f' ({event.status})' if event.status else ''}" + (
                f", {event.fiscal_period}" if event.fiscal_period else "")
        if column == 1:
            said = TIMINGS.get(event.timing, ("", "The source does not say before the open or after the close."))[1]
            return f"{said} {event.time_et} ET." if event.time_et else said
        if column == SYMBOL and event.symbol in self._conflicts:
            return CONFLICT
        if column == IMPLIED:
            return "The straddle of the first expiry after the report (from the options chain)."
        return None


def calendar_table(model: CalendarModel) -> QTableView:
    table = record_table(model, stretch_last=False)
    fit_columns(table, model.column_texts())
    return table


def fit_calendar(table: QTableView, model: CalendarModel) -> None:
    """Columns as wide as their texts (a long company name capped), only ever widened."""
    fit_columns(table, model.column_texts(), grow_only=True)
    company = COLUMNS.index("Company")
    table.setColumnWidth(company, min(table.columnWidth(company), 220))
