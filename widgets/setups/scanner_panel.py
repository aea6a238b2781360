"""Scanner panel: Scan now over a watchlist, and the live detections, in one ranked table.

Pure view: ``set_watchlists``, ``show_scan``, ``set_live``/``add_live`` and ``set_tracked`` feed
it; what the trader asks for leaves as signals with plain values (``scan_requested`` with the
symbols, ``track_requested`` with the detection). A row's menu has the shared symbol actions
(``actions``: chart, chain and alert at the entry, the coach — only those some panel can do) and
"Track setup", which tracks the detection itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from data.store.records import DetectionRecord
from widgets.empty_state import EmptyState
from widgets.flow_layout import flow_row
from widgets.setups.cells import et_time
from widgets.setups.scanner_model import COLUMNS, LIVE, SCAN, ScannerModel, ScanRow
from widgets.symbol_actions import Subject, SymbolActions
from widgets.table_model import record_table
from widgets.table_sizing import fit_columns

SOURCE_FILTERS = ("Live and scan", "Live only", "Scan only")
AGE_REFRESH_MS = 30_000
NOTHING_YET = ("No setups yet. Scan now runs every detector over the chosen watchlist; "
               "live detections appear here as bars close.")


@dataclass(frozen=True, slots=True)
class WatchlistChoice:
    id: int
    name: str
    symbols: tuple[str, ...]


def detection_subject(d: DetectionRecord) -> Subject:
    question = (f"What do you make of the {d.direction} {d.detector.replace('_', ' ')} setup on {d.symbol}: "
                f"entry {d.entry:,.2f}, stop {d.stop:,.2f}?")
    return Subject(d.symbol, d.entry, "entry", question)


class ScannerPanel(QWidget):
    scan_requested = Signal(object)  # tuple[str, ...]: the watchlist's symbols
    track_requested = Signal(object)  # DetectionRecord

    def __init__(self, now: Callable[[], datetime | None] = lambda: None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.symbol_actions = SymbolActions(self)
        self.model = ScannerModel(now)
        self._scan: list[DetectionRecord] = []
        self._live: list[DetectionRecord] = []
        self._watchlists: list[WatchlistChoice] = []
        self._last_scan = ""  # "12 symbols at 10:42 ET" once a scan has run
        self.menu: QMenu | None = None  # the open context menu (tests read it)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._toolbar())
        self.status = QLabel(objectName="scanStatus", wordWrap=True)
        self.status.hide()
        layout.addWidget(self.status)
        self.table = self._table()
        self.empty = EmptyState(self.table, layout)
        self.empty.show_reason(NOTHING_YET)
        self._ages = QTimer(self, interval=AGE_REFRESH_MS)
        self._ages.timeout.connect(self.model.refresh_ages)
        self._ages.start()

    def _toolbar(self) -> QWidget:
        self.watchlist = QComboBox(toolTip="The watchlist to scan")
        self.watchlist.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.scan_button = QPushButton("Scan now")
        self.scan_button.setEnabled(False)  # until there is a watchlist
        self.scan_button.clicked.connect(self._scan_clicked)
        self.source_filter = QComboBox(toolTip="Which detections to list")
        self.source_filter.addItems(list(SOURCE_FILTERS))
        self.source_filter.currentTextChanged.connect(lambda _t: self._show_rows())
        self.track_button = QPushButton("Track", toolTip="Track the selected setup (or double-click a row)")
        self.track_button.setEnabled(False)
        self.track_button.clicked.connect(self._track_selected)
        return flow_row(QLabel("Watchlist"), self.watchlist, self.scan_button, self.source_filter, self.track_button)

    def _table(self) -> QTableView:
        table = record_table(self.model)
        table.setWordWrap(False)
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.DescendingOrder)  # newest first until a click
        table.setSortingEnabled(True)
        table.doubleClicked.connect(lambda index: self._track_row(index.row()))
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._open_menu)
        table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        return table

    # -- fed by the owner ---------------------------------------------------------------------
    def set_watchlists(self, watchlists: Sequence[WatchlistChoice], active_id: int) -> None:
        """The lists to choose from; the active one is chosen unless the trader chose another."""
        kept = self.watchlist.currentData() if self._watchlists else None
        self._watchlists = list(watchlists)
        self.watchlist.blockSignals(True)
        self.watchlist.clear()
        for w in self._watchlists:
            self.watchlist.addItem(f"{w.name} ({len(w.symbols)})", w.id)
        wanted = kept if any(w.id == kept for w in self._watchlists) else active_id
        self.watchlist.setCurrentIndex(max(0, self.watchlist.findData(wanted)))
        self.watchlist.blockSignals(False)
        self.scan_button.setEnabled(bool(self._watchlists) and self.scan_button.text() == "Scan now")

    def set_scanning(self, symbols: int) -> None:
        """Busy: the button is off until ``show_scan`` or ``show_error``."""
        text = f"Scanning {symbols} symbol{'s' if symbols != 1 else ''}…"
        self.scan_button.setEnabled(False)
        self.scan_button.setText(text)
        self.scan_button.updateGeometry()  # the toolbar row makes room for the longer text
        self._say(text)

    def show_scan(self, detections: Sequence[DetectionRecord], scanned: Sequence[str],
                  problems: Sequence[tuple[str, str]], asof: datetime, note: str = "") -> None:
        self._idle()
        self._scan = list(detections)
        count = len(detections)
        found = f"{count} setup{'s' if count != 1 else ''}" if count else "no setups"
        self._last_scan = (f"{len(scanned)} symbol{'s' if len(scanned) != 1 else ''} at "
                           f"{et_time(asof, with_date=False)} ET")
        lines = [f"Scanned {self._last_scan}: {found}."] + ([note] if note else [])
        lines += [f"{symbol}: {problem}" for symbol, problem in problems]
        self._say("\n".join(lines))
        self._show_rows()

    def set_live(self, detections: Sequence[DetectionRecord]) -> None:
        """The live feed as the detector runner holds it (newest first)."""
        self._live = list(detections)
        self._show_rows()

    def add_live(self, detection: DetectionRecord) -> None:
        self._live = [detection, *(d for d in self._live if d.id != detection.id)]
        self._show_rows()

    def set_tracked(self, tracked: dict[int, str]) -> None:
        """Detection id -> the source of the setup tracking it ("auto": the detector runner's)."""
        self.model.set_tracked(tracked)
        self._selection_changed()

    def show_error(self, message: str) -> None:
        self._idle()
        self._say(message)

    def show_message(self, message: str) -> None:
        self._say(message)

    def clear_scan(self) -> None:
        """Forget the last scan (another provider's prices)."""
        self._scan, self._last_scan = [], ""
        self._say("")
        self._show_rows()

    def selected(self) -> DetectionRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).detection if rows else None

    # -- inside -------------------------------------------------------------------------------
    def _idle(self) -> None:
        self.scan_button.setText("Scan now")
        self.scan_button.updateGeometry()
        self.scan_button.setEnabled(bool(self._watchlists))

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _scan_clicked(self) -> None:
        chosen = next((w for w in self._watchlists if w.id == self.watchlist.currentData()), None)
        if chosen is None:
            return
        if not chosen.symbols:
            self._say(f"The watchlist {chosen.name} has no symbols to scan.")
            return
        self.set_scanning(len(chosen.symbols))
        self.scan_requested.emit(tuple(chosen.symbols))

    def _rows(self) -> list[ScanRow]:
        wanted = self.source_filter.currentText()
        rows = [ScanRow(d, LIVE) for d in self._live] if wanted != "Scan only" else []
        shown = {r.detection.id for r in rows}
        if wanted != "Live only":
            rows += [ScanRow(d, SCAN) for d in self._scan if d.id not in shown]
        return rows

    def _show_rows(self) -> None:
        selected = self.selected()
        rows = self._rows()
        self.model.set_rows(rows)
        if not rows:
            self.empty.show_reason(self._nothing())
        else:
            self.empty.show_view()
            bold = QFont(self.table.font())
            bold.setBold(True)  # (auto-tracked rows are bold: measured so, they are never wrapped or elided)
            fit_columns(self.table, {c: [self.model.text(r, c) for r in rows] for c in range(len(COLUMNS))}, bold)
        if selected is not None and (row := self.model.row_of(selected.id)) is not None:
            self.table.selectRow(row)
        self._selection_changed()

    def _nothing(self) -> str:
        if self.source_filter.currentText() == "Live only":
            return "No live detections yet: they appear here as bars close in market hours."
        if self._last_scan:
            return f"No setups in the last scan ({self._last_scan}). Live detections appear here as bars close."
        return NOTHING_YET

    def _selection_changed(self) -> None:
        chosen = self.selected()
        self.track_button.setEnabled(chosen is not None and self.model.tracked_source(chosen.id) is None)

    def _track_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            detection = self.model.row_at(row).detection
            if self.model.tracked_source(detection.id) is None:
                self.track_requested.emit(detection)

    def _track_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._track_row(rows[0].row())

    def _open_menu(self, pos: QPoint) -> None:
        index: QModelIndex = self.table.indexAt(pos)
        if not index.isValid():
            return
        self.table.selectRow(index.row())
        self.menu = self.menu_for(self.model.row_at(index.row()).detection)
        self.menu.popup(self.table.viewport().mapToGlobal(pos))

    def menu_for(self, d: DetectionRecord) -> QMenu:
        menu = QMenu(self)
        self.symbol_actions.add_to(menu, detection_subject(d), skip=("track",))  # (tracked below as detected)
        menu.addSeparator()
        track = menu.addAction("Track setup", lambda: self.track_requested.emit(d))
        track.setEnabled(self.model.tracked_source(d.id) is None)
        return menu
