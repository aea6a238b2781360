"""The generic CSV's column mapping: which of the file's columns is the time, symbol, side, …,
prefilled (a saved mapping for these columns, else the guess), with the first rows shown as they
would be read and each row's problem in plain words. OK stays off while a required field has no
column (the status says which). Pure in memory: the sample was read off the GUI thread."""

from __future__ import annotations

from dataclasses import fields, replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from data.files.brokers.generic_csv import REQUIRED, ColumnMapping, CsvSample, mapping_problem, preview_rows
from widgets.read_only_table import ReadOnlyTable

NONE = "— none —"
SETTINGS = ("time_format", "zone", "multiplier")  # not columns
OPTION_COLUMNS = ("occ", "expiry", "strike", "put_call", "exec_id", "order_id")  # the right-hand column
COLUMNS = tuple(f.name for f in fields(ColumnMapping) if f.name not in SETTINGS)
LABELS = {"time": "Time", "symbol": "Symbol", "side": "Side (none: the quantity's sign)", "quantity": "Quantity",
          "price": "Price", "fees": "Fees", "occ": "Option symbol (OCC)", "expiry": "Expiry", "strike": "Strike",
          "put_call": "Put/call", "exec_id": "Execution id", "order_id": "Order id", "date": "Date (joined to time)"}
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "UTC", "Europe/London",
         "Europe/Berlin", "Asia/Tokyo")
PREVIEW = ("Line", "Time", "Symbol / contract", "Side", "Qty", "Price", "Fees", "Problem")


class MappingDialog(QDialog):
    mapping_chosen = Signal(object)  # ColumnMapping

    def __init__(self, sample: CsvSample, mapping: ColumnMapping, saved: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Columns of {sample.file_name}")
        self.sample = sample
        self.intro = QLabel(wordWrap=True)
        self.intro.setText(f"Read <b>{sample.file_name}</b> as a generic CSV: choose which column holds each "
                           "field (* required). "
                           + ("These columns were mapped before: the saved mapping is filled in."
                              if saved else "The choices are a guess from the column names."))
        self.combos = {name: self._combo(getattr(mapping, name)) for name in COLUMNS}
        self.time_format = QLineEdit(mapping.time_format or "", placeholderText="automatic",
                                     toolTip="A strptime format, e.g. %m/%d/%Y %H:%M:%S; empty: ISO 8601 "
                                             "and the common formats")
        self.zone = QComboBox(editable=True)
        self.zone.addItems(ZONES)
        self.zone.setCurrentText(mapping.zone)
        self.multiplier = QSpinBox(minimum=1, maximum=10_000, value=mapping.multiplier)
        self.table = ReadOnlyTable(PREVIEW, stretch_last=True)
        self.status = QLabel(wordWrap=True, objectName="mappingStatus")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Preview import")
        self._layout()
        self._connect()
        self.refresh()
        self.resize(900, 560)

    def _combo(self, chosen: str | None) -> QComboBox:
        combo = QComboBox()
        combo.addItem(NONE, None)
        for column in self.sample.header:
            if column:
                combo.addItem(column, column)
        combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen else 0)
        return combo

    def _layout(self) -> None:
        fills, options = QFormLayout(), QFormLayout()  # two columns: the sample table keeps its height
        for name, combo in self.combos.items():
            form = options if name in OPTION_COLUMNS else fills
            form.addRow(LABELS[name] + (" *" if name in REQUIRED else ""), combo)
        fills.addRow("Time format", self.time_format)
        fills.addRow("Time zone", self.zone)
        options.addRow("Option multiplier", self.multiplier)
        columns = QHBoxLayout()
        columns.addLayout(fills, 1)
        columns.addLayout(options, 1)
        box = QVBoxLayout(self)
        box.addWidget(self.intro)
        box.addLayout(columns)
        box.addWidget(QLabel(f"The first {len(self.sample.rows)} rows as they would be read:"))
        box.addWidget(self.table, 1)
        box.addWidget(self.status)
        box.addWidget(self.buttons)

    def _connect(self) -> None:
        for combo in (*self.combos.values(), self.zone):
            combo.currentIndexChanged.connect(self.refresh)
        self.zone.editTextChanged.connect(self.refresh)
        self.time_format.textChanged.connect(self.refresh)
        self.multiplier.valueChanged.connect(self.refresh)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)

    def mapping(self) -> ColumnMapping:
        columns = {name: combo.currentData() for name, combo in self.combos.items()}
        return replace(ColumnMapping(**columns), time_format=self.time_format.text().strip() or None,
                       zone=self.zone.currentText().strip(), multiplier=self.multiplier.value())

    def refresh(self) -> None:
        mapping = self.mapping()
        problem = mapping_problem(mapping, self.sample.header)
        rows = preview_rows(self.sample, mapping)
        self.table.set_rows([(str(r.line), r.time, r.symbol, r.side, r.quantity, r.price, r.fees, r.problem)
                             for r in rows])
        bad = sum(1 for r in rows if r.problem)
        self.ok.setEnabled(problem is None)
        self.status.setText(_sentence(problem) if problem else
                            f"{bad} of {len(rows)} sample rows could not be read (they would be left out)." if bad
                            else "Every sample row reads.")

    def _accept(self) -> None:
        if self.ok.isEnabled():
            self.mapping_chosen.emit(self.mapping())
            self.accept()


def _sentence(problem: str) -> str:
    text = problem.removeprefix("The file: ")
    return text[:1].upper() + text[1:]
