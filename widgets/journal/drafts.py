"""The drafts queue: entries the end-of-day job wrote (triggered setups, fired alerts, position
events), each confirmed into the journal or dismissed."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from widgets.read_only_table import ReadOnlyTable

SOURCES = {"setup": "Tracked setup", "alert": "Alert", "position": "Position", "coach": "Discussed with the coach"}


class DraftsQueue(QWidget):
    confirm_requested = Signal(object)  # draft id
    dismiss_requested = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.drafts: list = []
        self.table = ReadOnlyTable(("Day", "From", "Symbol", "Draft", "Detail"), stretch_last=True)
        self.table.setSelectionBehavior(ReadOnlyTable.SelectionBehavior.SelectRows)
        self.note = QLabel("No drafts waiting. After the close, triggered setups, fired alerts and "
                           "position events are drafted here.", wordWrap=True)
        self.confirm, self.dismiss = QPushButton("Confirm"), QPushButton("Dismiss")
        self.confirm.setToolTip("Keep the draft as a journal entry")
        self.dismiss.setToolTip("Drop the draft")
        self.confirm.clicked.connect(lambda: self._act(self.confirm_requested))
        self.dismiss.clicked.connect(lambda: self._act(self.dismiss_requested))
        self.table.itemSelectionChanged.connect(self._selection)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm)
        buttons.addWidget(self.dismiss)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.addWidget(self.note)
        box.addWidget(self.table, 1)
        box.addLayout(buttons)
        self.set_drafts(())

    def set_drafts(self, drafts: Sequence) -> None:
        """``drafts``: records with id, day, source, symbol, title, detail, status; pending ones shown."""
        self.drafts = [d for d in drafts if getattr(d, "status", "pending") == "pending"]
        self.table.set_rows([(str(d.day), SOURCES.get(d.source, d.source), d.symbol, d.title, d.detail)
                             for d in self.drafts])
        self.note.setVisible(not self.drafts)
        self.table.setVisible(bool(self.drafts))
        self._selection()

    def selected(self):
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.drafts[min(rows)] if rows else None

    def _selection(self) -> None:
        for button in (self.confirm, self.dismiss):
            button.setEnabled(self.selected() is not None)

    def _act(self, signal) -> None:
        draft = self.selected()
        if draft is not None:
            signal.emit(draft.id)
