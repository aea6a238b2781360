"""How the chart's height is shared: the price pane takes what the indicator panes (RSI, MACD)
leave, as on trading platforms; each indicator pane has a share of the height, dragged with the
handle above it and remembered as a preference ("rsi:0.14,macd:0.16").

The panes stay in one pyqtgraph scene (one paint per frame); the handles are thin rows of the
same layout. Heights are set in pixels from the shares on every resize, so the share holds at
any window size — Qt's stretch factors bend to the panes' size hints and left the price pane
~100 px of 1280×800.
"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter

DEFAULT_SHARES = {"rsi": 0.14, "macd": 0.16}
MIN_PANE_PX = 30  # an indicator pane never gets thinner (it would show nothing)
MIN_PRICE_SHARE = 0.55  # indicator panes shrink before the price pane goes below this
MAX_SHARE = 0.4
HANDLE_PX = 5


def parse_shares(text: str) -> dict[str, float]:
    """Shares from their preference text; unknown names and bad numbers are ignored."""
    shares = dict(DEFAULT_SHARES)
    for part in (text or "").split(","):
        name, _, value = part.partition(":")
        try:
            share = float(value)
        except ValueError:
            continue
        if name.strip() in shares and 0.0 < share <= MAX_SHARE:
            shares[name.strip()] = share
    return shares


def format_shares(shares: dict[str, float]) -> str:
    return ",".join(f"{name}:{share:.3f}" for name, share in shares.items())


def pane_heights(total: float, fixed: float, wanted: dict[str, float]) -> dict[str, float]:
    """Pixel heights of the shown indicator panes (``wanted``: name -> share of ``total``);
    ``fixed`` px (time axis, handles) are not the panes'. They shrink together when they would
    leave the price pane less than ``MIN_PRICE_SHARE`` of the total."""
    heights = {name: max(MIN_PANE_PX, share * total) for name, share in wanted.items()}
    room = total * (1 - MIN_PRICE_SHARE) - fixed
    used = sum(heights.values())
    if used > room > 0:
        heights = {name: max(MIN_PANE_PX, h * room / used) for name, h in heights.items()}
    return heights


class PaneHandle(pg.GraphicsWidget):
    """A thin bar above an indicator pane; dragging it moves the pane's top edge."""

    def __init__(self, name: str, on_drag: Callable[[str, float, bool], None]) -> None:
        super().__init__()
        self.name = name
        self._on_drag = on_drag
        self.setFixedHeight(HANDLE_PX)
        self.setCursor(Qt.CursorShape.SplitVCursor)
        self.setToolTip("Drag to resize")
        self.color = QColor("#3a4049")  # set_theme changes it

    def paint(self, p: QPainter, *_args: object) -> None:
        # an opaque 1-px fill: an alpha-blended line across the pane cost 0.25 ms a frame
        r: QRectF = self.boundingRect()
        p.fillRect(QRectF(r.left(), round(r.center().y()), r.width(), 1), self.color)

    def mouseDragEvent(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        self._on_drag(self.name, ev.lastScenePos().y() - ev.scenePos().y(), ev.isFinish())


class PaneLayout:
    """Owns the rows of the panes' layout: price (stretch), then handle + pane per indicator,
    then the time axis."""

    def __init__(self, layout_widget: pg.GraphicsLayoutWidget, price: pg.PlotItem,
                 indicators: dict[str, pg.PlotItem], time_axis: pg.AxisItem) -> None:
        self._lw, self._price, self._panes, self._axis = layout_widget, price, indicators, time_axis
        self.shares = dict(DEFAULT_SHARES)
        self.on_changed: Callable[[str], None] = lambda _text: None  # a drag ended: the new shares
        ci = layout_widget.ci
        ci.layout.setSpacing(0)
        ci.setContentsMargins(0, 0, 0, 0)
        ci.addItem(price, row=0, col=0, colspan=2)
        self.handles: dict[str, PaneHandle] = {}
        for row, (name, plot) in enumerate(indicators.items()):
            self.handles[name] = handle = PaneHandle(name, self._dragged)
            ci.addItem(handle, row=1 + 2 * row, col=0, colspan=2)
            ci.addItem(plot, row=2 + 2 * row, col=0, colspan=2)
        # the time axis spans the panes' plot areas only (it maps its range onto its own width);
        # the corner under the price axes is an empty item as wide as they are
        ci.addItem(time_axis, row=1 + 2 * len(indicators), col=0)
        self._corner = pg.GraphicsWidget()
        self._corner.setMaximumHeight(0)  # as high as the axis beside it, no more
        ci.addItem(self._corner, row=1 + 2 * len(indicators), col=1)
        ci.layout.setRowStretchFactor(0, 1)
        ci.geometryChanged.connect(self.apply)

    def set_theme(self, dark: bool) -> None:
        for handle in self.handles.values():
            handle.color = QColor("#3a4049" if dark else "#c9ced6")
            handle.update()

    def set_axis_width(self, width: float) -> None:
        self._corner.setFixedWidth(width)

    def shown(self) -> dict[str, float]:
        return {name: self.shares[name] for name, plot in self._panes.items() if plot.isVisible()}

    def set_shares(self, text: str) -> None:
        self.shares = parse_shares(text)
        self.apply()

    def show_pane(self, name: str, on: bool) -> None:
        self._panes[name].setVisible(on)
        self.handles[name].setVisible(on)
        self.apply()

    def apply(self) -> None:
        total = self._lw.ci.geometry().height()
        if total <= 0:
            return
        shown = self.shown()
        fixed = self._axis.height() + HANDLE_PX * len(shown)
        heights = pane_heights(total, fixed, shown)
        for name, plot in self._panes.items():
            h = heights.get(name, 0.0)
            plot.setMinimumHeight(h)
            plot.setMaximumHeight(h)
            self.handles[name].setMaximumHeight(HANDLE_PX if name in heights else 0)
        self._price.setMinimumHeight(0)

    def _dragged(self, name: str, up_px: float, finished: bool) -> None:
        """The handle above ``name`` moved ``up_px`` up: that pane grows, the one above shrinks
        (the price pane, or the indicator pane above it)."""
        total = self._lw.ci.geometry().height()
        if total > 0 and up_px:
            names = list(self.shown())
            above = names[names.index(name) - 1] if names.index(name) > 0 else None
            grown = min(max(self.shares[name] + up_px / total, MIN_PANE_PX / total), MAX_SHARE)
            if above is None:  # it takes from the price pane, which keeps its minimum share
                others = sum(share for n, share in self.shown().items() if n != name)
                fixed = (self._axis.height() + HANDLE_PX * len(names)) / total
                grown = max(min(grown, 1 - MIN_PRICE_SHARE - fixed - others), MIN_PANE_PX / total)
            else:
                grown = min(grown, self.shares[name] + self.shares[above] - MIN_PANE_PX / total)
                self.shares[above] += self.shares[name] - grown
            self.shares[name] = grown
            self.apply()
        if finished:
            self.on_changed(format_shares(self.shares))
