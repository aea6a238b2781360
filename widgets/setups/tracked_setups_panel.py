"""Tracked setups panel: the setups by status, the selected one's events and notes, its actions.

Pure view: ``set_setups`` feeds it (every setup, newest first); what the trader asks for leaves
as signals with the setup's id, or as the shared symbol actions on its symbol and entry (``actions``:
the chart and alert buttons, and a row's right-click menu); the owner reports failures via
``show_error``. Delete asks first, without blocking the GUI thread (``open``, not ``exec``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from analytics.setup_lifecycle import STATUS_TITLES, can_archive, can_reopen
from data.market_calendar import ET
from data.store.records import TrackedSetup
from widgets.empty_state import EmptyState
from widgets.flow_layout import flow_row
from widgets.numbers import price
from widgets.read_only_table import ReadOnlyTable
from widgets.setups.cells import direction_text, rr_text, targets_text
from widgets.setups.tracked_model import COLUMNS, FILTERS, TrackedModel, setup_title
from widgets.symbol_actions import Subject, SymbolActions
from widgets.table_model import record_table
from widgets.table_sizing import fit_columns
from widgets.view_looks import style_error_label

EVENT_COLUMNS = ("Time (ET)", "Status", "Price", "Reason")
WIDE = 2.0  # width / height beyond which the details go beside the list


def event_rows(s: TrackedSetup) -> list[list[str]]:
    """The setup's events, oldest first: time (ET), status, price, reason."""
    return [[e.at.astimezone(ET).strftime("%m-%d %H:%M:%S"),
             "Note" if e.status == "noted" else STATUS_TITLES.get(e.status, e.status.capitalize()),
             price(e.price) if e.price is not None else "", e.reason] for e in s.events]


def headline(s: TrackedSetup) -> str:
    return (f"{s.symbol} {setup_title(s)} {direction_text(s.direction).lower()}: "
            f"{STATUS_TITLES.get(s.status, s.status)}. Entry {price(s.entry)} · stop {price(s.stop)} · "
            f"target {targets_text(s.targets)} (R:R {rr_text(s.risk_reward)}). "
            f"{'Auto-tracked' if s.source == 'auto' else f'Tracked from the {s.source}'}.")


def setup_subject(s: TrackedSetup) -> Subject:
    question = (f"How is my {s.direction} {s.symbol} setup doing: entry {s.entry:,.2f}, stop {s.stop:,.2f}, "
                f"now {STATUS_TITLES.get(s.status, s.status).lower()}?")
    return Subject(s.symbol, s.entry, "entry", question)


class TrackedSetupsPanel(QWidget):
    archive_requested = Signal(int)
    reopen_requested = Signal(int)
    delete_requested = Signal(int)
    note_requested = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.symbol_actions = SymbolActions(self)
        self.menu: QMenu | None = None  # the open context menu (tests read it)
        self.model = TrackedModel()
        self._all: list[TrackedSetup] = []
        self.confirm: QMessageBox | None = None  # open while a delete is asked about
        self._dragged = False  # the trader moved the splitter: keep it where it was put
        self.status_filter = QComboBox(toolTip="Which setups to list")
        self.status_filter.addItems([title for title, _statuses in FILTERS])
        self.status_filter.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.error_label = style_error_label(QLabel(wordWrap=True))
        self.error_label.hide()
        self.splitter = splitter = QSplitter(Qt.Orientation.Vertical)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        self.table = self._table()
        self.empty = EmptyState(self.table, upper_layout)
        splitter.addWidget(upper)
        splitter.addWidget(self._details())
        splitter.splitterMoved.connect(lambda *_a: setattr(self, "_dragged", True))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._toolbar())
        layout.addWidget(self.error_label)
        layout.addWidget(splitter, 1)
        self._apply_filter()

    def _toolbar(self) -> QWidget:
        self.archive_button = QPushButton("Archive")
        self.reopen_button = QPushButton("Reopen", toolTip="Watch it again from entry")
        self.delete_button = QPushButton("Delete")
        self.chart_button = QPushButton("Show on chart")
        self.alert_button = QPushButton("Alert at entry")
        self.archive_button.clicked.connect(lambda: self._emit_id(self.archive_requested))
        self.reopen_button.clicked.connect(lambda: self._emit_id(self.reopen_requested))
        self.delete_button.clicked.connect(self._ask_delete)
        self.chart_button.clicked.connect(lambda: self._act("chart"))
        self.alert_button.clicked.connect(lambda: self._act("alert"))
        return flow_row(QLabel("Show"), self.status_filter, self.archive_button, self.reopen_button,
                        self.delete_button, self.chart_button, self.alert_button)

    def _table(self) -> QTableView:
        table = record_table(self.model)
        table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._open_menu)
        return table

    def _open_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        self.table.selectRow(index.row())
        if (s := self.selected()) is not None:
            self.menu = self.menu_for(s)
            self.menu.popup(self.table.viewport().mapToGlobal(pos))

    def menu_for(self, s: TrackedSetup) -> QMenu:
        menu = QMenu(self)
        self.symbol_actions.add_to(menu, setup_subject(s), skip=("track",))  # (it is tracked)
        return menu

    def _details(self) -> QWidget:
        self.headline = QLabel(wordWrap=True, objectName="setupHeadline")
        self.events = ReadOnlyTable(EVENT_COLUMNS)
        # the reason fills what is left (elided, whole in its tooltip): no sideways scrolling for a long note
        self.events.horizontalHeader().setSectionResizeMode(len(EVENT_COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.notes = QLabel(wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note_field = QLineEdit(placeholderText="A note on this setup")
        self.note_field.returnPressed.connect(self._add_note)
        self.note_button = QPushButton("Add note")
        self.note_button.clicked.connect(self._add_note)
        note_row = QHBoxLayout()
        note_row.addWidget(self.note_field, 1)
        note_row.addWidget(self.note_button)
        self.details = QWidget()
        layout = QVBoxLayout(self.details)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addWidget(self.events, 1)
        layout.addWidget(QLabel("Notes"))
        layout.addWidget(self.notes)
        layout.addLayout(note_row)
        return self.details

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Details beside the list in a wide, low dock (under the chart), below it in a tall one."""
        super().resizeEvent(event)
        wide = event.size().width() > WIDE * event.size().height()
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if orientation != self.splitter.orientation():
            self.splitter.setOrientation(orientation)
            self._dragged = False
        self._fit_split()

    def _fit_split(self) -> None:
        """Until the trader drags it: beside, the list as wide as its columns (45-68 % of the
        width); below, the list over 55 % of the height."""
        if self._dragged:
            return
        if self.splitter.orientation() == Qt.Orientation.Horizontal:
            room = self.splitter.width()
            wanted = self.table.horizontalHeader().length() + 2 * self.table.frameWidth() + 8
            left = min(max(wanted, room * 45 // 100), room * 68 // 100)
        else:
            room = self.splitter.height()
            left = room * 55 // 100
        self.splitter.setSizes([left, room - left])

    # -- fed by the owner ---------------------------------------------------------------------
    def set_setups(self, setups: Sequence[TrackedSetup]) -> None:
        self._all = list(setups)
        self._apply_filter()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def show_setup(self, setup_id: int) -> None:
        """Select ``setup_id``, switching to "All" when the filter hides it."""
        if self.model.row_of(setup_id) is None and any(s.id == setup_id for s in self._all):
            self.status_filter.setCurrentIndex(len(FILTERS) - 1)
        if (row := self.model.row_of(setup_id)) is not None:
            self.table.selectRow(row)

    def note_added(self) -> None:
        self.note_field.clear()

    def selected(self) -> TrackedSetup | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.setup_at(rows[0].row()) if rows else None

    # -- inside -------------------------------------------------------------------------------
    def _apply_filter(self) -> None:
        chosen = self.selected()
        title, statuses = FILTERS[max(0, self.status_filter.currentIndex())]
        rows = [s for s in self._all if s.status in statuses]
        self.model.set_rows(rows)
        if rows:
            self.empty.show_view()
            fit_columns(self.table, {c: [self.model.text(s, c) for s in rows] for c in range(len(COLUMNS))})
            self._fit_split()
        elif self._all:
            self.empty.show_reason(f"No setups in \"{title}\" ({len(self._all)} in all).")
        else:
            self.empty.show_reason("No tracked setups yet. Track one from the Scanner (double-click a row); "
                                   "auto-tracked detections appear here too.")
        if chosen is not None and (row := self.model.row_of(chosen.id)) is not None:
            self.table.selectRow(row)
        self._selection_changed()

    def _selection_changed(self) -> None:
        s = self.selected()
        self.archive_button.setEnabled(s is not None and can_archive(s.status))
        self.reopen_button.setEnabled(s is not None and can_reopen(s.status))
        for button in (self.delete_button, self.chart_button, self.alert_button):
            button.setEnabled(s is not None)
        self.alert_button.setVisible(self.symbol_actions.offers("alert"))
        self.details.setEnabled(s is not None)
        self.headline.setText(headline(s) if s is not None else "Select a setup to see its events and notes.")
        self.events.set_rows(event_rows(s) if s is not None else [])
        for row in range(self.events.rowCount()):
            reason = self.events.item(row, len(EVENT_COLUMNS) - 1)
            reason.setToolTip(reason.text())
        self.notes.setText((s.notes or "No notes yet.") if s is not None else "")

    def _emit_id(self, signal: Signal) -> None:
        if (s := self.selected()) is not None:
            self.error_label.hide()
            signal.emit(s.id)

    def _act(self, name: str) -> None:
        if (s := self.selected()) is not None:
            self.symbol_actions.requested.emit(name, setup_subject(s))

    def _add_note(self) -> None:
        s, text = self.selected(), self.note_field.text().strip()
        if s is None:
            return
        if not text:
            self.show_error("Type the note first.")
            return
        self.error_label.hide()
        self.note_requested.emit(s.id, text)  # the field is cleared once it is saved (``note_added``)

    def _ask_delete(self) -> None:
        s = self.selected()
        if s is None:
            return
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        box = QMessageBox(QMessageBox.Icon.Question, "Delete setup",
                          f"Delete the {s.symbol} {setup_title(s)} setup and its events? This cannot be undone.",
                          yes | no, self)
        box.setDefaultButton(no)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: self._answered(s.id, box.clickedButton() is box.button(yes)))
        self.confirm = box
        box.open()

    def _answered(self, setup_id: int, yes: bool) -> None:
        self.confirm = None
        if yes:
            self.error_label.hide()
            self.delete_requested.emit(setup_id)
