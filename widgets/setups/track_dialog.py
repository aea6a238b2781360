""""Track setup here…": a small form for a setup at a price clicked on the chart.

Entry is the clicked price; stop and target are prefilled one and two ATRs away (``prefill``);
everything is editable. The reward-to-risk shows as the numbers change, and what is wrong with
the plan (``analytics.setup_lifecycle.plan_problem``: a stop on the wrong side, …) shows inline
with OK disabled. OK emits ``submitted``; the dialog stays open, its fields as typed, until the
owner calls ``accept`` (saved) or ``show_error`` (say why; nothing the trader typed is lost).

The default direction: long when the clicked price is at or below the last price, short above —
as a resting order: a buy waits at support under the market, a sell at resistance over it. A
breakout is one click away (the direction box).
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from analytics.setup_lifecycle import DIRECTIONS, SetupPlan, plan_problem

STOP_ATR, TARGET_ATR, TARGET2_ATR = 1.0, 2.0, 3.0
FALLBACK_ATR = 0.002  # of the entry, when the chart has too few bars for an ATR(14)
MAX_PRICE = 1e7


def default_direction(entry: float, last: float) -> str:
    return "long" if not math.isfinite(last) or entry <= last else "short"


def prefill(direction: str, entry: float, atr: float) -> tuple[float, float, float]:
    """(stop, target 1, target 2) at 1, 2 and 3 ATRs from ``entry`` (mirrored for a short)."""
    if not (math.isfinite(atr) and atr > 0):
        atr = entry * FALLBACK_ATR
    s = 1.0 if direction == "long" else -1.0
    return entry - s * STOP_ATR * atr, entry + s * TARGET_ATR * atr, entry + s * TARGET2_ATR * atr


def _price_box(value: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox(decimals=2, minimum=0.0, maximum=MAX_PRICE, singleStep=0.05)
    box.setValue(round(value, 2))
    box.setAlignment(Qt.AlignmentFlag.AlignRight)
    return box


class TrackSetupDialog(QDialog):
    submitted = Signal(object, str)  # SetupPlan, notes

    def __init__(self, symbol: str, entry: float, last: float, atr: float, timeframe: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.symbol, self.reference = symbol, last if math.isfinite(last) else entry
        self.setWindowTitle(f"Track setup — {symbol}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.direction = QComboBox()
        self.direction.addItems(DIRECTIONS)
        self.direction.setCurrentText(default_direction(entry, last))
        stop, target, target2 = prefill(self.direction.currentText(), entry, atr)
        self.entry, self.stop, self.target, self.target2 = (_price_box(v) for v in (entry, stop, target, target2))
        self.second = QCheckBox("Second target")
        self.target2.setEnabled(False)
        self.notes = QLineEdit(placeholderText="Why this setup (optional)")
        self.rr = QLabel()
        self.problem = QLabel(objectName="setupProblem", wordWrap=True)
        self.problem.setStyleSheet("color: #ef5350;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Track")
        self._lay_out(symbol, atr, timeframe)
        self._connect()
        self._check()

    def _lay_out(self, symbol: str, atr: float, timeframe: str) -> None:
        form = QFormLayout()
        form.addRow("Symbol", QLabel(f"<b>{symbol}</b>"))
        form.addRow("Direction", self.direction)
        form.addRow("Entry", self.entry)
        form.addRow("Stop", self.stop)
        form.addRow("Target", self.target)
        form.addRow(self.second, self.target2)
        form.addRow("Notes", self.notes)
        shown = f"{atr:,.2f}" if math.isfinite(atr) and atr > 0 else "n/a"
        hint = QLabel(f"Stop 1 ATR, targets 2 and 3 ATR from entry — ATR(14) {shown}"
                      + (f" on {timeframe} bars" if timeframe else ""), wordWrap=True)
        hint.setStyleSheet("color: #8b919a;")
        self.setMinimumWidth(340)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for widget in (hint, self.rr, self.problem, self.buttons):
            layout.addWidget(widget)

    def _connect(self) -> None:
        for box in (self.entry, self.stop, self.target, self.target2):
            box.valueChanged.connect(self._check)
        self.second.toggled.connect(self.target2.setEnabled)
        self.second.toggled.connect(self._check)
        self.direction.currentTextChanged.connect(self._mirror)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

    def plan(self) -> SetupPlan:
        targets = (self.target.value(), self.target2.value()) if self.second.isChecked() else (self.target.value(),)
        return SetupPlan(self.direction.currentText(), self.entry.value(), self.stop.value(), targets)

    def _mirror(self, _direction: str) -> None:
        """The other direction: stop and targets flip to the other side of entry, same distances."""
        entry = self.entry.value()
        for box in (self.stop, self.target, self.target2):
            box.setValue(max(0.0, 2 * entry - box.value()))
        self._check()

    def _check(self, *_args: object) -> None:
        plan = self.plan()
        problem = plan_problem(plan)
        self.problem.setText(problem or "")
        self.ok.setEnabled(problem is None)
        self.rr.setText(f"R:R {plan.risk_reward:.2f} · risk {plan.risk:,.2f} a share" if problem is None else "R:R —")

    def _submit(self) -> None:
        if plan_problem(self.plan()) is None:
            self.ok.setEnabled(False)  # until the owner answers
            self.submitted.emit(self.plan(), self.notes.text().strip())

    def show_error(self, message: str) -> None:
        """Saving failed: say why and let the trader fix it (the fields keep what was typed)."""
        self.problem.setText(message)
        self.ok.setEnabled(plan_problem(self.plan()) is None)
