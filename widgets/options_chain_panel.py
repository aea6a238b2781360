"""Options chain: calls | strike | puts for one expiration, greeks included, updated in place.

A pure view. ``set_snapshot(chain, greeks, spot)`` gives it a full chain (all expirations);
the user picks the expiration and the strike range. New snapshots with the same strikes only
refresh cell values (scroll and selection stay put); the ATM row is marked and, with "Follow
ATM" on, kept in view; in-the-money cells are shaded. ``focus_strike(price)`` scrolls to and
highlights the strike nearest a price (the chart's "Open options chain near …"). Right-click on
a call or put offers "Buy to open …" and "Sell to open …" (``open_requested``) when the owner says
some panel opens positions (``can_open``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from data.market_calendar import market_date
from data.option_chain import OptionChain
from data.symbols import AM_SETTLED_ROOTS, parse_option_symbol
from widgets.chain_columns import ChainColumns
from widgets.empty_state import EmptyState
from widgets.flow_layout import flow_row
from widgets.options_chain_model import (  # noqa: F401  (the colours and layout: re-exported for tests)
    ATM_ROW,
    CALL_FIELDS,
    COLUMNS,
    FIELDS,
    FOCUS_ROW,
    HIDDEN_BY_DEFAULT,
    ITM_CALL,
    ITM_COLORS,
    ITM_PUT,
    STRIKE_COLUMN,
    ChainTableModel,
)
from widgets.symbol_actions import Subject, SymbolActions

if TYPE_CHECKING:  # (analytics imports SciPy; the panel only reads the arrays)
    from analytics.chain_greeks import ChainGreeks

RANGES: tuple[tuple[str, int | None], ...] = (("±10 strikes", 10), ("±20 strikes", 20), ("±40 strikes", 40),
                                              ("All strikes", None))


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


def _chain_table(model: ChainTableModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(22)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    # Interactive, not ResizeToContents: that would measure every cell of every refresh (tens
    # of ms on the GUI thread for a big chain); the panel fits the columns to their widest text.
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


class OptionsChainPanel(QWidget):
    open_requested = Signal(str, int)  # OCC contract, +1 buy to open / -1 sell to open

    def set_theme(self, theme: str) -> None:
        """In-the-money shading in ``theme``'s tints ("light" or "dark")."""
        theme = "light" if theme == "light" else "dark"
        if theme != self.model.theme:
            self.model.theme = theme
            rows, cols = self.model.rowCount(), self.model.columnCount()
            if rows and cols:
                self.model.dataChanged.emit(self.model.index(0, 0), self.model.index(rows - 1, cols - 1))

    def changeEvent(self, event: QEvent) -> None:
        # The app's theme switch sets the palette: a light window means the light tints.
        if event.type() == QEvent.Type.PaletteChange:
            self.set_theme("light" if self.palette().window().color().lightness() > 128 else "dark")
        super().changeEvent(event)

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
        self.table = _chain_table(self.model)
        self.columns = ChainColumns(self.table, self.model)
        top = self.header = flow_row(self.symbol_label, QLabel("Expiry"), self.expiry, self.strike_range,
                                     self.follow_atm, self.columns.button, stretch_after=0)  # (wraps when narrow)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(top)
        self.empty = EmptyState(self.table, layout)  # the table, or why there is none
        layout.addWidget(self.status)
        self._chain: OptionChain | None = None
        self._greeks: ChainGreeks | None = None
        self._spot = math.nan
        self._choices: list[ExpiryChoice] = []
        self._settled = False  # a chain or a reason for none has been shown
        self._focus_paused_follow = False  # "Follow ATM" was turned off by a focus, not by the user
        self.expiry.currentIndexChanged.connect(lambda _i: self._show(scroll=True))
        self.strike_range.currentIndexChanged.connect(lambda _i: self._show(scroll=True))
        self.follow_atm.clicked.connect(lambda _on: setattr(self, "_focus_paused_follow", False))  # the user's call
        self.can_open: Callable[[], bool] = lambda: False  # the owner: some panel opens positions
        self.symbol_actions = SymbolActions(self)  # chart, alert at the strike, coach (the shared list)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu_at)

    def is_ready(self) -> bool:
        return self._settled

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.columns.fit(grow_only=True)  # wider: room for more columns; narrower: drop some

    @property
    def symbol(self) -> str | None:
        """The underlying whose chain is shown."""
        return self._chain.underlying if self._chain is not None else None

    # -- input --------------------------------------------------------------------------------
    def set_snapshot(self, chain: OptionChain, greeks: ChainGreeks, spot: float, note: str = "") -> None:
        self.empty.show_view()
        new_symbol = self._chain is None or chain.underlying != self._chain.underlying
        if new_symbol:
            self._forget_symbol()
        self._chain, self._greeks, self._spot = chain, greeks, spot
        self.symbol_label.setText(f"<b>{chain.underlying}</b>  {spot:,.2f}")
        self._set_choices(chain, keep=not new_symbol)
        self._show(scroll=new_symbol)
        self.status.setText(f"{chain.asof:%H:%M:%S} ET · {len(chain):,} contracts" + (f" · {note}" if note else ""))
        self._settled = True

    def set_unavailable(self, symbol: str, reason: str) -> None:
        self.empty.show_reason(reason)
        self._chain = self._greeks = None
        self._choices = []
        self.expiry.blockSignals(True)
        self.expiry.clear()
        self.expiry.blockSignals(False)
        self.model.clear()
        self.symbol_label.setText(f"<b>{symbol}</b>")
        self.status.setText(reason)
        self._settled = True

    def set_strike_range(self, width: int) -> None:
        """Show ±``width`` strikes (0: all) — the Preferences' default at start."""
        widths = [n or 0 for _label, n in RANGES]
        if width in widths:
            self.strike_range.setCurrentIndex(widths.index(width))

    def focus_strike(self, price: float) -> None:
        """Select and centre the strike nearest ``price`` in the shown expiration."""
        strikes = self.model.strikes
        if len(strikes) and not strikes[0] <= price <= strikes[-1]:
            self.strike_range.setCurrentIndex(len(RANGES) - 1)  # widen so the price is listed
            strikes = self.model.strikes
        if not len(strikes):
            return
        row = int(np.argmin(np.abs(strikes - price)))
        self._focus_paused_follow |= self.follow_atm.isChecked()
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

    # -- the contract menu ----------------------------------------------------------------------
    def context_menu(self, index: QModelIndex) -> QMenu | None:
        """The right-click menu of a cell (built, not shown); None off a contract or with nothing to offer."""
        side = self.model.field_at(index.column())[0] if index.isValid() else "strike"
        contract = self.model.contract_symbol(index.row(), side)
        if contract is None:
            return None
        occ = parse_option_symbol(contract)
        name = f"{occ.root} {occ.expiry:%b %d} {occ.strike:g} {'call' if occ.is_call else 'put'}"
        menu = QMenu(self)
        if self.can_open():
            menu.addAction(f"Buy to open {name}…", lambda: self.open_requested.emit(contract, 1))
            menu.addAction(f"Sell to open {name}…", lambda: self.open_requested.emit(contract, -1))
            menu.addSeparator()
        underlying = self._chain.underlying if self._chain is not None else occ.root
        question = f"What does the {name} on {underlying} say: gamma, IV, open interest?"
        added = self.symbol_actions.add_to(menu, Subject(underlying, occ.strike, "strike", question), skip=("chain",))
        return menu if added or self.can_open() else None

    def _menu_at(self, pos: QPoint) -> None:
        menu = self.context_menu(self.table.indexAt(pos))
        if menu is not None:
            menu.popup(self.table.viewport().mapToGlobal(pos))

    # -- internals ----------------------------------------------------------------------------
    def _forget_symbol(self) -> None:
        """Another underlying: nothing of the previous one stays (its selected or focused
        strike, a "Follow ATM" paused for its focus); the new chain opens at the money."""
        self.table.clearSelection()
        self.model.clear()
        if self._focus_paused_follow:
            self.follow_atm.setChecked(True)
        self._focus_paused_follow = False

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
        rows = chain.rows_of(choice.expiry, choice.root)
        width = RANGES[self.strike_range.currentIndex()][1]
        if width is not None and len(rows):
            strikes = np.unique(chain.strike[rows])
            centre = int(np.argmin(np.abs(strikes - self._spot)))
            lo, hi = strikes[max(0, centre - width)], strikes[min(len(strikes) - 1, centre + width)]
            rows = rows[(chain.strike[rows] >= lo) & (chain.strike[rows] <= hi)]
        selected = self._selected_strike()
        same = self.model.show_rows(chain, greeks, rows, self._spot)
        self.columns.fit(grow_only=same)
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
