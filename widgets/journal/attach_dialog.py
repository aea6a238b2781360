""""Save chart to trade…": which of the symbol's journal trades gets the chart's screenshot.

The symbol's trades, newest first, the one whose open..close span holds the chart's time
preselected (else the newest); an optional caption; the screenshot as a thumbnail. A symbol
without trades says so instead of showing an empty list. Save emits ``submitted``; the dialog stays
open until the owner calls ``accept`` (stored) or ``show_error`` (say why).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from analytics.journal_trades import Trade
from widgets.journal import cells

THUMB_WIDTH = 600
LIST_HEIGHT = 160
MAX_CAPTION = 200


def newest_first(trades: Sequence[Trade]) -> list[Trade]:
    return sorted(trades, key=lambda t: t.opened_at, reverse=True)


def preselect(trades: Sequence[Trade], at: datetime | None) -> int:
    """Index (in ``trades``, newest first) of the newest trade open at ``at`` (an open trade runs
    on), else 0 — the newest; -1 without trades."""
    if not trades:
        return -1
    if at is not None:
        for i, trade in enumerate(trades):
            if trade.opened_at <= at and (trade.closed_at is None or at <= trade.closed_at):
                return i
    return 0


def describe(trade: Trade) -> str:
    """"Option long · opened 2022-06-21 09:31 ET → closed 2022-06-21 10:05 ET · net +$120.00"."""
    kind = cells.INSTRUMENTS.get(trade.instrument, trade.instrument)
    closed = f"closed {cells.et_time(trade.closed_at)} ET" if trade.closed_at else "still open"
    return f"{kind} {trade.direction} · opened {cells.et_time(trade.opened_at)} ET → {closed} · " \
           f"net {cells.money(trade.net_pnl)}"


class AttachChartDialog(QDialog):
    submitted = Signal(str, str)  # trade id, caption

    def __init__(self, symbol: str, trades: Sequence[Trade], at: datetime | None, image: QImage,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.symbol, self.trades = symbol, newest_first(trades)
        self.setWindowTitle(f"Save chart to trade — {symbol}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.thumbnail = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        if not image.isNull():
            self.thumbnail.setPixmap(QPixmap.fromImage(image).scaledToWidth(
                THUMB_WIDTH, Qt.TransformationMode.SmoothTransformation))
        self.prompt = QLabel(f"Attach this chart to a {symbol} trade:")
        self.list = QListWidget()
        self.list.setMaximumHeight(LIST_HEIGHT)
        for trade in self.trades:
            item = QListWidgetItem(describe(trade))
            item.setData(Qt.ItemDataRole.UserRole, trade.id)
            self.list.addItem(item)
        self.caption = QLineEdit(placeholderText="Caption (optional), e.g. entry on the ORB retest")
        self.caption.setMaxLength(MAX_CAPTION)
        self.empty = QLabel(f"No journal trades in {symbol} yet — import or close a position first.", wordWrap=True)
        self.error = QLabel(wordWrap=True, objectName="attachError")
        self.error.setStyleSheet("color: #ef5350;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self._layout()
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _item: self._submit())
        self.list.setCurrentRow(preselect(self.trades, at))
        has_trades = bool(self.trades)
        for widget in (self.prompt, self.list, self.caption):
            widget.setVisible(has_trades)
        self.empty.setVisible(not has_trades)
        self.save.setEnabled(has_trades)
        self.error.hide()

    def _layout(self) -> None:
        box = QVBoxLayout(self)
        self.setMinimumWidth(THUMB_WIDTH + 40)
        for widget in (self.thumbnail, self.prompt, self.list, self.empty, self.caption, self.error, self.buttons):
            box.addWidget(widget)

    def chosen(self) -> Trade | None:
        row = self.list.currentRow()
        return self.trades[row] if 0 <= row < len(self.trades) else None

    def _submit(self) -> None:
        trade = self.chosen()
        if trade is None:
            return
        self.error.hide()
        self.save.setEnabled(False)  # one save at a time; back on after an error
        self.submitted.emit(trade.id, self.caption.text().strip())

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.save.setEnabled(bool(self.trades))
