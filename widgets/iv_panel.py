"""IV intelligence: IV rank and percentile (saying when a proxy stands in), 25Δ/10Δ skew per
expiry with a plain-language read, and the term structure with its shape.

A pure view: ``show_summary`` gets ``analytics.iv_summary.IvSummary`` and ``show_rank`` an
``analytics.volatility.IvRank`` (or None with the reason).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from widgets.read_only_table import ReadOnlyTable

if TYPE_CHECKING:
    from analytics.iv_summary import IvSummary
    from analytics.volatility import IvRank

# Risk reversals as traders quote them: call IV − put IV at the same |Δ| (negative when puts are
# bid); analytics' skew is put − call, which the panel showed as "25Δ RR +3.2".
SKEW_COLUMNS = ("Expiry", "Days", "ATM IV", "25Δ put", "25Δ call", "25Δ RR (C−P)", "10Δ RR (C−P)", "Read")


def _pct(value: float | None) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{100 * value:.1f} %"


class IvPanel(QWidget):
    _symbol: str | None = None  # whose numbers are shown: another one clears the rank until its own arrives
    def __init__(self) -> None:
        super().__init__()
        self.summary: IvSummary | None = None
        self.symbol = QLabel("—")
        self.atm = QLabel("—")
        self.rank = QLabel("—")
        self.percentile = QLabel("—")
        self.basis = QLabel("")
        self.basis.setWordWrap(True)
        self.shape = QLabel("—")
        self.shape.setWordWrap(True)
        facts = QGridLayout()
        for col, (name, label) in enumerate((("30-day ATM IV", self.atm), ("IV rank", self.rank),
                                             ("IV percentile", self.percentile), ("Term structure", self.shape))):
            facts.addWidget(QLabel(name), 0, col)
            facts.addWidget(label, 1, col)
            label.setStyleSheet("font-weight: bold")
        self.term = pg.PlotWidget()
        self.term.setLabel("bottom", "Days to expiry")
        self.term.setLabel("left", "ATM IV (%)")
        self.term.showGrid(x=True, y=True, alpha=0.15)
        self.term.getAxis("left").enableAutoSIPrefix(False)
        self._term_line = self.term.plot([], [], pen=pg.mkPen("#5b9cf6", width=2), symbol="o", symbolSize=5,
                                         symbolBrush="#5b9cf6")
        self.skews = ReadOnlyTable(SKEW_COLUMNS, stretch_last=True)
        self.status = QLabel("Waiting for the option chain…")
        self.status.setWordWrap(True)
        head = self.header = QHBoxLayout()
        head.addWidget(self.symbol)
        head.addWidget(self.basis, 1)
        body = QHBoxLayout()
        body.addWidget(self.term, 2)
        body.addWidget(self.skews, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(head)
        layout.addLayout(facts)
        layout.addLayout(body, 1)
        layout.addWidget(self.status)
        self._settled = False

    def is_ready(self) -> bool:
        return self._settled

    def show_summary(self, symbol: str, summary: IvSummary, note: str = "") -> None:
        self._settled = True
        if symbol != self._symbol:
            self.show_rank(None, 0, "")  # the previous symbol's rank must not sit beside these numbers
        self._symbol = symbol
        self.summary = summary
        self.symbol.setText(f"<b>{symbol}</b>")
        self.atm.setText(_pct(summary.atm_30d))
        term = summary.term
        steep = f", {term.steepness:+.1f} vol pts per 30 days" if math.isfinite(term.steepness) else ""
        self.shape.setText({"contango": "Contango (longer dates richer)", "backwardation":
                            "Backwardation (near dates richer: stress or an event)", "flat": "Flat",
                            "n/a": "Not enough expiries"}[term.shape] + steep)
        days = np.array([p.T * 365 for p in term.points])
        ivs = np.array([100 * p.atm_iv for p in term.points])
        self._term_line.setData(days, ivs)
        self.skews.set_rows([
            (f"{point.expiry:%b %d '%y}", f"{point.T * 365:.0f}", _pct(point.atm_iv),
             _pct(s25.put_iv) if s25 else "—", _pct(s25.call_iv) if s25 else "—",
             _risk_reversal(s25), _risk_reversal(s10),
             s25.reading if s25 else "wings not quoted")
            for (s25, s10), point in zip(summary.skews, term.points, strict=False)])
        self.status.setText("RR = call IV − put IV at the same |Δ|, in vol points: negative when puts are bid."
                            + (f" {note}" if note else ""))

    def show_rank(self, rank: IvRank | None, stored_days: int, reason: str = "") -> None:
        if rank is None:
            self.rank.setText("—")
            self.percentile.setText("—")
            self.basis.setText(reason)
            return
        self.rank.setText(f"{rank.rank:.0f}")
        self.percentile.setText(f"{rank.percentile:.0f}")
        if rank.basis == "implied volatility":
            self.basis.setText(f"Rank and percentile over {rank.sessions} stored days of 30-day ATM IV.")
        else:
            self.basis.setText(f"Proxy: rank and percentile against {rank.sessions} days of 20-day historical "
                               f"volatility, until 60 days of IV are stored ({stored_days} so far).")

    def set_unavailable(self, symbol: str, reason: str) -> None:
        self._settled = True
        self._symbol = symbol
        self.summary = None
        self.symbol.setText(f"<b>{symbol}</b>")
        for label in (self.atm, self.rank, self.percentile, self.shape):
            label.setText("—")
        self.basis.setText("")
        self._term_line.setData([], [])
        self.skews.setRowCount(0)
        self.status.setText(reason)


def _risk_reversal(skew: object | None) -> str:
    """Call IV − put IV in vol points, signed ("−3.2" when puts are richer), never "-0.0"."""
    if skew is None:
        return "—"
    value = round(-skew.risk_reversal, 1) + 0.0
    return f"{value:+.1f}"
