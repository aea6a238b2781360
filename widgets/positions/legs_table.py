"""The new-position dialog's legs preview: contract, side, quantity, open price (editable), mid.

Prices the trader types are kept by contract (``typed``) until the dialog closes, so changing the
strategy or the quantity and coming back loses nothing; text that is not a price stays as typed
and is reported by ``price_problem``.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from analytics.positions import Leg
from widgets.view_looks import style_views

HEADERS = ("Contract", "Side", "Qty", "Price", "Mid")
PRICE_COLUMN = 3


def _item(text: str, editable: bool = False, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    item.setFlags(flags | Qt.ItemFlag.ItemIsEditable if editable else flags)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def describe(leg: Leg) -> str:
    """"SPXW Dec 18 6500 put" or "SPX shares"."""
    if not leg.is_option:
        return f"{leg.symbol} shares"
    root = leg.symbol[: len(leg.symbol) - 15] if len(leg.symbol) > 15 else leg.underlying
    return f"{root} {leg.expiry:%b %d} {leg.strike:g} {'call' if leg.is_call else 'put'}"


class LegsTable(QTableWidget):
    price_edited = Signal()

    def __init__(self) -> None:
        super().__init__(0, len(HEADERS))
        self.setHorizontalHeaderLabels(HEADERS)
        self.verticalHeader().setVisible(False)
        style_views(self)  # (in the entry dialog, not under a panel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.setMinimumHeight(150)
        self.setToolTip("Double-click a price to change it: the price you were filled at, per share.")
        self.typed: dict[str, str] = {}  # contract -> price text the trader typed
        self._symbols: list[str] = []
        self.itemChanged.connect(self._changed)

    def show_legs(self, legs: tuple[Leg, ...], mids: dict[str, float], editable: bool) -> None:
        self.blockSignals(True)
        self.setRowCount(len(legs))
        self._symbols = [x.symbol for x in legs]
        for row, leg in enumerate(legs):
            side = "Buy" if leg.quantity > 0 else "Sell"
            mid = mids.get(leg.symbol, math.nan)
            price = self.typed.get(leg.symbol, f"{leg.open_price:.2f}")
            cells = (_item(describe(leg)), _item(side), _item(f"{abs(leg.quantity):,}", right=True),
                     _item(price, editable=editable, right=True),
                     _item(f"{mid:.2f}" if math.isfinite(mid) else "—", right=True))
            for column, cell in enumerate(cells):
                cell.setToolTip(leg.symbol)
                self.setItem(row, column, cell)
        self.blockSignals(False)

    def _changed(self, item: QTableWidgetItem) -> None:
        if item.column() == PRICE_COLUMN and item.row() < len(self._symbols):
            self.typed[self._symbols[item.row()]] = item.text().strip()
            self.price_edited.emit()

    def set_price(self, row: int, text: str) -> None:
        """As the trader types it (tests, and the dialog's own use)."""
        self.item(row, PRICE_COLUMN).setText(text)


def apply_prices(legs: tuple[Leg, ...], typed: dict[str, str]) -> tuple[tuple[Leg, ...], str | None]:
    """``legs`` at the typed prices, and what is wrong with a typed price (None: nothing)."""
    from dataclasses import replace

    out = []
    for leg in legs:
        text = typed.get(leg.symbol)
        if text is None or text == f"{leg.open_price:.2f}":
            out.append(leg)
            continue
        try:
            price = float(text.replace(",", "").lstrip("$"))
        except ValueError:
            return legs, f"{describe(leg)}: the price '{text}' is not a number."
        if not (math.isfinite(price) and price >= 0):
            return legs, f"{describe(leg)}: the price must be 0 or more, not {text}."
        out.append(replace(leg, open_price=price))
    return tuple(out), None
