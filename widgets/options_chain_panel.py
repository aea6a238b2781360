"""Options chain: calls | strike | puts for one expiration, greeks included, updated in place.

A pure view. ``set_snapshot(chain, greeks, spot)`` gives it a full chain (all expirations);
the user picks the expiration and the strike range. New snapshots with the same strikes only
refresh cell values (scroll and selection stay put); the ATM row is marked and, with "Follow
ATM" on, kept in view; in-the-money cells are shaded. ``focus_strike(price)`` scrolls to and
highlights the strike nearest a price (the chart's "Open options chain near …").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from data.market_calendar import market_date
from data.option_chain import OptionChain
from data.symbols import AM_SETTLED_ROOTS

if TYPE_CHECKING:  # (analytics imports SciPy; the panel only reads the arrays)
    from analytics.chain_greeks import ChainGreeks

RANGES: tuple[tuple[str, int | None], ...] = (("±10 strikes", 10), ("±20 strikes", 20), ("±40 strikes", 40),
                                              ("All strikes", None))
# (header, field, format); the call side is shown mirrored so bid/ask sit next to the strike
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("Bid", "bid", "price"), ("Ask", "ask", "price"), ("Last", "last", "price"), ("Vol", "volume", "count"),
    ("OI", "open_interest", "count"), ("IV", "iv", "pct"), ("Δ", "delta", "delta"), ("Γ", "gamma", "gamma"),
    ("Θ", "theta", "money"), ("Vega", "vega", "money"),
)
CALL_FIELDS = tuple(reversed(FIELDS))
STRIKE_COLUMN = len(FIELDS)
# every table column left to right: (side, field, header, format)
COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    *(("call", f, h, k) for h, f, k in CALL_FIELDS), ("strike", "strike", "Strike", "price"),
    *(("put", f, h, k) for h, f, k in FIELDS))
ITM_CALL, ITM_PUT = QColor(46, 84, 64, 110), QColor(96, 48, 52, 110)
ATM_ROW, FOCUS_ROW = QColor(214, 170, 56, 90), QColor(66, 133, 244, 120)


@dataclass(frozen=True, slots=True)
class ExpiryChoice:
    expiry: date
    root: str
    dte: int

    @property
    def am_settled(self) -> bool:
        return self.root in AM_SETTLED_ROOTS

    @property
    def label(self) -> str:
        when = "0DTE" if self.dte == 0 else f"{self.dte}d"
        am = f" · {self.root} AM" if self.am_settled else ""
        return f"{self.expiry:%b %d '%y} · {when}{am}"


def _format(value: float, kind: str) -> str:
    if not math.isfinite(value):
        return "—"
    if kind == "count":
        return f"{value:,.0f}"
    if kind == "pct":
        return f"{100 * value:.1f}%"
    if kind == "delta":
        return f"{value:.3f}"
    if kind == "gamma":
        return f"{value:.4f}"
    return f"{value:,.2f}"


class ChainTableModel(QAbstractTableModel):
    """Rows are strikes of one expiration; each row points at its call and put in the chain."""

    def __init__(self) -> None:
        super().__init__()
        self.strikes = np.empty(0)
        self._call = np.empty(0, dtype=np.int64)  # chain row of each strike's call, -1 if none
        self._put = np.empty(0, dtype=np.int64)
        self._values: dict[str, np.ndarray] = {}
        self._symbols = np.empty(0, dtype=object)
        self._local = np.empty(0, dtype=bool)
        self.spot = math.nan
        self.atm_row = -1
        self.focus_row = -1
        self._bold = QFont()
        self._bold.setBold(True)

    # -- data in ------------------------------------------------------------------------------
    def show_rows(self, chain: OptionChain, greeks: ChainGreeks, rows: np.ndarray, spot: float) -> bool:
        """Show the contracts ``rows`` (one expiration and root). Returns True when the strikes
        were the same as before, so only values changed (no reset: scroll/selection stay)."""
        strikes = np.unique(chain.strike[rows])
        call = np.full(len(strikes), -1, dtype=np.int64)
        put = np.full(len(strikes), -1, dtype=np.int64)
        at = np.searchsorted(strikes, chain.strike[rows])
        calls = chain.is_call[rows]
        call[at[calls]] = rows[calls]
        put[at[~calls]] = rows[~calls]
        values = {"bid": chain.bid, "ask": chain.ask, "last": chain.last, "volume": chain.volume,
                  "open_interest": chain.open_interest, "iv": greeks.iv, "delta": greeks.delta,
                  "gamma": greeks.gamma, "theta": greeks.theta, "vega": greeks.vega}
        same = np.array_equal(strikes, self.strikes)
        if not same:
            self.beginResetModel()
        self.strikes, self._call, self._put, self._values = strikes, call, put, values
        self._symbols, self._local = chain.symbol, greeks.local_greeks | greeks.local_iv
        self.spot = spot
        self.atm_row = int(np.argmin(np.abs(strikes - spot))) if len(strikes) and math.isfinite(spot) else -1
        if same:
            if len(strikes):
                self.dataChanged.emit(self.index(0, 0), self.index(len(strikes) - 1, self.columnCount() - 1))
        else:
            self.focus_row = -1
            self.endResetModel()
        return same

    def clear(self) -> None:
        self.beginResetModel()
        self.strikes = np.empty(0)
        self._call = self._put = np.empty(0, dtype=np.int64)
        self.atm_row = self.focus_row = -1
        self.endResetModel()

    # -- Qt model -----------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.strikes)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return COLUMNS[section][2]

    def field_at(self, column: int) -> tuple[str, str]:
        """('call' | 'put' | 'strike', field name) of a column."""
        return COLUMNS[column][:2]

    def contract_row(self, row: int, side: str) -> int:
        return int((self._call if side == "call" else self._put)[row])

    def value(self, row: int, column: int) -> float:
        side, field = self.field_at(column)
        if side == "strike":
            return float(self.strikes[row])
        i = self.contract_row(row, side)
        return float(self._values[field][i]) if i >= 0 else math.nan

    def itm(self, row: int, side: str) -> bool:
        k = self.strikes[row]
        return bool(k < self.spot) if side == "call" else bool(k > self.spot)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        side, _field, _header, kind = COLUMNS[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return _format(self.value(row, column), kind)
        if role == Qt.ItemDataRole.UserRole:
            return self.value(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((Qt.AlignmentFlag.AlignCenter if side == "strike" else Qt.AlignmentFlag.AlignRight)
                       | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if row == self.focus_row:
                return QBrush(FOCUS_ROW)
            if row == self.atm_row and side == "strike":
                return QBrush(ATM_ROW)
            if side != "strike" and self.itm(row, side):
                return QBrush(ITM_CALL if side == "call" else ITM_PUT)
            return None
        if role == Qt.ItemDataRole.FontRole and (row == self.atm_row or side == "strike"):
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole and side != "strike":
            i = self.contract_row(row, side)
            if i < 0:
                return None
            note = "\nIV/greeks computed locally (the provider sent none)" if self._local[i] else ""
            return f"{self._symbols[i]}{note}"
        return None


class OptionsChainPanel(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.model = ChainTableModel()
        self.symbol_label = QLabel("—")
        self.expiry = QComboBox()
        self.expiry.setMinimumContentsLength(18)
        self.strike_range = QComboBox()
        for label, _n in RANGES:
            self.strike_range.addItem(label)
        self.strike_range.setCurrentIndex(1)
        self.follow_atm = QCheckBox("Follow ATM")
        self.follow_atm.setChecked(True)
        self.status = QLabel("Waiting for the option chain…")
        self.status.setWordWrap(True)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Sized to the contents when the rows change, not on every update: ResizeToContents would
        # measure every cell of every refresh (tens of ms on the GUI thread for a big chain).
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.model.modelReset.connect(self.table.resizeColumnsToContents)
        self.table.verticalHeader().setDefaultSectionSize(22)
        top = QHBoxLayout()
        top.addWidget(self.symbol_label)
        top.addStretch(1)
        for w in (QLabel("Expiry"), self.expiry, self.strike_range, self.follow_atm):
            top.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self._chain: OptionChain | None = None
        self._greeks: ChainGreeks | None = None
        self._spot = math.nan
        self._choices: list[ExpiryChoice] = []
        self._settled = False  # a chain or a reason for none has been shown
        self.expiry.currentIndexChanged.connect(lambda _i: self._show(scroll=True))
        self.strike_range.currentIndexChanged.connect(lambda _i: self._show(scroll=True))

    def is_ready(self) -> bool:
        return self._settled

    @property
    def symbol(self) -> str | None:
        """The underlying whose chain is shown."""
        return self._chain.underlying if self._chain is not None else None

    # -- input --------------------------------------------------------------------------------
    def set_snapshot(self, chain: OptionChain, greeks: ChainGreeks, spot: float, note: str = "") -> None:
        new_symbol = self._chain is None or chain.underlying != self._chain.underlying
        self._chain, self._greeks, self._spot = chain, greeks, spot
        self.symbol_label.setText(f"<b>{chain.underlying}</b>  {spot:,.2f}")
        self._set_choices(chain, keep=not new_symbol)
        self._show(scroll=new_symbol)
        self.status.setText(f"{chain.asof:%H:%M:%S} ET · {len(chain):,} contracts" + (f" · {note}" if note else ""))
        self._settled = True

    def set_unavailable(self, symbol: str, reason: str) -> None:
        self._chain = self._greeks = None
        self._choices = []
        self.expiry.blockSignals(True)
        self.expiry.clear()
        self.expiry.blockSignals(False)
        self.model.clear()
        self.symbol_label.setText(f"<b>{symbol}</b>")
        self.status.setText(reason)
        self._settled = True

    def focus_strike(self, price: float) -> None:
        """Select and centre the strike nearest ``price`` in the shown expiration."""
        strikes = self.model.strikes
        if len(strikes) and not strikes[0] <= price <= strikes[-1]:
            self.strike_range.setCurrentIndex(len(RANGES) - 1)  # widen so the price is listed
            strikes = self.model.strikes
        if not len(strikes):
            return
        row = int(np.argmin(np.abs(strikes - price)))
        self.follow_atm.setChecked(False)  # the user asked for this strike: do not jump away
        self.model.focus_row = row
        index = self.model.index(row, STRIKE_COLUMN)
        self.table.selectRow(row)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.model.dataChanged.emit(self.model.index(row, 0), self.model.index(row, self.model.columnCount() - 1))

    def focus_contract(self, expiry: date, strike: float) -> None:
        """Show ``expiry`` (its PM-settled listing where there are two) and focus ``strike``."""
        matches = [i for i, c in enumerate(self._choices) if c.expiry == expiry]
        if matches:
            self.expiry.setCurrentIndex(min(matches, key=lambda i: self._choices[i].am_settled))
            self.focus_strike(strike)

    # -- internals ----------------------------------------------------------------------------
    def _set_choices(self, chain: OptionChain, keep: bool) -> None:
        today = market_date(chain.asof)
        pairs = chain.listings
        choices = [ExpiryChoice(d, r, (d - today).days) for d, r in pairs]
        choices.sort(key=lambda c: (c.expiry, c.am_settled))
        if choices == self._choices:
            return
        current = self._choices[self.expiry.currentIndex()] if keep and 0 <= self.expiry.currentIndex() < len(
            self._choices) else None
        self._choices = choices
        self.expiry.blockSignals(True)
        self.expiry.clear()
        for c in choices:
            self.expiry.addItem(c.label)
        keep_at = next((i for i, c in enumerate(choices) if current and (c.expiry, c.root) == (current.expiry,
                                                                                                current.root)), 0)
        self.expiry.setCurrentIndex(keep_at)
        self.expiry.blockSignals(False)

    @property
    def choice(self) -> ExpiryChoice | None:
        i = self.expiry.currentIndex()
        return self._choices[i] if 0 <= i < len(self._choices) else None

    def _show(self, scroll: bool) -> None:
        chain, greeks, choice = self._chain, self._greeks, self.choice
        if chain is None or greeks is None or choice is None:
            return
        rows = np.flatnonzero((chain.expiry == np.datetime64(choice.expiry, "D")) & (chain.root == choice.root))
        width = RANGES[self.strike_range.currentIndex()][1]
        if width is not None and len(rows):
            strikes = np.unique(chain.strike[rows])
            centre = int(np.argmin(np.abs(strikes - self._spot)))
            lo, hi = strikes[max(0, centre - width)], strikes[min(len(strikes) - 1, centre + width)]
            rows = rows[(chain.strike[rows] >= lo) & (chain.strike[rows] <= hi)]
        selected = self._selected_strike()
        same = self.model.show_rows(chain, greeks, rows, self._spot)
        if not same and selected is not None and selected in self.model.strikes:
            self.table.selectRow(int(np.searchsorted(self.model.strikes, selected)))
        if (scroll or self.follow_atm.isChecked()) and self.model.atm_row >= 0:
            if same:
                self.scroll_to_atm()
            else:
                QTimer.singleShot(0, self.scroll_to_atm)  # once the reset model is laid out

    def scroll_to_atm(self) -> None:
        if self.model.atm_row >= 0:
            self.table.scrollTo(self.model.index(self.model.atm_row, STRIKE_COLUMN),
                                QAbstractItemView.ScrollHint.PositionAtCenter)

    def _selected_strike(self) -> float | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return float(self.model.strikes[rows[0].row()]) if rows and rows[0].row() < len(self.model.strikes) else None
