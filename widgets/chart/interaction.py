"""The mouse on the chart: crosshair, the readout of the bar under it, the cursor's price on
the axis, double-click back to the latest bars, and the right-click menu of price actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from widgets.chart.levels import round_to_tick
from widgets.chart.palette import COLORS

if TYPE_CHECKING:
    from widgets.chart.chart_panel import ChartPanel

MOUSE_RATE_HZ = 30
READOUT_OVERLAYS = (("EMA8", "ema8"), ("EMA21", "ema21"), ("VWAP", "vwap"), ("RSI", "rsi"), ("MACD", "macd"))


class ChartInteraction:
    """Reads the panel's bars, panes and levels; user intents leave as the panel's signals."""

    def __init__(self, panel: ChartPanel) -> None:
        self._panel = panel
        self._panes = panel.panes
        scene = panel.layout_widget.scene()
        self._mouse_proxy = pg.SignalProxy(scene.sigMouseMoved, rateLimit=MOUSE_RATE_HZ, slot=self.on_mouse_moved)
        scene.sigMouseClicked.connect(self.on_click)

    def readout_at(self, x: float) -> str:
        live, i = self._panel.live, round(x)
        if not 0 <= i < len(live):
            return " "
        o, h, l, c, v = (float(live.column(name)[i]) for name in ("open", "high", "low", "close", "volume"))
        parts = [f"{self._panes.time_axis.label_for(i)} ET", f"O {o:,.2f}", f"H {h:,.2f}", f"L {l:,.2f}",
                 f"C {c:,.2f}"]
        if v > 0:
            parts.append(f"V {v:,.0f}")
        overlays = self._panel.overlays
        if overlays is not None:
            for label, name in READOUT_OVERLAYS:
                arr = getattr(overlays, name)
                if i < len(arr) and np.isfinite(arr[i]):
                    parts.append(f"{label} {arr[i]:,.2f}")
        return "  ".join(parts)

    def on_mouse_moved(self, event: tuple) -> None:
        pos, plot, panes = event[0], self._panes.price_plot, self._panes
        in_view = plot.vb.sceneBoundingRect().contains(pos)
        if not in_view:
            panes.cursor_tag.set(None)
        if not plot.sceneBoundingRect().contains(pos):
            return
        point = plot.vb.mapSceneToView(pos)
        panes.v_cross.setPos(point.x())
        panes.h_cross.setPos(point.y())
        if in_view:  # the cursor's price on the axis, at the tick the context menu would use
            panes.cursor_tag.set(round_to_tick(point.y()), COLORS["cursor"])
        self._panel.readout.setText(self.readout_at(point.x()))

    def on_click(self, event: MouseClickEvent) -> None:
        if event.double() and event.button() == Qt.MouseButton.LeftButton:
            self._panel.reset_view()
            return
        plot, scene_pos = self._panes.price_plot, event.scenePos()
        if event.button() != Qt.MouseButton.RightButton or not plot.sceneBoundingRect().contains(scene_pos):
            return
        menu = self.context_menu(plot.vb.mapSceneToView(scene_pos).y(), self._panel.levels.alert_near(scene_pos.y()))
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
        if panel.can_request("chain"):
            menu.addSeparator()
            menu.addAction(f"Open options chain near {price:,.2f}", lambda: panel.chain_requested.emit(price))
        return menu
