"""A symbol's earnings analysis: the next report and its implied move, past reactions (a table and
a bar plot with the implied-move band), strategy cards and the IV-crush heatmap of the selected
card. A pure view: ``show_analysis`` takes the service's record (``EarningsAnalysis``, read by its
attributes), ``show_reason`` says why there is none; the cards' buttons emit intents."""

from __future__ import annotations

import math
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from widgets.empty_state import EmptyState
from widgets.journal.heatmap import GAIN, LOSS
from widgets.numbers import MISSING, price, signed, strike
from widgets.read_only_table import ReadOnlyTable

ET = ZoneInfo("America/New_York")
FLAT = (128, 128, 128)
HISTORY_COLUMNS = ("Report", "Timing", "Gap", "Close", "Implied then", "Exceeded?")
TIMING = {"amc": "after close", "bmo": "before open", "unknown": "unknown"}


# -- text ---------------------------------------------------------------------------------------
def pct(value: float | None, decimals: int = 2, plus: bool = True) -> str:
    """"+5.98%", "−1.33%", "0.00%" (never "-0.00%")."""
    if value is None or not math.isfinite(value):
        return MISSING
    text = signed(value, decimals)
    if plus and not text.startswith("-") and text.strip("0.,"):
        text = "+" + text
    return text.replace("-", "−") + "%"


def dollars(value: float | None) -> str:
    """"$1,234.50", "unlimited" for an unlimited risk or reward."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if math.isinf(value):
        return "unlimited"
    return "$" + signed(abs(value), 2) if abs(value) >= 0.005 else "$0.00"


def net_text(net: float) -> str:
    return f"{'Credit' if net < 0 else 'Debit'} {dollars(net)}"


def leg_text(leg) -> str:
    side = "Buy" if leg.quantity > 0 else "Sell"
    kind = "call" if leg.is_call else "put"
    return f"{side} {abs(leg.quantity)} {leg.expiry:%b %d} {strike(leg.strike)} {kind} @ {price(leg.open_price)}"


def header_text(a) -> str:
    """Next report, timing, the implied move both ways, the event move and post-event IV."""
    lines = []
    if a.event is not None:
        e = a.event
        when = TIMING.get(e.timing, e.timing)
        reaction = f" · reacts {a.reaction:%a %b %d}" if a.reaction else ""
        lines.append(f"<b>{a.symbol}</b> reports {e.report_date:%a %b %d, %Y} ({when}){reaction}")
    m = a.implied
    if m is not None:
        lines.append(f"Implied move ({m.expiry:%b %d}): straddle ±{dollars(m.straddle)} "
                     f"(±{pct(m.straddle_pct, 2, False)}) · 1σ from IV ±{dollars(m.one_sigma)} "
                     f"(±{pct(m.one_sigma_pct, 2, False)})")
    v = a.event_vol
    if v is not None and v.method == "term structure":
        lines.append(f"Event move ±{pct(v.move_pct, 2, False)} (term structure {v.expiry1:%b %d}/{v.expiry2:%b %d})"
                     f" · post-event IV {pct(100 * v.post_event_iv, 1, False)}"
                     f" (now {pct(100 * v.sigma1, 1, False)})")
    elif v is not None:
        lines.append(f"Event move ±{pct(v.move_pct, 2, False)} (straddle)")
    return "<br>".join(lines)


def history_rows(moves: Sequence) -> list[list[str]]:
    rows = []
    for m in moves:
        exceeded = MISSING if m.exceeded is None else ("yes" if m.exceeded else "no")
        timing = TIMING.get(m.timing, m.timing) + (" (assumed after close)" if m.assumed else "")
        rows.append([f"{m.report_date:%Y-%m-%d}", timing, pct(m.gap_pct), pct(m.close_pct),
                     pct(m.implied_pct, 2, False) if m.implied_pct is not None else MISSING, exceeded])
    return rows


def summary_text(s) -> str:
    if s is None or not s.count:
        return "No past reactions."
    text = (f"Last {s.count}: mean |move| {pct(s.mean_abs_close_pct, 2, False)}, median "
            f"{pct(s.median_abs_close_pct, 2, False)} (gap: mean {pct(s.mean_abs_gap_pct, 2, False)}), "
            f"{s.up} up / {s.count - s.up} down")
    if s.compared:
        text += f"; exceeded the implied move {s.exceeded} of {s.compared} ({s.basis})"
    return text


# -- widgets ------------------------------------------------------------------------------------
class StrategyCard(QFrame):
    selected = Signal(object)  # the idea
    open_chain = Signal(object)
    add_position = Signal(object)
    alert = Signal(float)

    def __init__(self, idea) -> None:
        super().__init__()
        self.idea = idea
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("strategyCard")
        box = QVBoxLayout(self)
        evens = ", ".join(price(b) for b in idea.break_evens) or MISSING
        self.title = QLabel(f"<b>{idea.name}</b> · {net_text(idea.net)}")
        self.details = QLabel("<br>".join([*(leg_text(leg) for leg in idea.legs),
                                           f"Max risk {dollars(idea.max_risk)} · max reward {dollars(idea.max_reward)}",
                                           f"Break-evens {evens}"]))
        self.details.setToolTip(idea.note)
        box.addWidget(self.title)
        box.addWidget(self.details)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, label in (("crush", "Crush"), ("chain", "Chain"), ("add", "Add position")):
            self.buttons[key] = b = QPushButton(label)
            buttons.addWidget(b)
        for be in idea.break_evens[:2]:
            self.buttons[f"alert {be}"] = b = QPushButton(f"Alert {price(be)}")
            b.clicked.connect(lambda _c=False, p=be: self.alert.emit(float(p)))
            buttons.addWidget(b)
        box.addLayout(buttons)
        self.buttons["crush"].clicked.connect(lambda: self.selected.emit(self.idea))
        self.buttons["chain"].clicked.connect(lambda: self.open_chain.emit(self.idea))
        self.buttons["add"].clicked.connect(lambda: self.add_position.emit(self.idea))

    def set_current(self, current: bool) -> None:
        self.setFrameShadow(QFrame.Shadow.Sunken if current else QFrame.Shadow.Raised)
        self.setLineWidth(2 if current else 1)


class MovesPlot(pg.PlotWidget):
    """Past close moves as bars (oldest left), the implied move as a band around 0."""

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.showGrid(x=False, y=True, alpha=0.2)
        self.getAxis("left").setLabel("close move %")
        self.band = pg.LinearRegionItem((0, 0), orientation="horizontal", movable=False,
                                        brush=pg.mkBrush(61, 143, 230, 50), pen=pg.mkPen(61, 143, 230, 120))
        self.band.setZValue(-10)
        self.addItem(self.band)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7)
        self.addItem(self.bars)

    def set_moves(self, moves: Sequence, implied_pct: float | None) -> None:
        shown = list(reversed(moves))
        heights = [m.close_pct for m in shown]
        brushes = [pg.mkBrush(*(GAIN if h > 0 else LOSS if h < 0 else FLAT)) for h in heights]
        self.bars.setOpts(x=list(range(len(shown))), height=heights, width=0.7, brushes=brushes)
        step = max(1, len(shown) // 8)
        self.getAxis("bottom").setTicks([[(i, f"{m.report_date:%b %y}") for i, m in enumerate(shown)][::step]])
        band = implied_pct if implied_pct is not None and math.isfinite(implied_pct) else 0.0
        self.band.setRegion((-band, band))
        self.band.setVisible(band > 0)


class CrushHeatmap(pg.PlotWidget):
    """P&L after the event: spot move (x, %) × IV scenario (rows), red a loss, green a gain."""

    def __init__(self) -> None:
        super().__init__(axisItems={"bottom": pg.AxisItem("bottom")}, enableMenu=False)
        self.grid = None
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.getAxis("bottom").setLabel("spot move %")
        self.getAxis("left").setWidth(150)  # the scenarios' names ("implied post-event IV")
        self.image = pg.ImageItem(axisOrder="col-major")
        self.addItem(self.image)
        colors = pg.ColorMap([0.0, 0.5, 1.0], [LOSS, FLAT, GAIN])
        self.image.setLookupTable(colors.getLookupTable(nPts=256))
        self.readout = QLabel(MISSING)
        self.scene().sigMouseMoved.connect(self._hover)

    def set_grid(self, grid) -> None:
        self.grid = grid
        if grid is None:
            self.image.clear()
            self.getAxis("left").setTicks([[]])
            self.readout.setText(MISSING)
            return
        self.image.setImage(self.shade(grid.pnl), levels=(-1.0, 1.0), autoLevels=False)
        moves = np.asarray(grid.moves_pct, float)
        step = float(moves[1] - moves[0]) if len(moves) > 1 else 1.0
        self.image.setRect(QRectF(moves[0] - step / 2, -0.5, step * len(moves), len(grid.scenarios)))
        self.getAxis("left").setTicks([[(i, s.label) for i, s in enumerate(grid.scenarios)]])
        self.readout.setText(f"Now: value {dollars(grid.value_now)}, P&L {self.money(grid.pnl_now)} "
                             f"· after: valued {grid.valued_at.astimezone(ET):%a %b %d %H:%M} ET (hover a cell)")

    @staticmethod
    def shade(pnl) -> np.ndarray:
        """−1 (the worst loss or gain's size, red) … +1 (green), by the square root of the size so
        a loss beside a far larger gain still shows."""
        values = np.nan_to_num(np.asarray(pnl, float))
        scale = float(np.max(np.abs(values))) or 1.0
        return np.sign(values) * np.sqrt(np.abs(values) / scale)

    @staticmethod
    def money(value: float) -> str:
        if not math.isfinite(value):
            return MISSING
        return ("−" if value < 0 and round(value, 2) else "+" if round(value, 2) else "") + dollars(abs(value))

    def cell(self, x: float, y: float) -> tuple[int, int] | None:
        g = self.grid
        if g is None:
            return None
        moves = np.asarray(g.moves_pct, float)
        i, k = int(np.argmin(np.abs(moves - x))), round(y)
        return (i, k) if 0 <= k < len(g.scenarios) else None

    def _hover(self, pos) -> None:
        point = self.getPlotItem().vb.mapSceneToView(pos)
        at = self.cell(point.x(), point.y())
        if at is None:
            return
        i, k = at
        g = self.grid
        self.readout.setText(f"Move {pct(float(g.moves_pct[i]))} ({price(float(g.spots[i]))}), "
                             f"{g.scenarios[k].label}: P&L {self.money(float(g.pnl[i, k]))}")


class EarningsAnalysisView(QWidget):
    open_chain_requested = Signal(str, object, float)  # symbol, expiry (date), strike
    add_position_requested = Signal(object)  # the idea's legs (analytics.positions.Leg tuple)
    alert_requested = Signal(str, float)  # symbol, price
    scenario_requested = Signal(str, str, float)  # idea name, "points" / "fraction", value

    def __init__(self) -> None:
        super().__init__()
        self.analysis = None
        self.cards: list[StrategyCard] = []
        self.selected: str | None = None
        self.grids: dict[str, object] = {}  # an idea's grid with the trader's own scenario
        self.drop = QDoubleSpinBox(decimals=2, minimum=0.0, maximum=200.0, value=15.0, singleStep=5.0)
        self.drop_kind = QComboBox()
        self.drop_kind.addItem("vol points off", "points")
        self.drop_kind.addItem("× today's IV", "fraction")
        self.drop_button = QPushButton("Add IV scenario")
        self.drop_kind.currentIndexChanged.connect(self._drop_kind_changed)
        self.drop_button.clicked.connect(self._ask_scenario)
        self.header = QLabel(MISSING, wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.notes = QLabel("", wordWrap=True)
        self.notes.setObjectName("earningsNotes")
        self.history = ReadOnlyTable(HISTORY_COLUMNS)
        self.summary = QLabel("", wordWrap=True)
        self.moves_plot = MovesPlot()
        self.crush = CrushHeatmap()
        self.crush_title = QLabel("IV crush")
        self.cards_box = QHBoxLayout()
        self._layout()

    def _layout(self) -> None:
        body = QWidget()
        col = QVBoxLayout(body)
        col.addWidget(self.header)
        col.addWidget(self.notes)
        top = QSplitter()
        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.summary)
        box.addWidget(self.history, 1)
        top.addWidget(left)
        top.addWidget(self.moves_plot)
        top.setSizes([560, 440])
        top.setMinimumHeight(240)  # a short dock scrolls the analysis instead of squeezing its parts
        col.addWidget(top, 2)
        cards = QWidget()
        cards.setLayout(self.cards_box)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(cards)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setMinimumHeight(170)
        col.addWidget(scroll, 1)
        crush = QGridLayout()
        own = QHBoxLayout()
        own.addWidget(self.crush_title, 1)
        for w in (QLabel("Your crush:"), self.drop, self.drop_kind, self.drop_button):
            own.addWidget(w)
        crush.addLayout(own, 0, 0)
        self.crush.setMinimumHeight(220)
        crush.addWidget(self.crush, 1, 0)
        crush.addWidget(self.crush.readout, 2, 0)
        col.addLayout(crush, 2)
        page = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        page.setWidget(body)
        page.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the text wraps to the dock
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.empty = EmptyState(page, outer)

    def show_reason(self, text: str) -> None:
        self.analysis = None
        self.empty.show_reason(text)

    def show_message(self, text: str) -> None:
        """A line under the header (an action's outcome), the analysis left as it is."""
        self.notes.setText(text)
        self.notes.setVisible(bool(text))

    def _drop_kind_changed(self) -> None:
        points = self.drop_kind.currentData() == "points"
        low, high, step, value = (0.0, 200.0, 5.0, 15.0) if points else (0.05, 1.0, 0.05, 0.6)
        self.drop.setRange(low, high)
        self.drop.setSingleStep(step)
        self.drop.setValue(value)

    def _ask_scenario(self) -> None:
        if self.selected:
            self.scenario_requested.emit(self.selected, self.drop_kind.currentData(), self.drop.value())

    def show_crush(self, name: str, grid) -> None:
        """Idea ``name``'s grid with the trader's scenario (shown now if it is the selected idea)."""
        self.grids[name] = grid
        if name == self.selected:
            self.select(name)

    def show_analysis(self, a) -> None:
        self.analysis = a
        self.grids = {}
        if a.event is None and not a.history and a.implied is None:
            self.show_reason(a.reason or f"No earnings data for {a.symbol}.")
            return
        self.empty.show_view()
        self.header.setText(header_text(a) or a.symbol)
        self.notes.setText(" ".join(filter(None, [a.reason, *a.notes])))
        self.notes.setVisible(bool(self.notes.text()))
        self.history.set_rows(history_rows(a.history))
        self.summary.setText(summary_text(a.summary))
        self.moves_plot.set_moves(a.history, a.implied.straddle_pct if a.implied else None)
        self._set_cards(a.ideas)
        keep = self.selected if any(i.name == self.selected for i in a.ideas) else None
        self.select(keep or (a.ideas[0].name if a.ideas else None))

    def _set_cards(self, ideas: Sequence) -> None:
        for card in self.cards:
            self.cards_box.removeWidget(card)
            card.deleteLater()
        self.cards = []
        for idea in ideas:
            card = StrategyCard(idea)
            card.selected.connect(lambda i: self.select(i.name))
            card.open_chain.connect(lambda i: self.open_chain_requested.emit(self.analysis.symbol, i.expiry, i.strike))
            card.add_position.connect(lambda i: self.add_position_requested.emit(tuple(i.legs)))
            card.alert.connect(lambda p: self.alert_requested.emit(self.analysis.symbol, p))
            self.cards_box.addWidget(card)
            self.cards.append(card)

    def select(self, name: str | None) -> None:
        """Show the crush grid of the idea called ``name`` (None: no grid)."""
        self.selected = name
        for card in self.cards:
            card.set_current(card.idea.name == name)
        grid = None
        if self.analysis is not None and name:
            grid = self.grids.get(name) or self.analysis.crush.get(name)
        self.crush.set_grid(grid)
        self.crush_title.setText(f"IV crush: {name}, P&L just after the report" if grid is not None
                                 else "IV crush: no strategy to simulate")
        self.drop_button.setEnabled(grid is not None)
