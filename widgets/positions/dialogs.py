"""The small questions the Positions panel asks: the prices a close was done at, a stop level, a
yes/no before closing at mid. Each is a function the panel holds, so tests can answer it."""

from __future__ import annotations

import math

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from data.store.records import PositionRecord
from widgets.positions.cells import contract_name


class ClosePricesDialog(QDialog):
    """One price per leg (per share), prefilled with its mark where there is one."""

    def __init__(self, record: PositionRecord, marks: dict[str, float], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Close {record.underlying} {record.strategy}")
        self.boxes: dict[str, QDoubleSpinBox] = {}
        form = QFormLayout()
        for leg in record.legs:
            box = QDoubleSpinBox(minimum=0.0, maximum=1_000_000.0, decimals=2, singleStep=0.05)
            mark = marks.get(leg.symbol, math.nan)
            box.setValue(mark if math.isfinite(mark) else leg.open_price)
            side = "buy back" if leg.quantity < 0 else "sell"
            form.addRow(f"{contract_name(leg)} ({side} {abs(leg.quantity):,})", box)
            self.boxes[leg.symbol] = box
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The price each leg was closed at, per share:"))
        layout.addLayout(form)
        layout.addWidget(buttons)

    def prices(self) -> dict[str, float]:
        return {symbol: box.value() for symbol, box in self.boxes.items()}


def ask_close_prices(parent: QWidget, record: PositionRecord, marks: dict[str, float]) -> dict[str, float] | None:
    dialog = ClosePricesDialog(record, marks, parent)
    return dialog.prices() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_stop(parent: QWidget, record: PositionRecord, suggested: float) -> float | None:
    value, ok = QInputDialog.getDouble(parent, "Set stop", f"Stop on {record.underlying} (an alert watches it):",
                                       suggested, 0.01, 10_000_000.0, 2)
    return value if ok else None


def confirm(parent: QWidget, text: str) -> bool:
    answer = QMessageBox.question(parent, "Positions", text)
    return answer == QMessageBox.StandardButton.Yes
