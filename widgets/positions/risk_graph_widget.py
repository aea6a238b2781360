"""A position's risk graph: P&L across the underlying's price today, at expiry and at a chosen
date, with an IV shift; break-evens, the current spot and the 1σ expected-move band marked.

A pure view over an ``analytics.risk_graph.RiskGraph`` (computed by the app off the GUI thread):
the plot items are made once and updated with ``setData``. Changing the band, the date or the IV
shift emits ``params_changed``; the app recomputes and hands the new graph in.
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from widgets.compact_axis import CompactAxis
from widgets.empty_state import EmptyState
from widgets.numbers import price
from widgets.positions.cells import loss_text, unlimited

if TYPE_CHECKING:
    from analytics.risk_graph import RiskGraph

# mid-tones that read on the dark and the light theme's plot background; the expiry line takes the
# palette's text colour (white on dark, black on light)
COLORS = {"today": "#3d8fe6", "expiry": "#d0d4da", "date": "#e8862a", "spot": "#d4a017", "be": "#a066e0",
          "band": (92, 157, 237, 40), "zero": "#6b7078"}


class RiskGraphWidget(QWidget):
    params_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.graph: RiskGraph | None = None
        self.span = QSpinBox(minimum=1, maximum=60, value=10, suffix=" %", prefix="±")
        self.span.setToolTip("Range of the underlying's price around the current spot")
        self.use_date = QCheckBox("At date")
        self.use_date.setToolTip("Add a line for the P&L at the close of a chosen day before expiry")
        self.date = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.date.setEnabled(False)
        self.iv_shift = QDoubleSpinBox(minimum=-50.0, maximum=50.0, singleStep=1.0, decimals=1, suffix=" vol pts")
        self.iv_shift.setToolTip("What if every leg's IV moved by this many volatility points (5 turns 20 % into 25 %)")
        self.summary = QLabel("")
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widens the panel
        self.plot = pg.PlotWidget(axisItems={"left": CompactAxis("left", prefix="$")})
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setLabel("bottom", "Underlying price")
        self.plot.setMouseEnabled(x=False, y=False)
        self.legend = self.plot.addLegend(offset=(8, 8))
        self._make_items()
        self.empty = self._layout()
        self.empty.show_reason("Select an open position to see its risk graph.")
        for box in (self.span, self.iv_shift):
            box.valueChanged.connect(lambda _v: self.params_changed.emit())
        self.date.dateChanged.connect(lambda _d: self.params_changed.emit())
        self.use_date.toggled.connect(self._date_toggled)

    def _make_items(self) -> None:
        self.band = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(COLORS["band"]), pen=pg.mkPen(None))
        self.band.setZValue(-10)
        self.plot.addItem(self.band)
        self.zero = pg.InfiniteLine(0.0, angle=0, pen=pg.mkPen(COLORS["zero"], width=1))
        self.spot_line = pg.InfiniteLine(0.0, angle=90, pen=pg.mkPen(COLORS["spot"], width=1),
                                         label="spot", labelOpts={"position": 0.95, "color": COLORS["spot"]})
        self.plot.addItem(self.zero, ignoreBounds=True)
        self.plot.addItem(self.spot_line, ignoreBounds=True)
        self.curves = {
            "expiry": self.plot.plot(pen=pg.mkPen(COLORS["expiry"], width=2), name="At expiry"),
            "today": self.plot.plot(pen=pg.mkPen(COLORS["today"], width=2), name="Today"),
            "date": self.plot.plot(pen=pg.mkPen(COLORS["date"], width=2, style=Qt.PenStyle.DashLine)),
        }
        self._dated_in_legend = False
        self.break_even_lines: list[pg.InfiniteLine] = []

    def _layout(self) -> EmptyState:
        controls = QHBoxLayout()
        for widget in (QLabel("Range"), self.span, self.use_date, self.date, QLabel("IV shift"), self.iv_shift):
            controls.addWidget(widget)
        controls.addWidget(self.summary, 1)  # beside the controls: the plot keeps the height
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        return EmptyState(self.plot, layout)

    def _date_toggled(self, on: bool) -> None:
        self.date.setEnabled(on)
        self.params_changed.emit()

    # -- what the app asks for and hands in ---------------------------------------------------
    def wanted(self) -> tuple[float, date | None, float]:
        """(spot band as a fraction, the chosen date or None, IV shift in vol points)."""
        chosen = self.date.date().toPython() if self.use_date.isChecked() else None
        return self.span.value() / 100.0, chosen, float(self.iv_shift.value())

    def set_date_range(self, first: date, last: date | None) -> None:
        """The days a chosen date can be: after today, before the front expiry."""
        self.date.blockSignals(True)
        self.date.setMinimumDate(QDate(first))
        if last is not None and last >= first:
            self.date.setMaximumDate(QDate(last))
        self.date.blockSignals(False)
        has_room = last is not None and last >= first
        self.use_date.setEnabled(has_room)
        self.use_date.setToolTip("" if has_room else "No whole day left before the front expiry")

    def show_reason(self, reason: str) -> None:
        self.graph = None
        self.summary.setText("")
        self.empty.show_reason(reason)

    def show_graph(self, graph: RiskGraph) -> None:
        self.graph = graph
        self.empty.show_view()
        rows = graph.pnl
        self.curves["expiry"].setPen(pg.mkPen(self.palette().color(QPalette.ColorRole.WindowText), width=2))
        self.curves["today"].setData(graph.spots, rows[0])
        self.curves["expiry"].setData(graph.spots, rows[-1] if len(rows) > 1 else np.empty(0))
        dated = len(rows) > 2
        self.curves["date"].setData(graph.spots, rows[1] if dated else np.empty(0))
        self._legend_date(f"{graph.times[1]:%b %d} close" if dated else None)
        self.spot_line.setValue(graph.spot)
        low, high = graph.band
        self.band.setVisible(math.isfinite(low))
        if math.isfinite(low):
            self.band.setRegion((low, high))
        self._break_evens(graph.break_evens)
        self.plot.setXRange(float(graph.spots[0]), float(graph.spots[-1]), padding=0)
        self.summary.setText(summary_text(graph))
        self.summary.setToolTip(full_text(graph))

    def _legend_date(self, name: str | None) -> None:
        """The dashed line is in the legend only while it is drawn, under its date."""
        if self._dated_in_legend:
            self.legend.removeItem(self.curves["date"])
        self._dated_in_legend = name is not None
        if name is not None:
            self.legend.addItem(self.curves["date"], name)

    def _break_evens(self, levels: tuple[float, ...]) -> None:
        while len(self.break_even_lines) < len(levels):
            outward = [(1, 1), (1, 1)] if len(self.break_even_lines) % 2 == 0 else [(0, 1), (0, 1)]
            line = pg.InfiniteLine(0.0, angle=90, pen=pg.mkPen(COLORS["be"], width=1, style=Qt.PenStyle.DotLine),
                                   label="", labelOpts={"position": 0.06, "color": COLORS["be"], "anchors": outward})
            self.plot.addItem(line, ignoreBounds=True)
            self.break_even_lines.append(line)
        for i, line in enumerate(self.break_even_lines):
            line.setVisible(i < len(levels))
            if i < len(levels):
                line.setValue(levels[i])
                line.label.setFormat(f"BE {price(levels[i])}")


def summary_text(graph: RiskGraph) -> str:
    """What only the graph tells (the detail beside it has the break-evens and max P/L): the 1σ
    band, the IV shift, the probability of profit at those IVs."""
    low, high = graph.band
    band = f"1σ {price(low)} – {price(high)}" if math.isfinite(low) else "no 1σ band (no IV)"
    shift = f" · IV {graph.iv_shift:+.1f} vol pts" if graph.iv_shift else ""
    pop = f" · PoP {100 * graph.probability_of_profit:.0f} %" if math.isfinite(graph.probability_of_profit) else ""
    unknown = "" if np.isfinite(graph.today).any() else " · today's line unknown: a leg has no IV"
    return f"{band}{shift}{pop}{unknown}"


def full_text(graph: RiskGraph) -> str:
    bes = ", ".join(price(b) for b in graph.break_evens) or "none"
    return (f"Spot {price(graph.spot)} · break-evens {bes} · max profit {unlimited(graph.max_profit[0])} · "
            f"max loss {loss_text(graph.max_loss[0])} · {summary_text(graph)}")
