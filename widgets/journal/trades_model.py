"""The trade list's model: one row per journal trade, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from analytics.journal_trades import Trade
from widgets.journal import cells
from widgets.table_model import ColumnTableModel, Index

NUMERIC = {"Qty", "Entry", "Exit", "Net P&L", "R", "MAE", "MFE"}
LAST = float("inf")
PAST_EXPIRY_TIP = ("Held past its expiry and the export has no expiration row: it settles at the underlying's "
                   "expiry-day price once a provider with real prices has given it.")
EXCURSION_TIPS = {"MAE": "Maximum adverse excursion: the worst open loss during the trade, from 1-minute bars "
                         "(stock trades; an upper bound: the whole entry and exit bars count, at the largest size)",
                  "MFE": "Maximum favourable excursion: the best open gain during the trade, from 1-minute bars "
                         "(stock trades; an upper bound: the whole entry and exit bars count, at the largest size)"}


def _last_if_none(value):
    return LAST if value is None else value


# Each column sorts by its value, not its text (an open trade's hold last, blanks last); one key per
# column, so a sort of 50,000 trades computes only the column asked for.
SORT_KEYS = (
    lambda t: t.opened_at.timestamp(), lambda t: t.symbol, lambda t: t.instrument, lambda t: t.direction,
    lambda t: t.quantity, lambda t: t.entry_price, lambda t: _last_if_none(t.exit_price), lambda t: t.net_pnl,
    lambda t: _last_if_none(t.r_multiple), lambda t: _last_if_none(t.mae), lambda t: _last_if_none(t.mfe),
    lambda t: (not t.setup, t.setup or ""), lambda t: (not t.tags, t.tags),
    lambda t: LAST if t.holding_time is None else t.holding_time.total_seconds(),
)


def sort_key(t: Trade, column: int):
    return SORT_KEYS[column](t)


def row_texts(t: Trade, today: date | None = None) -> tuple[str, ...]:
    status = cells.holding(t.holding_time)
    if t.is_open:
        status = "past expiry" if today is not None and t.expiry is not None and t.expiry < today else "open"
    return (cells.et_time(t.opened_at), t.symbol, cells.INSTRUMENTS.get(t.instrument, t.instrument),
            t.direction, cells.quantity(t.quantity), cells.maybe_price(t.entry_price),
            cells.maybe_price(t.exit_price), cells.money(t.net_pnl), cells.r_multiple(t.r_multiple),
            cells.money(t.mae), cells.money(t.mfe), t.setup or "", ", ".join(t.tags), status)


class TradesModel(ColumnTableModel):
    COLUMNS = ("Opened (ET)", "Symbol", "Instrument", "Side", "Qty", "Entry", "Exit", "Net P&L", "R",
               "MAE", "MFE", "Setup", "Tags", "Held")

    def __init__(self) -> None:
        super().__init__()
        self._texts: list[tuple[str, ...] | None] = []  # made when a row is first shown
        self._order = (0, Qt.SortOrder.DescendingOrder)  # newest first
        self.today: date | None = None  # the market's date: an open contract before it is "past expiry"

    def set_trades(self, trades: Sequence[Trade]) -> None:
        self.beginResetModel()
        self._rows = list(trades)
        self._arrange()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._order = (column, order)
        self._arrange()
        self.layoutChanged.emit()

    def _arrange(self) -> None:
        column, order = self._order
        self._rows.sort(key=SORT_KEYS[column], reverse=order == Qt.SortOrder.DescendingOrder)
        self._texts = [None] * len(self._rows)

    @property
    def trades(self) -> list[Trade]:
        return list(self._rows)

    def texts(self, rows: int) -> list[tuple[str, ...]]:
        """The cell texts of the first ``rows`` rows (for column sizing)."""
        return [self.row_text(i) for i in range(min(rows, len(self._rows)))]

    def row_text(self, row: int) -> tuple[str, ...]:
        text = self._texts[row]
        if text is None:
            text = self._texts[row] = row_texts(self._rows[row], self.today)
        return text

    def trade_at(self, row: int) -> Trade | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, trade_id: str) -> int:
        return next((i for i, t in enumerate(self._rows) if t.id == trade_id), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.row_text(index.row())[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column in ("Net P&L", "R"):
            trade = self._rows[index.row()]
            color = cells.pnl_color(trade.net_pnl if column == "Net P&L" else trade.r_multiple)
            return QColor(color) if color else None
        if role == Qt.ItemDataRole.ToolTipRole and column in ("MAE", "MFE"):
            return EXCURSION_TIPS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            trade = self._rows[index.row()]
            tip = "\n".join(trade.legs) + (f"\n{trade.notes}" if trade.notes else "")
            if self.row_text(index.row())[-1] == "past expiry":
                tip += f"\n{PAST_EXPIRY_TIP}"
            return tip
        return None

    def index_of(self, row: int) -> QModelIndex:
        return self.index(row, 0)
