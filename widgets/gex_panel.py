"""GEX profile: exposure per strike (net, or calls and puts), total and regime, flip, walls.

A pure view over an ``analytics.gex.GexProfile``. The sign convention is the user's choice,
labelled in full; switching it re-signs the profile (``with_convention``) without
recomputing. "Exclude 0DTE" asks the app (``exclude_0dte_changed``) for a profile without
today's expiry, which it then hands in like any other. Units are dollars of delta hedged per
1 % move. "Show on chart" asks the app to draw the flip and walls on the price chart
(``levels_changed``), and again after each update. Right-clicking a bar (or a level's line) offers
the shared symbol actions at that strike (or level).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QMenu, QVBoxLayout, QWidget

from data.dollars import compact_dollars
from widgets.compact_axis import CompactAxis
from widgets.empty_state import EmptyState
from widgets.flow_layout import flow_row
from widgets.gex_labels import stack_labels
from widgets.symbol_actions import Subject, SymbolActions

if TYPE_CHECKING:  # analytics imports SciPy; the panel is handed finished profiles
    from analytics.gex import GexProfile

CONVENTIONS = ("calls +, puts − (dealers long calls, short puts)", "calls −, puts + (dealers short calls, long puts)")
VIEWS = ("Net", "Calls and puts")
WINDOWS = (("±5 %", 0.05), ("±10 %", 0.10), ("±20 %", 0.20))
COLORS = {"call": "#26a69a", "put": "#ef5350", "net_pos": "#4caf50", "net_neg": "#e57373", "spot": "#f6c343",
          "flip": "#c77dff", "call_wall": "#26a69a", "put_wall": "#ef5350"}
# The level colours on the light theme: the dark theme's yellow spot and light purple flip
# were hard to read on white.
LIGHT_COLORS = COLORS | {"spot": "#8a6300", "flip": "#7b2cbf", "call_wall": "#00796b", "put_wall": "#c62828"}
LABEL_FILL = {"dark": (0, 0, 0, 170), "light": (255, 255, 255, 200)}  # text stays legible over bars
LEVELS = (("spot", "Spot"), ("flip", "Flip"), ("call_wall", "Call wall"), ("put_wall", "Put wall"))
LEVEL_GRAB_PX = 4  # a right-click this close to a level's line is about the level, not the bar under it


def money(value: float) -> str:
    """$1.23B / $45.6M / $789K, signed — the coach's GEX card writes it the same way."""
    return compact_dollars(value)


def price(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


class GexPanel(QWidget):
    levels_changed = Signal(object)  # {"flip": price | None, "call_wall": …, "put_wall": …} or None to clear
    exclude_0dte_changed = Signal(bool)  # the app recomputes the profile without today's expiry
    theme = "dark"  # the level colours' theme (set_theme; the palette tells it)

    def __init__(self) -> None:
        super().__init__()
        self.profile: GexProfile | None = None  # as shown (the chosen convention)
        self._base: GexProfile | None = None
        self.convention = _convention_box()
        self.view = QComboBox()
        self.view.addItems(VIEWS)
        self.window_box = QComboBox()
        self.window_box.addItems([w for w, _ in WINDOWS])
        self.window_box.setCurrentIndex(1)
        self.show_on_chart = QCheckBox("Show on chart")
        self.exclude_0dte = QCheckBox("Exclude 0DTE")
        self.exclude_0dte.setToolTip("Profile, total, flip and walls without today's expiry, whose gamma "
                                     "near the money swamps the rest late in the day")
        self.symbol = QLabel("—")
        self.regime = QLabel("—")
        self.regime.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.total, self.flip, self.call_wall, self.put_wall, self.abs_gamma = (QLabel("—") for _ in range(5))
        self.units = QLabel("GEX in $ of delta hedged per 1 % move")
        self.status = QLabel("Waiting for the option chain…")
        self.status.setWordWrap(True)
        self.plot = _profile_plot()
        self.plot.scene().sigMouseClicked.connect(self._click)
        self.symbol_actions = SymbolActions(self)
        self._symbol: str | None = None
        self._bars: list[pg.BarGraphItem] = []
        self._bar_colors: tuple[str, ...] = ()
        self._lines: dict[str, pg.InfiniteLine] = {}
        self._labels: dict[str, pg.TextItem] = {}
        self._lay_out()
        self._settled = False
        self.convention.currentIndexChanged.connect(lambda _i: self._render())
        self.view.currentIndexChanged.connect(lambda _i: self._render())
        self.window_box.currentIndexChanged.connect(lambda _i: self._render())
        self.show_on_chart.toggled.connect(lambda _on: self._emit_levels())
        self.exclude_0dte.toggled.connect(self.exclude_0dte_changed.emit)
        self.plot.getViewBox().sigResized.connect(lambda _vb: self._layout_labels())
        self.plot.getViewBox().sigRangeChanged.connect(lambda *_a: self._layout_labels())

    def _lay_out(self) -> None:
        top = self.header = flow_row(self.symbol, self.regime, QLabel("View"), self.view, QLabel("Strikes"),
                                     self.window_box, self.exclude_0dte, self.show_on_chart,
                                     stretch_after=1)  # (wraps when narrow)
        facts = flow_row(*(_fact(name, label) for name, label in (
            ("Total", self.total), ("Flip", self.flip), ("Call wall", self.call_wall),
            ("Put wall", self.put_wall), ("Abs-gamma strike", self.abs_gamma))))
        conv = QHBoxLayout()
        conv.addWidget(QLabel("Sign convention"))
        conv.addWidget(self.convention, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(top)
        layout.addWidget(facts)
        self.empty = EmptyState(self.plot, layout)  # the plot, or why there is none
        layout.addLayout(conv)
        layout.addWidget(self.units)
        layout.addWidget(self.status)

    def set_exclude_0dte(self, on: bool) -> None:
        """Show the saved choice without asking for a recompute (the app applies it itself)."""
        self.exclude_0dte.blockSignals(True)
        self.exclude_0dte.setChecked(on)
        self.exclude_0dte.blockSignals(False)

    def is_ready(self) -> bool:
        return self._settled

    # -- input --------------------------------------------------------------------------------
    def set_profile(self, symbol: str, profile: GexProfile, note: str = "") -> None:
        self.empty.show_view()
        self._base, self._symbol = profile, symbol
        self.symbol.setText(f"<b>{symbol}</b>  {profile.spot:,.2f}")
        self.status.setText(f"{profile.contracts_used:,} contracts with open interest" + (f" · {note}" if note
                                                                                            else ""))
        self._render()
        self._settled = True

    def set_unavailable(self, symbol: str, reason: str) -> None:
        self.empty.show_reason(reason)
        self._base = self.profile = self._symbol = None
        self.symbol.setText(f"<b>{symbol}</b>")
        for label in (self.regime, self.total, self.flip, self.call_wall, self.put_wall, self.abs_gamma):
            label.setText("—")
        self.regime.setStyleSheet("")
        self._clear_plot()
        self.status.setText(reason)
        self._settled = True
        self._emit_levels()

    # -- rendering ----------------------------------------------------------------------------
    def _render(self) -> None:
        if self._base is None:
            return
        from analytics.gex import GexConvention, with_convention  # loaded by now (the service used it)

        convention = list(GexConvention)[self.convention.currentIndex()]
        p = self.profile = with_convention(self._base, convention)
        positive = p.total >= 0
        self.regime.setText(p.regime.upper())
        style = (f"padding: 2px 8px; border-radius: 4px; color: black; background: "
                 f"{COLORS['net_pos'] if positive else COLORS['net_neg']}")
        if self.regime.styleSheet() != style:  # (setting one re-polishes the label: only on a change of regime)
            self.regime.setStyleSheet(style)
        self.total.setText(money(p.total))
        self.flip.setText(price(p.flip) if p.flip is not None else p.flip_note)
        self.call_wall.setText(price(p.call_wall))
        self.put_wall.setText(price(p.put_wall))
        self.abs_gamma.setText(price(p.abs_gamma_strike))
        self._draw(p)
        self._emit_levels()

    def shown_strikes(self) -> np.ndarray:
        """Mask over ``profile.by_strike`` of the strikes inside the chosen window around spot."""
        p = self.profile
        width = WINDOWS[self.window_box.currentIndex()][1]
        return np.abs(p.by_strike.strike / p.spot - 1.0) <= width

    def _clear_plot(self) -> None:
        for item in self._bars:
            item.setOpts(x=np.empty(0), height=np.empty(0))
        for item in (*self._lines.values(), *self._labels.values()):
            item.hide()

    def _bar_items(self, colors: tuple[str, ...]) -> list[pg.BarGraphItem]:
        """Bar items reused across updates (re-adding items to the scene costs more than new data)."""
        if self._bar_colors != colors:
            for item in self._bars:
                self.plot.removeItem(item)
            self._bars = [pg.BarGraphItem(x=np.empty(0), height=np.empty(0), width=1.0, brush=c, pen=None)
                          for c in colors]
            for item in self._bars:
                self.plot.addItem(item)
            self._bar_colors = colors
        return self._bars

    def _line(self, key: str) -> pg.InfiniteLine:
        if key not in self._lines:
            self._lines[key] = pg.InfiniteLine(0.0, angle=90)
            self._labels[key] = pg.TextItem("", anchor=(0, 0))
            self.plot.addItem(self._lines[key])
            self.plot.addItem(self._labels[key], ignoreBounds=True)
            self._color_level(key)
        return self._lines[key]

    def _color_level(self, key: str) -> None:
        color = (LIGHT_COLORS if self.theme == "light" else COLORS)[key]
        self._lines[key].setPen(pg.mkPen(color, width=1, style=Qt.PenStyle.DashLine))
        self._labels[key].setColor(color)
        self._labels[key].fill = pg.mkBrush(LABEL_FILL[self.theme])
        self._labels[key].update()

    def set_theme(self, theme: str) -> None:
        """Level lines and labels in ``theme``'s colours ("light" or "dark")."""
        self.theme = "light" if theme == "light" else "dark"
        for key in self._lines:
            self._color_level(key)

    def changeEvent(self, event: QEvent) -> None:
        # The app's theme switch sets the palette: a light window means the light plot colours.
        if event.type() == QEvent.Type.PaletteChange:
            self.set_theme("light" if self.palette().window().color().lightness() > 128 else "dark")
        super().changeEvent(event)

    def _draw(self, p: GexProfile) -> None:
        b, shown = p.by_strike, self.shown_strikes()
        strikes = b.strike[shown]
        width = float(np.min(np.diff(strikes))) * 0.8 if len(strikes) > 1 else 1.0
        if self.view.currentIndex() == 0:
            net = b.net[shown]
            # one item per colour: a brush per bar costs milliseconds per update
            pos, neg = self._bar_items((COLORS["net_pos"], COLORS["net_neg"]))
            pos.setOpts(x=strikes[net >= 0], height=net[net >= 0], width=width)
            neg.setOpts(x=strikes[net < 0], height=net[net < 0], width=width)
        else:
            calls, puts = self._bar_items((COLORS["call"], COLORS["put"]))
            calls.setOpts(x=strikes, height=b.call[shown], width=width)
            puts.setOpts(x=strikes, height=b.put[shown], width=width)
        for key, label in LEVELS:
            line, value = self._line(key), getattr(p, key)
            line.setVisible(value is not None)
            if value is not None:
                line.setValue(value)
                self._labels[key].setText(f"{label} {value:,.2f}" if key == "spot" else f"{label} {value:,.0f}")
        x_range = [float(strikes[0]) - width, float(strikes[-1]) + width] if len(strikes) else None
        if x_range is not None and x_range != self.plot.getViewBox().viewRange()[0]:
            self.plot.setXRange(*x_range, padding=0)  # (a new range re-lays the labels itself)
        else:
            self._layout_labels()

    def _layout_labels(self) -> None:
        p = self.profile
        stack_labels(self.plot.getViewBox(), [(self._labels[key], getattr(p, key) if p is not None else None)
                                              for key in self._labels])

    # -- the right-click menu -----------------------------------------------------------------
    def subject_at(self, x: float, pixel: float) -> Subject | None:
        """What a right-click at strike axis value ``x`` is about: a level whose line lies within
        ``LEVEL_GRAB_PX`` (``pixel``: the axis units of one pixel), else the shown strike whose bar
        covers ``x``; None off both."""
        p = self.profile
        if p is None or self._symbol is None:
            return None
        for key, label in (("flip", "GEX flip"), ("call_wall", "call wall"), ("put_wall", "put wall")):
            value = getattr(p, key)
            if value is not None and abs(value - x) <= LEVEL_GRAB_PX * pixel:
                return Subject(self._symbol, float(value), label)
        strikes = p.by_strike.strike[self.shown_strikes()]
        if not len(strikes):
            return None
        i = int(np.argmin(np.abs(strikes - x)))
        half = (float(np.min(np.diff(strikes))) * 0.4) if len(strikes) > 1 else 0.5
        if abs(float(strikes[i]) - x) > half:
            return None
        return Subject(self._symbol, float(strikes[i]), "strike")

    def context_menu(self, subject: Subject) -> QMenu | None:
        """The menu for ``subject`` (built, not shown): the shared actions, and a reset of the strike view."""
        menu = QMenu(self)
        self.symbol_actions.add_to(menu, subject)
        menu.addSeparator()
        menu.addAction("Reset view", self._render)
        return menu

    def _click(self, event) -> None:
        if event.button() != Qt.MouseButton.RightButton:
            return
        view = self.plot.getViewBox()
        point = view.mapSceneToView(event.scenePos())
        one_pixel = abs(view.mapSceneToView(event.scenePos() + QPointF(1, 0)).x() - point.x())
        subject = self.subject_at(point.x(), one_pixel)
        menu = self.context_menu(subject) if subject is not None else None
        if menu is not None:
            event.accept()
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # (one per right-click)
            menu.popup(event.screenPos().toPoint())

    def _emit_levels(self) -> None:
        p = self.profile
        if not self.show_on_chart.isChecked() or p is None:
            self.levels_changed.emit(None)
            return
        self.levels_changed.emit({"flip": p.flip, "call_wall": p.call_wall, "put_wall": p.put_wall})


def _profile_plot() -> pg.PlotWidget:
    # right-click: the bar's or level's actions (GexPanel.context_menu), not pyqtgraph's menu
    plot = pg.PlotWidget(axisItems={"left": CompactAxis("left", prefix="$")}, enableMenu=False)
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.setLabel("bottom", "Strike")
    plot.setLabel("left", "GEX per 1 %")  # (the longer title was clipped on a short plot)
    plot.setMouseEnabled(x=True, y=False)
    return plot


def _convention_box() -> QComboBox:
    box = QComboBox()
    box.addItems(CONVENTIONS)
    # (its long choices must not set the panel's minimum width; the open list shows them whole)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(16)
    return box


def _fact(name: str, value: QLabel) -> QWidget:
    """A named figure: the name over the value in bold (a unit of the wrapping facts row)."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 12, 0)
    column.setSpacing(0)
    column.addWidget(QLabel(name))
    column.addWidget(value)
    value.setStyleSheet("font-weight: bold")
    return box

