"""Strike × expiration heatmap: one image with a colour lookup table, four modes.

A pure view over ``analytics.heatmap.Heatmap`` grids: when the mode or the counts change it
emits ``view_changed`` and the app answers with ``show_grid`` (``wanted()`` says what to grid).
Hovering a cell shows the contract's numbers; clicking one inspects it (calls and puts at that
strike) with "Open in chain"; right-clicking one offers that and the shared symbol actions at its
strike; the mouse wheel changes how many strikes are shown (density).
"""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QPushButton, QSpinBox, QVBoxLayout, QWidget

from widgets import numbers
from widgets.compact_axis import compact_ticks
from widgets.empty_state import EmptyState
from widgets.flow_layout import flow_row
from widgets.symbol_actions import Subject, SymbolActions

if TYPE_CHECKING:
    from analytics.heatmap import Heatmap
    from data.option_chain import OptionChain

MODES = ("Volume", "Open interest", "IV", "GEX")
EMPTY_VOLUME = "No volume yet today — the session opens at 09:30 ET.\nChoose Open interest to see positions."
STRIKE_LIMITS = (10, 200)
CLICK_TO_INSPECT = "Click a cell to inspect it."


@lru_cache(maxsize=2)
def _lut(diverging: bool) -> np.ndarray:
    if diverging:  # GEX: red (negative) – dark – green (positive)
        cmap = pg.ColorMap([0.0, 0.5, 1.0], [(229, 57, 53), (30, 30, 34), (67, 160, 71)])
    else:
        cmap = pg.colormap.get("viridis")
    return cmap.getLookupTable(0.0, 1.0, 256)


def _cell_value(mode: str, value: float) -> str:
    """A cell's number in full ("17,580", "$-1,234,567"), never "1.758e+04"."""
    if mode == "IV":
        return numbers.percent(value)
    if mode == "GEX":  # as the scale writes it ("$205M", not "$162,799,463" beside a "$205M" scale)
        return numbers.compact_money(value)
    return numbers.count(value)


def _grid_plot() -> pg.PlotWidget:
    plot = pg.PlotWidget(enableMenu=False)  # right-click: the cell's actions (HeatmapPanel.context_menu)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.setLabel("bottom", "Strike")
    plot.invertY(True)
    return plot


class HeatmapPanel(QWidget):
    open_in_chain = Signal(object, float)  # expiry (date), strike
    view_changed = Signal()  # the mode or a count changed: a new grid is wanted (see ``wanted``)
    _symbol: str | None = None  # whose grid is shown: another one clears the inspector
    _greeks: object | None = None  # the shown chain's (its completed IV for the inspector)

    def __init__(self) -> None:
        super().__init__()
        self.grid: Heatmap | None = None
        self._chain: OptionChain | None = None
        self.mode = QComboBox()
        self.mode.addItems(MODES)
        self.expiries = QSpinBox(minimum=1, maximum=20, value=5, prefix="Expiries ")
        self.strikes = QSpinBox(minimum=STRIKE_LIMITS[0], maximum=STRIKE_LIMITS[1], value=50, singleStep=10,
                                prefix="Strikes ")
        self.symbol = QLabel("—")
        self.detail = QLabel(CLICK_TO_INSPECT)
        self.detail.setWordWrap(True)
        self.open_button = QPushButton("Open in chain")
        self.open_button.setEnabled(False)
        self.status = QLabel("Waiting for the option chain…")
        self.plot = _grid_plot()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.empty_note = pg.TextItem("", anchor=(0.5, 0.5), color="#e8eaed", fill=pg.mkBrush(0, 0, 0, 170))
        self.empty_note.hide()
        self.plot.addItem(self.empty_note, ignoreBounds=True)
        self._selected: tuple[date, float] | None = None  # the inspected cell
        self._ticks: dict[str, list[tuple[float, str]]] = {}  # each axis's, as last set
        top = self.header = flow_row(self.symbol, self.mode, self.expiries, self.strikes,
                                     stretch_after=0)  # (wraps when narrow)
        bottom = QHBoxLayout()
        bottom.addWidget(self.detail, 1)
        bottom.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(top)
        self.empty = EmptyState(self.plot, layout)  # the plot, or why there is none
        layout.addLayout(bottom)
        layout.addWidget(self.status)
        self._settled = False
        for signal in (self.mode.currentIndexChanged, self.expiries.valueChanged, self.strikes.valueChanged):
            signal.connect(lambda *_a: self.view_changed.emit())
        self.plot.scene().sigMouseMoved.connect(self._hover)
        self.plot.scene().sigMouseClicked.connect(self._click)
        self.open_button.clicked.connect(self._open)
        self.symbol_actions = SymbolActions(self)  # a cell's chart, alert, setup and coach at its strike

    def is_ready(self) -> bool:
        return self._settled

    # -- input --------------------------------------------------------------------------------
    def wanted(self) -> tuple[str, int, int]:
        """The grid the controls ask for: mode, expirations, strikes."""
        return MODES[self.mode.currentIndex()], self.expiries.value(), self.strikes.value()

    def show_grid(self, symbol: str, spot: float, chain: OptionChain, greeks: object, grid: Heatmap) -> None:
        """``grid`` of ``chain`` (its cells' rows point into it; ``greeks`` gives their IV)."""
        self.empty.show_view()
        if symbol != self._symbol:
            self._forget_cell()  # nothing of the previous symbol stays in the inspector or the hover
        self._symbol, self._chain, self._greeks = symbol, chain, greeks
        self.symbol.setText(f"<b>{symbol}</b>  {spot:,.2f}")
        self._settled = True
        if grid.values.size == 0:
            self.grid = None
            self.image.clear()
            self._forget_cell()
            self.status.setText("No expirations to show.")
            return
        self.grid = grid
        self._draw(grid)
        self._reinspect()

    def set_unavailable(self, symbol: str, reason: str) -> None:
        self.empty.show_reason(reason)
        self._chain = self.grid = None
        self._symbol = symbol
        self.symbol.setText(f"<b>{symbol}</b>")
        self.image.clear()
        self.status.setText(reason)
        self._forget_cell()
        self.detail.setText("")
        self._settled = True

    def _forget_cell(self) -> None:
        self._selected = None
        self.detail.setText(CLICK_TO_INSPECT)
        self.open_button.setEnabled(False)
        self.plot.setToolTip("")

    def _reinspect(self) -> None:
        """The inspected cell's numbers from the new grid (same symbol): kept fresh, or
        forgotten when its strike or expiration is no longer shown."""
        if self._selected is None or self.grid is None:
            return
        expiry, strike = self._selected
        rows = [i for i, d in enumerate(self.grid.expiries) if d == expiry]
        cols = np.flatnonzero(self.grid.strikes == strike)
        if rows and cols.size:
            self.detail.setText(self.describe(rows[0], int(cols[0])))
        else:
            self._forget_cell()

    # -- drawing ------------------------------------------------------------------------------
    def _draw(self, grid: Heatmap) -> None:
        values = grid.values
        finite = values[np.isfinite(values)]
        diverging = grid.mode.value == "GEX"
        if diverging:
            top = float(np.max(np.abs(finite))) if finite.size else 1.0
            lo, hi = -top or -1.0, top or 1.0
        else:
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
            hi = hi if hi > lo else lo + 1.0
        self.image.setLookupTable(_lut(diverging))
        self.image.setImage(np.nan_to_num(values, nan=lo), levels=(lo, hi), autoLevels=False)
        n_exp, n_strikes = values.shape
        self.image.setRect(0, 0, n_strikes, n_exp)
        self.plot.setXRange(0, n_strikes, padding=0)
        self.plot.setYRange(0, n_exp, padding=0)
        step = max(1, n_strikes // 10)
        self._set_ticks("bottom", [(i + 0.5, numbers.strike(grid.strikes[i])) for i in range(0, n_strikes, step)])
        self._set_ticks("left", [(i + 0.5, f"{d:%b %d}") for i, d in enumerate(grid.expiries)])
        name = {"IV": "IV %", "GEX": "GEX ($ per 1 % move, calls +, puts −)"}.get(
            grid.mode.value, f"{grid.mode.value} (contracts)")
        if grid.mode.value == "IV":
            low_text, high_text = numbers.percent(lo), numbers.percent(hi)
        elif diverging:
            low_text, high_text = numbers.compact_money(lo), numbers.compact_money(hi)
        else:
            low_text, high_text = compact_ticks([lo, hi], (hi - lo) / 10, "")
        empty = not (finite.size and np.any(finite != 0))  # (no scale to read on an all-zero grid)
        scale = "all zero" if empty else f"scale {low_text} … {high_text}"
        self.status.setText(f"{name} · {n_exp} expirations × {n_strikes} strikes · {scale}")
        self._explain_empty(grid, finite, n_strikes, n_exp)

    def _set_ticks(self, side: str, ticks: list[tuple[float, str]]) -> None:
        """New ticks only when they differ: setting them redraws the axis and re-lays the plot
        (a refresh of the same strikes and expirations keeps them)."""
        if self._ticks.get(side) != ticks:
            self._ticks[side] = ticks
            self.plot.getAxis(side).setTicks([ticks])

    def _explain_empty(self, grid: Heatmap, finite: np.ndarray, n_strikes: int, n_exp: int) -> None:
        """Say so on the plot when every cell is zero (volume before the open painted a solid block
        with "scale 0 … 1.0"); the choice of mode stays the trader's."""
        if finite.size and np.any(finite != 0):
            self.empty_note.hide()
            return
        text = (EMPTY_VOLUME if grid.mode.value == "Volume"
                else f"No {grid.mode.value.lower()} in these {n_exp} expirations")
        self.empty_note.setText(text)
        self.empty_note.setPos(n_strikes / 2, n_exp / 2)
        self.empty_note.show()

    def cell_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        if self.grid is None:
            return None
        p = self.plot.getViewBox().mapSceneToView(scene_pos)
        col, row = math.floor(p.x()), math.floor(p.y())
        n_exp, n_strikes = self.grid.values.shape
        return (row, col) if 0 <= row < n_exp and 0 <= col < n_strikes else None

    def describe(self, row: int, col: int) -> str:
        """The contract numbers of a cell (both sides at that strike and expiration)."""
        grid, chain = self.grid, self._chain
        expiry, strike = grid.expiries[row], float(grid.strikes[col])
        lines = [f"{grid.roots[row]} {expiry:%Y-%m-%d} strike {numbers.strike(strike)} — {grid.mode.value}: "
                 f"{_cell_value(grid.mode.value, float(grid.values[row, col]))}"]
        for side, name in ((0, "Call"), (1, "Put")):
            i = int(grid.rows[row, col, side])
            if i < 0 or chain is None:
                continue
            iv = self._greeks.iv[i] if self._greeks is not None else chain.iv[i]
            lines.append(f"{name}: bid {numbers.price(chain.bid[i])} ask {numbers.price(chain.ask[i])} · "
                         f"vol {numbers.count(chain.volume[i])} · OI {numbers.count(chain.open_interest[i])} · "
                         f"IV {numbers.percent(iv)}")
        return "\n".join(lines)

    def _hover(self, scene_pos: QPointF) -> None:
        cell = self.cell_at(scene_pos)
        self.plot.setToolTip("" if cell is None else self.describe(*cell))  # off the cells: no stale numbers

    def _click(self, event) -> None:
        cell = self.cell_at(event.scenePos())
        if cell is None:
            return
        self.inspect(*cell)
        if event.button() == Qt.MouseButton.RightButton:
            menu = self.context_menu(*cell)
            if menu is not None:
                menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # (one per right-click)
                event.accept()
                menu.popup(event.screenPos().toPoint())

    def context_menu(self, row: int, col: int) -> QMenu | None:
        """A cell's right-click menu (built, not shown): its contract in the chain, then the shared
        actions at its strike ("chain" is this menu's own entry, at the cell's expiration too)."""
        if self.grid is None or self._symbol is None:
            return None
        expiry, strike = self.grid.expiries[row], float(self.grid.strikes[col])
        menu = QMenu(self)
        menu.addAction(f"Open in chain: {expiry:%b %d} strike {numbers.strike(strike)}",
                       lambda: self.open_in_chain.emit(expiry, strike))
        menu.addSeparator()
        question = (f"What do the {expiry:%b %d} {numbers.strike(strike)} options of {self._symbol} say: "
                    f"{self.grid.mode.value.lower()}, gamma, implied volatility?")
        self.symbol_actions.add_to(menu, Subject(self._symbol, strike, "strike", question), skip=("chain",))
        return menu

    def inspect(self, row: int, col: int) -> None:
        self._selected = (self.grid.expiries[row], float(self.grid.strikes[col]))
        self.detail.setText(self.describe(row, col))
        self.open_button.setEnabled(True)

    def _open(self) -> None:
        if self._selected is not None:
            self.open_in_chain.emit(*self._selected)

    def wheelEvent(self, event) -> None:
        """Wheel: strike density — fewer strikes (zoom in) up, more down."""
        steps = event.angleDelta().y() / 120
        if steps:
            self.strikes.setValue(int(self.strikes.value() - 10 * steps))
            event.accept()
