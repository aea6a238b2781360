"""The options chain's table model and column layout: calls | strike | puts, one row per strike.

Rows point at the chain's contracts (no copy of the numbers); a refresh with the same strikes
only emits ``dataChanged`` so scroll and selection stay; ``widest_texts`` tells the panel how
wide each column must be without measuring every cell.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from data.option_chain import OptionChain
from widgets import numbers

if TYPE_CHECKING:  # (analytics imports SciPy; the model only reads the arrays)
    from analytics.chain_greeks import ChainGreeks

# (header, field, format, full name), from the strike outwards; greek headers are the letters
# traders read (Δ Γ Θ) so the chain fits half a laptop screen
FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("Bid", "bid", "price", "Bid"), ("Ask", "ask", "price", "Ask"), ("Last", "last", "price", "Last trade"),
    ("Vol", "volume", "count", "Volume today"), ("OI", "open_interest", "count", "Open interest"),
    ("IV", "iv", "pct", "Implied volatility"), ("Δ", "delta", "delta", "Delta"), ("Γ", "gamma", "gamma", "Gamma"),
    ("Θ", "theta", "money", "Theta ($/share per day)"), ("Vega", "vega", "money", "Vega ($/share per vol point)"),
)
# The call side is mirrored (its greeks on the far left) except bid and ask, which read
# Bid | Ask on both sides as in thinkorswim: calls … Bid Ask | Strike | Bid Ask … puts.
CALL_FIELDS = (*reversed(FIELDS[2:]), FIELDS[0], FIELDS[1])
STRIKE_COLUMN = len(FIELDS)
# every table column left to right: (side, field, header, format)
COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    *(("call", f, h, k) for h, f, k, _n in CALL_FIELDS), ("strike", "strike", "Strike", "strike"),
    *(("put", f, h, k) for h, f, k, _n in FIELDS))
FULL_NAMES = {f: n for _h, f, _k, n in FIELDS} | {"strike": "Strike"}
# off by default (the column chooser brings them back): the rest fits ~640 px without scrolling
HIDDEN_BY_DEFAULT = frozenset({"last", "gamma"})
ITM_CALL, ITM_PUT = QColor(46, 84, 64, 110), QColor(96, 48, 52, 110)  # the dark theme's
# In-the-money shading per theme: the dark one's tints turned muddy grey on the light theme.
ITM_COLORS = {"dark": (ITM_CALL, ITM_PUT), "light": (QColor(200, 232, 204, 170), QColor(250, 210, 214, 170))}
ATM_ROW, FOCUS_ROW = QColor(214, 170, 56, 90), QColor(66, 133, 244, 120)


def _format(value: float, kind: str) -> str:
    if not math.isfinite(value):
        return numbers.MISSING
    if kind == "count":
        return numbers.count(value)
    if kind == "strike":
        return numbers.strike(value)
    if kind == "pct":
        return numbers.percent(value)
    if kind == "delta":
        return numbers.signed(value, 3)
    if kind == "gamma":
        return numbers.signed(value, 4)
    if kind == "money":  # theta and vega: a Ford option's are a few cents, "-0.00" said nothing
        return numbers.greek(value)
    return numbers.price(value)


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
        self._cells = np.empty((0, len(COLUMNS)))  # the numbers shown (see ``_cell_values``)
        self._looks = np.empty((0, len(COLUMNS) + 4))  # and the shading: what a refresh compares
        self._texts: dict[tuple[int, int], str] = {}  # (row, column) → the cell's text, this refresh
        self.spot = math.nan
        self.theme = "dark"  # the panel follows the app's palette (set_theme)
        self.atm_row = -1
        self.focus_row = -1
        self.bold_font = QFont()
        self.bold_font.setBold(True)

    # -- data in ------------------------------------------------------------------------------
    def show_rows(self, chain: OptionChain, greeks: ChainGreeks, rows: np.ndarray, spot: float) -> bool:
        """Show the contracts ``rows`` (one expiration and root). Returns True when the strikes
        were the same as before, so only values changed (no reset: scroll/selection stay, and
        only the rows whose cells changed are repainted)."""
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
        before, atm_before = self._looks, self.atm_row
        self.strikes, self._call, self._put, self._values = strikes, call, put, values
        self._symbols, self._local = chain.symbol, greeks.local_greeks | greeks.local_iv
        self.spot = spot
        self.atm_row = int(np.argmin(np.abs(strikes - spot))) if len(strikes) and math.isfinite(spot) else -1
        self._cells = self._cell_values()
        self._looks = self._row_looks()
        self._texts.clear()
        if same:
            self._emit_changed(before, atm_before)
        else:
            self.focus_row = -1
            self.endResetModel()
        return same

    def _cell_values(self) -> np.ndarray:
        """rows × columns of the numbers shown (NaN where a strike lists no contract): read by
        ``data`` and compared between refreshes."""
        cells = np.full((len(self.strikes), len(COLUMNS)), math.nan)
        for column, (side, field, _h, _k) in enumerate(COLUMNS):
            if side == "strike":
                cells[:, column] = self.strikes
                continue
            rows = self._call if side == "call" else self._put
            listed = rows >= 0
            cells[listed, column] = self._values[field][rows[listed]]
        return cells

    def _row_looks(self) -> np.ndarray:
        """Everything a row's cells show: numbers, in-the-money shading, the local-greeks note."""
        call_local = (self._call >= 0) & self._local[np.maximum(self._call, 0)]
        put_local = (self._put >= 0) & self._local[np.maximum(self._put, 0)]
        flags = np.column_stack([self.strikes < self.spot, self.strikes > self.spot, call_local, put_local])
        return np.column_stack([self._cells, flags.astype(float)])

    def _emit_changed(self, before: np.ndarray, atm_before: int) -> None:
        """``dataChanged`` for the runs of rows that look different (a quiet strike is not repainted)."""
        if not len(self.strikes):
            return
        now = self._looks
        if before.shape != now.shape:
            changed = np.ones(len(self.strikes), dtype=bool)
        else:
            changed = ~np.all((before == now) | (np.isnan(before) & np.isnan(now)), axis=1)
        for row in (atm_before, self.atm_row):  # the ATM row's bold and tint moved
            if 0 <= row < len(changed):
                changed[row] = True
        edges = np.flatnonzero(np.diff(np.concatenate(([0], changed.astype(np.int8), [0]))))
        last = self.columnCount() - 1
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            self.dataChanged.emit(self.index(int(start), 0), self.index(int(stop) - 1, last))

    def clear(self) -> None:
        self.beginResetModel()
        self.strikes = np.empty(0)
        self._call = self._put = np.empty(0, dtype=np.int64)
        self._cells, self._looks = np.empty((0, len(COLUMNS))), np.empty((0, len(COLUMNS) + 4))
        self._texts.clear()
        self.atm_row = self.focus_row = -1
        self.endResetModel()

    # -- Qt model -----------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.strikes)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][2]
        if role == Qt.ItemDataRole.ToolTipRole:
            side, field = COLUMNS[section][:2]
            return FULL_NAMES[field] + ("" if side == "strike" else f" ({side}s)")
        return None

    def widest_texts(self, column: int) -> list[str]:
        """The texts that can be widest in ``column``: its formatted minimum and maximum (digits
        are equally wide, so the most digits and a minus sign win) and "—" if a value is missing."""
        side, field, _header, kind = COLUMNS[column]
        if side == "strike":
            values = self.strikes
        else:
            rows = self._call if side == "call" else self._put
            values = self._values[field][rows[rows >= 0]] if field in self._values else np.empty(0)
        finite = values[np.isfinite(values)]
        texts = [numbers.MISSING] if len(finite) < len(values) else []
        if finite.size:
            texts += [_format(float(finite.min()), kind), _format(float(finite.max()), kind)]
        if kind == "money":  # small greeks get more decimals, so any value may be the widest (≤41 rows)
            texts += sorted({_format(float(v), kind) for v in finite}, key=len)[-1:]
        return texts

    def field_at(self, column: int) -> tuple[str, str]:
        """('call' | 'put' | 'strike', field name) of a column."""
        return COLUMNS[column][:2]

    def contract_row(self, row: int, side: str) -> int:
        return int((self._call if side == "call" else self._put)[row])

    def contract_symbol(self, row: int, side: str) -> str | None:
        """The OCC symbol of the call or put on ``row``, None when the strike lists none."""
        i = self.contract_row(row, side) if side in ("call", "put") and 0 <= row < len(self.strikes) else -1
        return str(self._symbols[i]) if i >= 0 else None

    def value(self, row: int, column: int) -> float:
        return float(self._cells[row, column])

    def itm(self, row: int, side: str) -> bool:
        k = self.strikes[row]
        return bool(k < self.spot) if side == "call" else bool(k > self.spot)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        # Called for every role of every visible cell on each paint (thousands of calls): one
        # dict look-up picks the role's answer, the roles the chain does not use cost nothing.
        answer = _ROLES.get(role)
        if answer is None or not index.isValid():
            return None
        return answer(self, index.row(), index.column())

    def _display(self, row: int, column: int) -> str:
        key = (row, column)
        text = self._texts.get(key)
        if text is None:  # formatted once per refresh (repaints, hover and scrolling reuse it)
            text = self._texts[key] = _format(self.value(row, column), COLUMNS[column][3])
        return text

    def _background(self, row: int, column: int) -> QBrush | None:
        side = COLUMNS[column][0]
        if row == self.focus_row:
            return _BRUSHES["focus"]
        if row == self.atm_row and side == "strike":
            return _BRUSHES["atm"]
        if side != "strike" and self.itm(row, side):
            return _BRUSHES[self.theme, side]
        return None

    def _font(self, row: int, column: int) -> QFont | None:
        return self.bold_font if row == self.atm_row or column == STRIKE_COLUMN else None

    def _tooltip(self, row: int, column: int) -> str | None:
        side = COLUMNS[column][0]
        i = self.contract_row(row, side) if side != "strike" else -1
        if i < 0:
            return None
        note = "\nIV/greeks computed locally (the provider sent none)" if self._local[i] else ""
        return f"{self._symbols[i]}{note}"


# made once: a brush per cell per paint was thousands of allocations
_BRUSHES = {"focus": QBrush(FOCUS_ROW), "atm": QBrush(ATM_ROW)} | {
    (theme, side): QBrush(tints[i]) for theme, tints in ITM_COLORS.items() for i, side in enumerate(("call", "put"))}
_CENTRE = int(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignVCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ROLES: dict[int, Callable[[ChainTableModel, int, int], object]] = {
    int(Qt.ItemDataRole.DisplayRole): ChainTableModel._display,
    int(Qt.ItemDataRole.UserRole): ChainTableModel.value,
    int(Qt.ItemDataRole.TextAlignmentRole): lambda _m, _r, c: _CENTRE if c == STRIKE_COLUMN else _RIGHT,
    int(Qt.ItemDataRole.BackgroundRole): ChainTableModel._background,
    int(Qt.ItemDataRole.FontRole): ChainTableModel._font,
    int(Qt.ItemDataRole.ToolTipRole): ChainTableModel._tooltip,
}
