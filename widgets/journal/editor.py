"""The trade editor: setup, tags, mistakes, rating, notes and the planned stop and target; above them the
trade's market at entry (``context_view``) and its chart screenshots (``attachments_strip``; ``trade_changed``
says whose to show)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from analytics.journal_trades import Trade
from widgets.journal import cells
from widgets.journal.attachments_strip import AttachmentsStrip
from widgets.journal.context_view import TradeContextView

RATINGS = ("—", "1 (poor)", "2", "3", "4", "5 (textbook)")


def split_words(text: str) -> tuple[str, ...]:
    """"breakout, , A+ setup" -> ("breakout", "A+ setup"): comma-separated, blanks and repeats dropped."""
    return tuple(dict.fromkeys(w.strip() for w in text.split(",") if w.strip()))


def parse_price(text: str) -> float | None:
    text = text.strip().replace(",", "").replace("$", "")
    return float(text) if text else None


class TradeEditor(QWidget):
    saved = Signal(str, object)  # trade id, {"setup", "tags", "mistakes", "rating", "notes", "planned_stop", ...}
    trade_changed = Signal(object)  # the trade shown (its id), or None; again after a journal reload

    def __init__(self) -> None:
        super().__init__()
        self.trade_id: str | None = None
        self.title = QLabel("Select a trade to annotate it.", wordWrap=True)
        self.setup = QComboBox(editable=True)
        self.setup.lineEdit().setPlaceholderText("e.g. opening range breakout")
        self.tags = QLineEdit(placeholderText="comma separated, e.g. A+, earnings")
        self.mistakes = QLineEdit(placeholderText="comma separated, e.g. chased, moved stop")
        self.rating = QComboBox()
        self.rating.addItems(RATINGS)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("What did you see, what would you do again?")
        self.stop, self.target = QLineEdit(), QLineEdit()
        for edit, tip in ((self.stop, "Planned stop, per share (the spread's net per unit): sets the risk and R"),
                          (self.target, "Planned target, per share")):
            edit.setValidator(QDoubleValidator(0.0, 1e9, 4))
            edit.setToolTip(tip)
        self.save = QPushButton("Save")
        self.save.clicked.connect(self._save)
        self.attachments = AttachmentsStrip()
        self.context = TradeContextView()
        form = QFormLayout()
        for label, w in (("Setup", self.setup), ("Tags", self.tags), ("Mistakes", self.mistakes),
                         ("Rating", self.rating), ("Planned stop", self.stop), ("Planned target", self.target),
                         ("Notes", self.notes)):
            form.addRow(label, w)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.context)
        box.addWidget(self.attachments)
        box.addLayout(form, 1)
        box.addWidget(self.save)
        self.set_trade(None)

    def set_setups(self, setups: Sequence[str]) -> None:
        text = self.setup.currentText()
        self.setup.clear()
        self.setup.addItems(sorted(set(setups)))
        self.setup.setCurrentText(text)

    def set_trade(self, trade: Trade | None) -> None:
        self.trade_id = trade.id if trade else None
        self.setEnabled(trade is not None)
        self.trade_changed.emit(self.trade_id)
        self.context.show_trade(trade)
        if trade is None:
            self.title.setText("Select a trade to annotate it.")
            return
        self.title.setText(f"{trade.symbol} {cells.INSTRUMENTS.get(trade.instrument, trade.instrument)} "
                           f"{trade.direction}, opened {cells.et_time(trade.opened_at)} ET, "
                           f"net {cells.money(trade.net_pnl)}")
        self.setup.setCurrentText(trade.setup or "")
        self.tags.setText(", ".join(trade.tags))
        self.mistakes.setText(", ".join(trade.mistakes))
        self.rating.setCurrentIndex(trade.rating or 0)
        self.notes.setPlainText(trade.notes)
        self.stop.setText("" if trade.planned_stop is None else f"{trade.planned_stop:g}")
        self.target.setText("" if trade.planned_target is None else f"{trade.planned_target:g}")

    def values(self) -> dict[str, object]:
        return {"setup": self.setup.currentText().strip() or None, "tags": split_words(self.tags.text()),
                "mistakes": split_words(self.mistakes.text()), "rating": self.rating.currentIndex() or None,
                "notes": self.notes.toPlainText().strip(), "planned_stop": parse_price(self.stop.text()),
                "planned_target": parse_price(self.target.text())}

    def _save(self) -> None:
        if self.trade_id is not None:
            self.saved.emit(self.trade_id, self.values())
