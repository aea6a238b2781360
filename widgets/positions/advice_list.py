"""The exit advisor's cards for one position: severity, title, the numbers that triggered it and
the suggested action with its contracts and prices; "Do it", "Snooze 1 h" and "Dismiss".

"Do it" is offered only for an action the app can record (close, roll, convert, set stop) with
the prices it needs: a roll or a conversion opens contracts at the action's prices, so a leg to
open without a quote leaves the button off, saying why.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from widgets.numbers import price, strike
from widgets.positions.cells import SEVERITY_COLORS, SEVERITY_NAMES, SEVERITY_RANK, money, unlimited

DOABLE = ("close", "roll", "convert", "set_stop")
SNOOZE_MINUTES = 60


def number_text(name: str, value: float) -> str:
    """"credit kept pct 62.0" -> "credit kept 62.0 %": the unit from the name's suffix."""
    label = name
    for suffix in ("_usd", "_pct", "_days", "_per_share"):
        label = label.removesuffix(suffix)
    label = label.replace("_", " ")
    if not math.isfinite(value):
        return f"{label} {'unlimited' if math.isinf(value) else '—'}"
    if name.endswith("_usd"):  # a max loss or profit is a size, not a gain: no sign
        return f"{label} {money(value, sign=not ('max_' in name or 'risk' in name))}"
    if name.endswith("_pct"):
        return f"{label} {value:,.1f} %"
    if name.endswith("_days"):
        return f"{label} {value:,.0f} d"
    return f"{label} {value:,.2f}"


def leg_text(leg) -> str:
    """"Buy to close 1 Dec 18 5,900 P @ 1.20"."""
    verb = f"{'Buy' if leg.side == 'buy' else 'Sell'} to {leg.effect}"
    if leg.expiry is not None and leg.strike is not None:
        contract = f"{leg.expiry:%b %d} {strike(leg.strike)} {'C' if leg.is_call else 'P'}"
    else:
        contract = leg.symbol
    at = f"@ {price(leg.price)}" if leg.price is not None else "at mid"
    return f"{verb} {leg.quantity:,} {contract} {at}"


def action_text(action) -> str:
    if action is None:
        return ""
    lines = [leg_text(x) for x in action.legs]
    if action.kind == "set_stop" and action.stop_level is not None:
        lines.append(f"Set a stop on the underlying at {price(action.stop_level)}")
    money_bits = []
    if action.net_amount is not None and math.isfinite(action.net_amount):
        kind = "credit" if action.net_amount >= 0 else "debit"
        money_bits.append(f"net {kind} {money(abs(action.net_amount), False)}")
    for label, value in (("new max loss", action.new_max_loss), ("new max profit", action.new_max_profit),
                         ("locks in", action.locked_in_profit)):
        if value is not None:
            money_bits.append(f"{label} {unlimited(value) if label != 'locks in' else money(value)}")
    if money_bits:
        lines.append(", ".join(money_bits))
    return "\n".join(lines)


def why_not(action) -> str:
    """Why "Do it" is off for ``action`` ("" when it can be done)."""
    if action is None or action.kind not in DOABLE:
        return "Nothing to record for this advice"
    if action.kind == "set_stop" and action.stop_level is None:
        return "No stop level in this advice"
    if any(x.effect == "open" and x.price is None for x in action.legs):
        return "A contract to open has no quote right now: enter it from the chain instead"
    return ""


class AdviceList(QScrollArea):
    do_requested = Signal(object)  # Advice
    snooze_requested = Signal(object)  # Advice
    dismiss_requested = Signal(object)  # Advice

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._body = QWidget()
        self._layout = QVBoxLayout(self._body)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.setWidget(self._body)
        self.cards: list[QFrame] = []
        self._keys: tuple[str, ...] | None = None
        self.set_advice(())

    def set_advice(self, advice, closed: bool = False) -> None:
        ordered = sorted(advice, key=lambda a: -SEVERITY_RANK.get(a.severity, 0))
        keys = (str(closed), *(f"{a.key}|{a.numbers}|{a.action}" for a in ordered))
        if keys == self._keys:
            return  # the same cards: no flicker on each valuation
        self._keys = keys
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.cards = [self._card(a) for a in ordered]
        for card in self.cards:
            self._layout.addWidget(card)
        if not ordered:
            note = QLabel("Closed: the exit advisor watches open positions only." if closed else
                          "No advice: no exit rule fires for this position right now.")
            note.setObjectName("emptyStateNote")
            note.setWordWrap(True)
            self._layout.addWidget(note)
        self._layout.addStretch(1)

    def _card(self, advice) -> QFrame:
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(card)
        color = SEVERITY_COLORS.get(advice.severity)
        title = QLabel(f"<b style='color:{color.name() if color else ''}'>"
                       f"{SEVERITY_NAMES.get(advice.severity, advice.severity)}</b> &nbsp;<b>{advice.title}</b>")
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setWordWrap(True)
        layout.addWidget(title)
        numbers = " · ".join(number_text(k, v) for k, v in advice.numbers.items())
        for text in (numbers, action_text(advice.action)):
            if text:
                label = QLabel(text, wordWrap=True)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                layout.addWidget(label)
        layout.addLayout(self._buttons(advice))
        return card

    def _buttons(self, advice) -> QHBoxLayout:
        row = QHBoxLayout()
        reason = why_not(advice.action)
        if advice.action is not None and advice.action.kind in DOABLE:
            do = QPushButton("Do it")
            do.setObjectName("adviceDo")
            do.setEnabled(not reason)
            do.setToolTip(reason or "Record this action on the position (nothing is sent to a broker)")
            do.clicked.connect(lambda: self.do_requested.emit(advice))
            row.addWidget(do)
        snooze = QPushButton("Snooze 1 h")
        snooze.setToolTip("Hide this advice (and its notification) for an hour")
        snooze.clicked.connect(lambda: self.snooze_requested.emit(advice))
        dismiss = QPushButton("Dismiss")
        dismiss.setToolTip("Never show this advice again for this position")
        dismiss.clicked.connect(lambda: self.dismiss_requested.emit(advice))
        row.addWidget(snooze)
        row.addWidget(dismiss)
        row.addStretch(1)
        return row
