"""The selected position in full: its read (break-evens, max profit / loss, PoP, stop), the exit
advice with its actions, the legs, the history of its events (market time, ET) and its notes."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from data.market_calendar import ET
from data.store.records import PositionRecord
from widgets.numbers import price
from widgets.positions.advice_list import AdviceList
from widgets.positions.cells import contract_name, loss_text, money, pop_cell, unlimited
from widgets.read_only_table import ReadOnlyTable

EVENT_NAMES = {"partly_closed": "partly closed", "stop_set": "stop set", "noted": "note"}


def fills_text(event) -> str:
    return "; ".join(f"{f.quantity:+,} {f.symbol} @ {price(f.price)}" for f in event.fills) or ""


def event_rows(record: PositionRecord) -> list[list[str]]:
    """Oldest first: time (ET), kind, fills, cash (+ in, − out), reason."""
    return [[e.at.astimezone(ET).strftime("%Y-%m-%d %H:%M ET"), EVENT_NAMES.get(e.kind, e.kind), fills_text(e),
             money(e.cash) if e.fills else "", e.reason] for e in sorted(record.events, key=lambda e: e.at)]


def leg_rows(record: PositionRecord) -> list[list[str]]:
    return [[contract_name(x), f"{x.quantity:+,}", price(x.open_price), x.symbol] for x in record.legs]


def read_text(record: PositionRecord, view) -> str:
    """One line a trader reads first."""
    if record.status != "open":
        closed = record.closed_at.astimezone(ET).strftime("%Y-%m-%d %H:%M ET") if record.closed_at else ""
        return f"Closed {closed} · realized P&L {money(record.realized)}"
    stop = f"stop {price(record.stop_level)}" if record.stop_level is not None else "no stop"
    if view is None:
        return f"Being valued… · {stop}"
    payoff = view.payoff
    spot = f"spot {price(view.value.underlying_price)}"
    if payoff is None:
        return f"{spot} · break-evens, max profit and loss unknown: {view.problem or 'a leg has no IV'} · {stop}"
    bes = ", ".join(price(b) for b in payoff.break_evens) or "none"
    pop = pop_cell(view.probability_of_profit).text
    return (f"{spot} · break-evens {bes} · max profit {unlimited(payoff.max_profit)} · max loss "
            f"{loss_text(payoff.max_loss)} · PoP {pop} · {stop}")


class PositionDetail(QWidget):
    note_requested = Signal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self.record: PositionRecord | None = None
        self.title = QLabel("No position selected")
        self.title.setObjectName("panelTitle")
        self.read = QLabel("")
        self.read.setWordWrap(True)
        self.advice = AdviceList()
        self.legs = ReadOnlyTable(("Contract", "Qty", "Open", "OCC symbol"), stretch_last=True)
        self.events = ReadOnlyTable(("Time", "Event", "Fills", "Cash", "Reason"), stretch_last=True)
        self.notes = QPlainTextEdit(readOnly=True)
        self.note_edit = QLineEdit(placeholderText="A note on this position…")
        self.add_note = QPushButton("Add note")
        self.tabs = QTabWidget()
        for widget, name in ((self.advice, "Advice"), (self.legs, "Legs"), (self.events, "History"),
                             (self._notes_tab(), "Notes")):
            self.tabs.addTab(widget, name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.read)
        layout.addWidget(self.tabs, 1)
        self.add_note.clicked.connect(self._note)
        self.note_edit.returnPressed.connect(self._note)
        self.setEnabled(False)

    def _notes_tab(self) -> QWidget:
        tab = QWidget()
        row = QHBoxLayout()
        row.addWidget(self.note_edit, 1)
        row.addWidget(self.add_note)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.notes, 1)
        layout.addLayout(row)
        return tab

    def _note(self) -> None:
        text = self.note_edit.text().strip()
        if self.record is not None and text:
            self.note_requested.emit(self.record.id, text)

    def note_added(self) -> None:
        self.note_edit.clear()

    def show_position(self, record: PositionRecord | None, view, advice=()) -> None:
        changed = record is None or self.record is None or record != self.record
        self.record = record
        self.setEnabled(record is not None)
        if record is None:
            self.title.setText("No position selected")
            self.read.setText("Select a position to see its legs, history, advice and risk graph.")
            self.advice.set_advice(())
            return
        self.title.setText(f"{record.underlying} {record.strategy} · #{record.id} · {record.status}")
        self.read.setText(read_text(record, view))
        self.advice.set_advice(advice, closed=record.status != "open")
        if changed:
            if record.status != "open" and self.tabs.currentWidget() is self.advice:
                self.tabs.setCurrentWidget(self.events)  # a closed position's story is its history
            self.legs.set_rows(leg_rows(record))
            self.events.set_rows(event_rows(record))
            self.notes.setPlainText(record.notes or "No notes yet.")
        self.note_edit.setEnabled(record is not None)
