"""The mouse on the chart: crosshair, the readout of the bar under it, the cursor's price on
the axis, double-click back to the latest bars, and the right-click menu of price actions (and "Save chart
to trade…", which leaves as ``journal_requested``)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMenu

from widgets.chart.levels import round_to_tick

if TYPE_CHECKING:
    from widgets.chart.chart_panel import ChartPanel

MOUSE_RATE_HZ = 30
# label, ChartOverlays field, palette colour (the line's)
READOUT_OVERLAYS = (("EMA 8", "ema8", "ema8"), ("EMA 21", "ema21", "ema21"), ("VWAP", "vwap", "vwap"),
                    ("RSI", "rsi", "rsi"), ("MACD", "macd", "macd"))


def _value(arr: np.ndarray | None, i: int) -> float | None:
    """The overlay at bar ``i``; a bar appended since the overlays were computed (they are
    recomputed at its close) shows the newest computed value rather than dropping it."""
    if arr is None or not len(arr):
        return None
    value = arr[min(i, len(arr) - 1)]
    return float(value) if np.isfinite(value) else None


class ChartInteraction(QObject):
    """Reads the panel's bars, panes and levels; user intents leave as the panel's signals (and
    this one's)."""

    journal_requested = Signal()  # "Save chart to trade…"
    coach_requested = Signal(str)  # "Ask the coach about …": the question

    def __init__(self, panel: ChartPanel) -> None:
        super().__init__(panel)
        self._panel = panel
        self._panes = panel.panes
        self.shown_readout = ""
        self._readout_html = " "
        scene = panel.layout_widget.scene()
        self._mouse_proxy = pg.SignalProxy(scene.sigMouseMoved, rateLimit=MOUSE_RATE_HZ, slot=self.on_mouse_moved)
        scene.sigMouseClicked.connect(self.on_click)
        # owners add entries for what is under the cursor (a drawing): ``extend(menu, scene_pos)``
        self.menu_extensions: list = []

    def readout_at(self, x: float) -> str:
        """The bar at ``x`` as plain text (" " off the bars)."""
        return "  ".join(text for text, _c in self.readout_parts(x)) or " "

    def readout_parts(self, x: float) -> list[tuple[str, str | None]]:
        """The bar at ``x``: time, OHLCV, then each indicator's value in its line's colour — the
        chart's legend (which line is which), as on trading platforms."""
        live, i = self._panel.live, round(x)
        if not 0 <= i < len(live):
            return []
        o, h, l, c, v = (float(live.column(name)[i]) for name in ("open", "high", "low", "close", "volume"))
        parts: list[tuple[str, str | None]] = [(f"{self._panes.time_axis.label_for(i)} ET", None)]
        parts += [(f"{k} {val:,.2f}", None) for k, val in (("O", o), ("H", h), ("L", l), ("C", c))]
        if v > 0 and self._panes.show_volume:
            parts.append((f"V {v:,.0f}", None))
        overlays, colors, shown = self._panel.overlays, self._panes.colors, self._panel.view_options.is_shown
        if overlays is not None:
            for label, name, color in READOUT_OVERLAYS:
                value = _value(getattr(overlays, name), i) if shown(name) else None  # (a hidden line: no value)
                if value is not None:
                    parts.append((f"{label} {value:,.2f}", colors[color]))
            high, low = _value(overlays.or_high, i), _value(overlays.or_low, i)
            if high is not None and low is not None and shown("or"):
                parts.append((f"OR {high:,.2f} / {low:,.2f}", colors["or"]))
        return parts

    def show_readout(self, x: float, later: bool = False) -> None:
        """The readout label shows the bar at ``x`` (the last bar when the mouse is off the chart);
        ``later``: ``shown_readout`` now, the label at the owner's call of ``apply_readout``."""
        parts = self.readout_parts(x)
        self.shown_readout = "  ".join(text for text, _c in parts)  # as plain text (tests read it)
        # non-breaking inside a value ("EMA 21 651.52"), so a narrow chart wraps between values
        html = []
        for text, color in parts:
            text = escape(text).replace(" ", "&nbsp;")
            html.append(f'<span style="color:{color}">{text}</span>' if color else text)
        self._readout_html = "&nbsp; ".join(html) or " "
        if not later:
            self.apply_readout()

    def apply_readout(self) -> None:
        if self._readout_html != self._panel.readout.text():  # refreshed with every live flush: only on a change
            self._panel.readout.setText(self._readout_html)

    def clear(self) -> None:
        """Nothing of the previous bars stays: cursor tag, crosshair, readout."""
        self._panes.cursor_tag.set(None)
        for line in (self._panes.v_cross, self._panes.h_cross):
            line.hide()
        self._readout_html = " "
        self.apply_readout()
        self.shown_readout = ""

    def on_mouse_moved(self, event: tuple) -> None:
        """Over any pane: the crosshair's time line and the readout of the bar under it; over the
        price pane also its price line and the price tag. Off the panes: the last bar's values."""
        pos, plot, panes = event[0], self._panes.price_plot, self._panes
        in_view = plot.vb.sceneBoundingRect().contains(pos)
        if not in_view:
            panes.cursor_tag.set(None)
        if not any(p.isVisible() and p.sceneBoundingRect().contains(pos) for p in panes.plots):
            panes.v_cross.hide()
            panes.h_cross.hide()
            self.show_readout(len(self._panel.live) - 1)
            return
        point = plot.vb.mapSceneToView(pos)
        panes.v_cross.setPos(point.x())
        panes.v_cross.show()
        panes.h_cross.setVisible(in_view)
        if in_view:  # the cursor's price on the axis, at the tick the context menu would use
            panes.h_cross.setPos(point.y())
            panes.cursor_tag.set(round_to_tick(point.y()), panes.colors["cursor"])
        self.show_readout(point.x())

    def on_click(self, event: MouseClickEvent) -> None:
        if event.double() and event.button() == Qt.MouseButton.LeftButton:
            self._panel.reset_view()
            return
        plot, scene_pos = self._panes.price_plot, event.scenePos()
        if event.button() != Qt.MouseButton.RightButton or not plot.sceneBoundingRect().contains(scene_pos):
            return
        menu = self.context_menu(plot.vb.mapSceneToView(scene_pos).y(), self._panel.levels.alert_near(scene_pos.y()))
        for extend in self.menu_extensions:
            extend(menu, scene_pos)
        event.accept()
        menu.popup(event.screenPos().toPoint())

    def context_menu(self, price: float, alert_key: str | None = None) -> QMenu:
        """The right-click menu at ``price`` (rounded to the tick); built, not shown."""
        panel = self._panel
        price = round_to_tick(price)
        menu = QMenu(panel)
        if alert_key is not None:
            menu.addAction("Remove this alert", lambda: panel.level_remove_requested.emit(alert_key))
            menu.addSeparator()
        menu.addAction(f"Alert when price crosses {price:,.2f}", lambda: panel.alert_requested.emit("crosses", price))
        menu.addAction(f"Alert above {price:,.2f}", lambda: panel.alert_requested.emit("above", price))
        menu.addAction(f"Alert below {price:,.2f}", lambda: panel.alert_requested.emit("below", price))
        # Only what the app can do: the owner says which panels can take the request.
        if panel.can_request("alert"):
            menu.addAction(f"New alert at {price:,.2f}…", lambda: panel.alert_details_requested.emit(price))
        if panel.can_request("setup"):
            menu.addSeparator()
            menu.addAction("Track setup here…", lambda: panel.setup_requested.emit(price))
        if panel.can_request("chain"):
            menu.addSeparator()
            menu.addAction(f"Open options chain near {price:,.2f}", lambda: panel.chain_requested.emit(price))
        if panel.can_request("journal"):
            menu.addSeparator()
            menu.addAction("Save chart to trade…", self.journal_requested.emit)
        if panel.can_request("coach"):
            symbol = panel.symbol
            question = f"What matters for {symbol} around {price:,.2f}: levels, gamma, today's expected move?"
            menu.addSeparator()
            menu.addAction(f"Ask the coach about {symbol} at {price:,.2f}",
                           lambda: self.coach_requested.emit(question))
        return menu
