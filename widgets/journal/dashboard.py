"""The Journal dashboard: statistics, equity curve, daily P&L calendar, recent trades and a
breakdown, over the trades chosen by date range and instrument. A breakdown row or a day of the
calendar asks for its trades (``trades_requested``: ids, a title)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from analytics.journal_stats import JournalStats
from analytics.journal_trades import Trade
from widgets.compact_axis import CompactAxis
from widgets.empty_state import EmptyState
from widgets.journal import cells
from widgets.journal.dashboard_data import BREAKDOWNS, DashboardView, summarize
from widgets.journal.filters import Criteria, FilterBar
from widgets.journal.heatmap import DailyHeatmap
from widgets.numbers import MISSING, percent
from widgets.read_only_table import ReadOnlyTable

STATS = (("Closed trades", "trades"), ("Win rate", "win_rate"), ("Net P&L", "net_pnl"),
         ("Profit factor", "profit_factor"), ("Expectancy / trade", "expectancy"), ("Average win", "average_win"),
         ("Average loss", "average_loss"), ("Average R", "average_r"), ("Largest win", "largest_win"),
         ("Largest loss", "largest_loss"), ("Max drawdown", "max_drawdown"), ("Fees", "fees"),
         ("Win streak", "longest_win_streak"), ("Loss streak", "longest_loss_streak"))
TIPS = {"win_rate": "Wins / (wins + losses); scratches (|net| < $1) are left out",
        "profit_factor": "Net of wins / |net of losses|; scratches in neither",
        "expectancy": "Average net per closed trade, scratches included",
        "max_drawdown": "Largest fall of the cumulative closed-trade net P&L from a running peak",
        "average_r": "Mean R over the trades with a risk (planned stop or the risk-per-trade preference)"}


def stat_text(s: JournalStats, attr: str) -> str:
    value = getattr(s, attr)
    if attr == "trades":
        return f"{s.trades:,} ({s.wins} W / {s.losses} L / {s.scratches} scratch)"
    if attr == "win_rate":
        return percent(value)
    if attr == "profit_factor":
        return "∞" if value == math.inf else MISSING if math.isnan(value) else f"{value:.2f}"
    if attr == "average_r":
        return cells.r_multiple(value)
    if attr.startswith("longest"):
        return f"{value}"
    if attr == "max_drawdown":
        return cells.money(-value) if value else "$0.00"
    return cells.money(value)


class JournalDashboard(QWidget):
    trades_requested = Signal(object, str)  # trade ids, what they are

    def __init__(self, now: Callable[[], datetime | None] | None = None) -> None:
        super().__init__()
        self.trades: list[Trade] = []
        self.view: DashboardView | None = None
        self.compute: Callable[[Sequence[Trade], Criteria, str], None] = self._compute_here
        self.filters = FilterBar(dimensions=("symbol", "setup", "tag"), now=now)
        self.breakdown_key = QComboBox()
        for key, label in BREAKDOWNS:
            self.breakdown_key.addItem(f"By {label.lower()}", key)
        self.values = {attr: QLabel(MISSING) for _, attr in STATS}
        self.equity = pg.PlotWidget(axisItems={"left": CompactAxis("left", prefix="$")}, enableMenu=False)
        self.equity.showGrid(x=False, y=True, alpha=0.2)
        self.equity.addItem(pg.InfiniteLine(0.0, angle=0, pen=pg.mkPen((128, 128, 128), width=1)))
        self.equity.getAxis("bottom").setLabel("closed trade #")
        self.equity.getAxis("left").setWidth(56)  # "−$1.5K" fits from the first paint (else its labels drop)
        self.curve = self.equity.plot(pen=pg.mkPen("#3d8fe6", width=2))
        self.heatmap = DailyHeatmap()
        self.recent = ReadOnlyTable(("Closed (ET)", "Symbol", "Instrument", "Net P&L", "R", "Setup"))
        self.groups = ReadOnlyTable(("Group", "Trades", "Win rate", "Net P&L", "Profit factor", "Expectancy"))
        self.groups.setToolTip("Click a row for its trades in the Journal")
        self._layout()
        self.filters.changed.connect(self.refresh)
        self.breakdown_key.currentIndexChanged.connect(self.refresh)
        self.groups.cellClicked.connect(self._group_clicked)
        self.heatmap.day_clicked.connect(self._day_clicked)
        self.set_trades([])

    def _layout(self) -> None:
        grid = QGridLayout()
        for i, (label, attr) in enumerate(STATS):
            name = QLabel(label)
            name.setToolTip(TIPS.get(attr, ""))
            grid.addWidget(name, i // 2, (i % 2) * 2)
            grid.addWidget(self.values[attr], i // 2, (i % 2) * 2 + 1)
        plots = QSplitter()
        for title, w in (("Equity (cumulative net P&L)", self.equity),
                         ("Daily P&L, last 12 months (click a day)", self.heatmap)):
            holder = QWidget()
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(QLabel(title))
            box.addWidget(w, 1)
            plots.addWidget(holder)
        tables = QSplitter()
        for title, w in ((None, self.groups), ("Recent trades", self.recent)):
            holder = QWidget()
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(self.breakdown_key if title is None else QLabel(title))
            box.addWidget(w, 1)
            tables.addWidget(holder)
        body = QWidget()
        content = QVBoxLayout(body)
        content.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addLayout(grid)
        top.addWidget(plots, 1)
        content.addLayout(top, 1)
        content.addWidget(tables, 1)
        scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        scroll.setWidget(body)  # a short dock scrolls instead of pushing the window past the screen
        main = QVBoxLayout(self)
        main.addWidget(self.filters)
        self.empty = EmptyState(scroll, main)

    def set_trades(self, trades: Sequence[Trade]) -> None:
        self.trades = list(trades)
        self.filters.set_choices(self.trades)
        self.refresh()

    def refresh(self) -> None:
        self.compute(self.trades, self.filters.criteria(), self.breakdown_key.currentData())

    def _compute_here(self, trades: Sequence[Trade], criteria: Criteria, key: str) -> None:
        self.show_view(summarize(trades, criteria, key))

    def show_view(self, view: DashboardView) -> None:
        self.view = view
        s = view.stats
        if not s.trades:
            self.empty.show_reason("No closed trades yet. Import a broker export in the Journal panel."
                                   if not self.trades else "No closed trades in this period or instrument.")
            return
        self.empty.show_view()
        for _, attr in STATS:
            self.values[attr].setText(stat_text(s, attr))
            color = cells.pnl_color(getattr(s, attr)) if attr in ("net_pnl", "expectancy") else None
            self.values[attr].setStyleSheet(f"color: {color};" if color else "")
        self.curve.setData(np.arange(len(s.equity) + 1, dtype=float), np.concatenate([[0.0], s.equity]))
        self.heatmap.set_days(s.daily_pnl)
        self.groups.set_rows([(g.label, f"{g.trades:,}", percent(g.win_rate), cells.money(g.net_pnl),
                               stat_text_pf(g.profit_factor), cells.money(g.expectancy)) for g in view.groups])
        self.recent.set_rows([(cells.et_time(t.closed_at), t.symbol, cells.INSTRUMENTS.get(t.instrument, ""),
                               cells.money(t.net_pnl), cells.r_multiple(t.r_multiple), t.setup or "")
                              for t in view.recent])

    def show_error(self, message: str) -> None:
        self.empty.show_reason(f"Could not read the journal: {message}")

    def _group_clicked(self, row: int, _column: int) -> None:
        if self.view is not None and row < len(self.view.groups):
            group = self.view.groups[row]
            label = dict(BREAKDOWNS)[self.view.key].lower()
            self.trades_requested.emit(group.trade_ids, f"{label} {group.label}")

    def _day_clicked(self, day) -> None:
        if self.view is not None and day in self.view.day_ids:
            self.trades_requested.emit(self.view.day_ids[day], f"closed {day:%a %Y-%m-%d}")


def stat_text_pf(value: float) -> str:
    return "∞" if value == math.inf else MISSING if math.isnan(value) else f"{value:.2f}"
