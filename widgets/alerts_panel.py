"""Alerts panel: list with a status filter, a create/edit form with validation, trigger history.

Pure view: ``set_alerts``/``set_history``/``prefill`` feed it; intents leave as signals with
plain values (the owner validates again when saving and reports errors via ``show_error``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from data.market_calendar import ET
from data.store.records import ALERT_CONDITIONS, Alert, AlertTrigger
from data.symbols import SymbolError, normalize_symbol
from widgets.flow_layout import flow_row
from widgets.table_model import ColumnTableModel, Index
from widgets.view_looks import style_error_label

STATUS_FILTERS = ("all", "active", "triggered", "disabled")


class AlertsModel(ColumnTableModel):
    COLUMNS = ("Symbol", "Condition", "Price", "Repeat", "Status", "Source", "Created (ET)", "Last trigger (ET)",
               "Notes")

    def set_rows(self, rows: list[Alert]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def alert_at(self, row: int) -> Alert:
        return self._rows[row]

    def row_of(self, alert_id: int) -> int | None:
        return next((i for i, a in enumerate(self._rows) if a.id == alert_id), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        a = self._rows[index.row()]
        shown = f"{a.price:,.2f}" if a.condition in ALERT_CONDITIONS else a.describe()  # beyond a level: in words
        values = (a.symbol, a.condition, shown, "repeat" if a.repeat else "once", a.status, a.source,
                  a.created_at.astimezone(ET).strftime("%m-%d %H:%M"),
                  a.triggered_at.astimezone(ET).strftime("%m-%d %H:%M:%S") if a.triggered_at else "", a.notes)
        return values[index.column()]


class AlertsPanel(QWidget):
    create_requested = Signal(dict)  # symbol, condition, price, repeat, notes, source
    far_question: QMessageBox | None = None  # open while the trader is asked about a far alert
    update_requested = Signal(int, dict)
    delete_requested = Signal(int)
    alert_selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = AlertsModel()
        self._all: list[Alert] = []
        self._source = "panel"
        self.status_filter = QComboBox()
        self.status_filter.addItems(list(STATUS_FILTERS))
        self.status_filter.setCurrentText("active")
        self.status_filter.currentTextChanged.connect(lambda _t: self._apply_filter())
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.clicked.connect(self._on_row_clicked)

        self.symbol = QLineEdit(placeholderText="Symbol")
        self.condition = QComboBox()
        self.condition.addItems(list(ALERT_CONDITIONS))
        self.price = QLineEdit(placeholderText="Price")
        self.repeat = QCheckBox("Repeat (re-arms after price moves away)")
        self.notes = QLineEdit(placeholderText="Notes (optional)")
        self.error_label = style_error_label(QLabel())
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.create_button = QPushButton("Create alert")
        self.save_button = QPushButton("Save changes")
        self.delete_button = QPushButton("Delete")
        self.new_button = QPushButton("New")
        self.create_button.clicked.connect(self._create)
        self.save_button.clicked.connect(self._save)
        self.delete_button.clicked.connect(self._delete)
        self.new_button.clicked.connect(self.clear_form)
        self.history = QListWidget()

        form = QFormLayout()
        form.addRow("Symbol", self.symbol)
        form.addRow("Condition", self.condition)
        form.addRow("Price", self.price)
        form.addRow("", self.repeat)
        form.addRow("Notes", self.notes)
        buttons = flow_row(self.create_button, self.save_button, self.delete_button, self.new_button)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show"))
        top.addWidget(self.status_filter)
        top.addStretch(1)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addLayout(top)
        upper_layout.addWidget(self.table, 1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(form)
        lower_layout.addWidget(self.error_label)
        lower_layout.addWidget(buttons)
        lower_layout.addWidget(QLabel("Trigger history"))
        lower_layout.addWidget(self.history, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        self.clear_form()

    # -- fed by the owner ---------------------------------------------------------------------
    def set_alerts(self, alerts: list[Alert]) -> None:
        selected = self.selected_id()
        self._all = list(alerts)
        self._apply_filter()
        if selected is not None and (row := self.model.row_of(selected)) is not None:
            self.table.selectRow(row)

    def set_history(self, triggers: list[AlertTrigger]) -> None:
        self.history.clear()
        for t in triggers:
            self.history.addItem(f"{t.triggered_at.astimezone(ET):%Y-%m-%d %H:%M:%S} ET  at {t.price:,.2f}")
        if not triggers:
            self.history.addItem("Not triggered yet.")

    def prefill(self, symbol: str, condition: str, price: float, source: str = "chart") -> None:
        """Fill the form for a new alert (e.g. from a chart action) without saving it."""
        self.table.clearSelection()
        self.symbol.setText(symbol)
        self.condition.setCurrentText(condition)
        self.price.setText(f"{price:.2f}")
        self._source = source
        self._editing(False)

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def clear_form(self) -> None:
        self.table.clearSelection()
        for field in (self.symbol, self.price, self.notes):
            field.clear()
        self.repeat.setChecked(False)
        self._source = "panel"
        self._editing(False)

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.alert_at(rows[0].row()).id if rows else None

    # -- user actions -------------------------------------------------------------------------
    def _apply_filter(self) -> None:
        wanted = self.status_filter.currentText()
        self.model.set_rows([a for a in self._all if wanted == "all" or a.status == wanted])

    def _editing(self, on: bool) -> None:
        self.save_button.setEnabled(on)
        self.delete_button.setEnabled(on)
        self.error_label.hide()

    def _on_row_clicked(self, index: QModelIndex) -> None:
        a = self.model.alert_at(index.row())
        self.symbol.setText(a.symbol)
        self.condition.setCurrentText(a.condition)
        self.price.setText(f"{a.price:.2f}")
        self.repeat.setChecked(a.repeat)
        self.notes.setText(a.notes)
        self._editing(True)
        self.alert_selected.emit(a.id)

    def _read_form(self) -> dict | None:
        try:
            symbol = normalize_symbol(self.symbol.text())
        except SymbolError as exc:
            self.show_error(str(exc))
            return None
        text = self.price.text().replace(",", "").strip()
        try:
            price = float(text)
        except ValueError:
            self.show_error(f"'{text}' is not a price." if text else "Enter the alert price.")
            return None
        if not math.isfinite(price) or price <= 0:
            self.show_error("An alert price must be a positive number.")
            return None
        self.error_label.hide()
        return {"symbol": symbol, "condition": self.condition.currentText(), "price": price,
                "repeat": self.repeat.isChecked(), "notes": self.notes.text().strip()}

    def _create(self) -> None:
        values = self._read_form()
        if values is not None:
            values["source"] = self._source
            self._unless_far(values["symbol"], values["price"], lambda: self.create_requested.emit(values))

    def _save(self) -> None:
        alert_id = self.selected_id()
        values = self._read_form()
        if alert_id is not None and values is not None:
            symbol = values.pop("symbol")
            self._unless_far(symbol, values["price"], lambda: self.update_requested.emit(alert_id, values))

    @staticmethod
    def far_question_for(_symbol: str, _price: float) -> str | None:
        """The question to ask before an alert at ``price`` (far from the symbol's last price),
        or None to set it at once; the owner, who knows the prices, replaces this."""
        return None

    def _unless_far(self, symbol: str, price: float, go: Callable[[], None]) -> None:
        """``go()`` now, or once the trader confirms an alert far from the price (a typo more
        often than a plan). The question does not block the GUI thread (``open``, not ``exec``);
        No leaves the form as it was, to correct the price."""
        question = self.far_question_for(symbol, price)
        if question is None:
            go()
            return
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        box = QMessageBox(QMessageBox.Icon.Question, "Alert far from the price", question, yes | no, self)
        box.setDefaultButton(no)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: self._answered(box.clickedButton() is box.button(yes), go))
        self.far_question = box
        box.open()

    def _answered(self, yes: bool, go: Callable[[], None]) -> None:
        self.far_question = None
        if yes:
            go()
        else:
            self.price.setFocus()
            self.price.selectAll()

    def _delete(self) -> None:
        alert_id = self.selected_id()
        if alert_id is not None:
            self.delete_requested.emit(alert_id)
            self.clear_form()
