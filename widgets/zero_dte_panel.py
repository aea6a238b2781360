"""0DTE dashboard: today's expected move (at the open, used, remaining; straddle-implied and
1σ, labelled), a chosen contract's theta clock and gamma risk, and the most traded same-day
contracts. Outside regular hours it says why the numbers are frozen.

A pure view: ``show_summary`` gets the analytics summary; picking a contract emits
``contract_chosen(row)`` and the app answers with ``show_risk`` (gamma risk and theta clock).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from widgets import numbers
from widgets.read_only_table import ReadOnlyTable

if TYPE_CHECKING:
    from analytics.expected_move import GammaRisk, ThetaPoint
    from analytics.zero_dte import ZeroDteSummary
    from data.option_chain import OptionChain

TOP_COLUMNS = ("Contract", "Vol", "OI", "Mid", "IV", "Δ")
NO_TRADES = "No 0DTE contract has traded yet today: options trade from 09:30 ET."
NO_EXPIRY = "Nothing expires today for this symbol, so there is no 0DTE table."


def _pts(value: float) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:,.2f}"


class ZeroDtePanel(QWidget):
    contract_chosen = Signal(int)  # chain row of the picked contract: answer with show_risk
    _symbol: str | None = None  # whose numbers are shown: another one forgets the picked contract

    def __init__(self) -> None:
        super().__init__()
        self.summary: ZeroDteSummary | None = None
        self._chain: OptionChain | None = None
        self.symbol = QLabel("—")
        self.state = QLabel("")
        self.state.setWordWrap(True)
        names = ("Move priced at the open (1σ)", "Used so far", "Remaining (1σ to the close)",
                 "Straddle-implied (ATM straddle)", "1σ to the close (ATM IV)", "ATM IV")
        self.facts = {name: QLabel("—") for name in names}
        grid = QGridLayout()
        for i, (name, label) in enumerate(self.facts.items()):
            grid.addWidget(QLabel(name), (i // 3) * 2, i % 3)
            grid.addWidget(label, (i // 3) * 2 + 1, i % 3)
            label.setStyleSheet("font-weight: bold")
        self.contract = QComboBox()
        self.contract.setMinimumContentsLength(22)
        self.risk = QLabel("—")
        self.risk.setWordWrap(True)
        self.clock = pg.PlotWidget()
        self.clock.setLabel("left", "Value per share ($)")
        self.clock.setLabel("bottom", "Minutes to the close")
        self.clock.showGrid(x=True, y=True, alpha=0.15)
        self.clock.invertX(True)
        self.clock.getAxis("left").enableAutoSIPrefix(False)  # dollars, not "x0.001"
        self._clock_line = self.clock.plot([], [], pen=pg.mkPen("#f6c343", width=2))
        self.top = ReadOnlyTable(TOP_COLUMNS)
        head = self.header = QHBoxLayout()
        head.addWidget(self.symbol)
        head.addWidget(self.state, 1)
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Contract"))
        pick.addWidget(self.contract, 1)
        left = QVBoxLayout()
        left.addLayout(pick)
        left.addWidget(self.risk)
        left.addWidget(self.clock, 1)
        right = self._top_column()
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(head)
        layout.addLayout(grid)
        layout.addLayout(body, 1)
        self._rows: list[int] = []
        self._settled = False
        self.contract.currentIndexChanged.connect(self._on_contract)

    def _top_column(self) -> QVBoxLayout:
        """The most-traded table with a line saying why it is empty (it was blank before the open)."""
        self.top_note = QLabel("")
        self.top_note.setWordWrap(True)
        self.top_note.hide()
        right = QVBoxLayout()
        right.addWidget(QLabel("Most traded 0DTE contracts"))
        right.addWidget(self.top, 1)
        right.addWidget(self.top_note)
        return right

    def is_ready(self) -> bool:
        return self._settled

    # -- input --------------------------------------------------------------------------------
    def show_summary(self, symbol: str, spot: float, chain: OptionChain, summary: ZeroDteSummary | None,
                     greeks: object, market_note: str) -> None:
        self._settled = True
        if symbol != self._symbol:
            self._forget_contract()  # the previous symbol's pick and its risk card must not linger
        self._symbol = symbol
        self.symbol.setText(f"<b>{symbol}</b>  {spot:,.2f}")
        self.state.setText(market_note)
        self.summary, self._chain = summary, chain
        if summary is None:
            self._blank()
            return
        m, d = summary.move, summary.day
        self.facts["Move priced at the open (1σ)"].setText(f"±{_pts(d.at_open)}" if d else "before the open")
        self.facts["Used so far"].setText(f"{_pts(d.used)} ({100 * d.used_fraction:.0f} %)" if d else "—")
        self.facts["Remaining (1σ to the close)"].setText(f"±{_pts(d.remaining)}" if d else "—")
        self.facts["Straddle-implied (ATM straddle)"].setText(f"±{_pts(m.straddle)} at {numbers.strike(m.atm_strike)}")
        self.facts["1σ to the close (ATM IV)"].setText(f"±{_pts(m.one_sigma)}")
        self.facts["ATM IV"].setText(f"{100 * m.atm_iv:.1f} %" if math.isfinite(m.atm_iv) else "—")
        self._fill_contracts(chain, summary, spot)
        self._fill_top(chain, summary, greeks)

    def set_unavailable(self, symbol: str, reason: str) -> None:
        self._settled = True
        self._symbol = symbol
        self.symbol.setText(f"<b>{symbol}</b>")
        self.state.setText(reason)
        self.summary = None
        self._blank()

    # -- internals ----------------------------------------------------------------------------
    def _blank(self) -> None:
        for label in self.facts.values():
            label.setText("—")
        self._forget_contract()
        self.top.setRowCount(0)
        self._explain_top(NO_EXPIRY if self.summary is None else "")
        self.risk.setText("No same-day expiry." if self.summary is None else "")

    def _forget_contract(self) -> None:
        self.contract.blockSignals(True)
        self.contract.clear()
        self.contract.blockSignals(False)
        self._rows = []
        self.risk.setText("—")
        self._clock_line.setData([], [])

    def _fill_contracts(self, chain: OptionChain, summary: ZeroDteSummary, spot: float) -> None:
        rows = summary.rows
        near = rows[np.argsort(np.abs(chain.strike[rows] - spot), kind="stable")[:24]]
        near = near[np.lexsort((~chain.is_call[near], chain.strike[near]))]
        wanted = [int(i) for i in near]
        if wanted == self._rows:
            self._on_contract(self.contract.currentIndex())  # same list: refresh the numbers only
            return
        keep = self._rows[self.contract.currentIndex()] if 0 <= self.contract.currentIndex() < len(self._rows) else None
        self._rows = wanted
        self.contract.blockSignals(True)
        self.contract.clear()
        for i in wanted:
            side = "call" if chain.is_call[i] else "put"
            self.contract.addItem(f"{numbers.strike(chain.strike[i])} {side}  ({chain.symbol[i]})")
        atm_call = next((j for j, i in enumerate(wanted) if chain.is_call[i]
                         and chain.strike[i] == summary.move.atm_strike), 0)
        self.contract.setCurrentIndex(wanted.index(keep) if keep in wanted else atm_call)
        self.contract.blockSignals(False)
        self._on_contract(self.contract.currentIndex())

    def _on_contract(self, index: int) -> None:
        if 0 <= index < len(self._rows):
            self.contract_chosen.emit(self._rows[index])

    def show_risk(self, row: int, risk: GammaRisk, clock: Sequence[ThetaPoint]) -> None:
        """The picked contract's numbers (an answer for a contract no longer picked is ignored)."""
        index = self.contract.currentIndex()
        if not 0 <= index < len(self._rows) or self._rows[index] != row:
            return
        self.risk.setText(f"Δ {numbers.signed(risk.delta, 3)} · Γ {risk.gamma:.4f} · $Γ per 1 %: "
                          f"{risk.dollar_gamma:,.0f} per contract · leverage {risk.leverage:,.1f}× · "
                          f"θ {risk.theta_per_hour:,.3f} $/share per hour")
        close = clock[-1].time
        minutes = np.array([(close - p.time).total_seconds() / 60 for p in clock])
        self._clock_line.setData(minutes, np.array([p.value for p in clock]))

    def _fill_top(self, chain: OptionChain, summary: ZeroDteSummary, greeks: object) -> None:
        mid = chain.mid
        iv = greeks.iv if greeks is not None else chain.iv
        delta = greeks.delta if greeks is not None else chain.delta
        self.top.set_rows([
            (f"{numbers.strike(chain.strike[i])} {'C' if chain.is_call[i] else 'P'}", numbers.count(chain.volume[i]),
             numbers.count(chain.open_interest[i]), _pts(mid[i]), numbers.percent(iv[i]),
             numbers.signed(float(delta[i]), 3))  # far wings' Δ read "-0.00" at 2 decimals
            for i in summary.top_rows])
        self._explain_top(NO_TRADES if not summary.top_rows else "")

    def _explain_top(self, reason: str) -> None:
        self.top_note.setText(reason)
        self.top_note.setVisible(bool(reason))
