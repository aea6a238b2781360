"""The chart menu's alerts beyond a price: crossing the session VWAP, crossing a key level by name
(the levels the chart shows), and a percent move from the prior close — set for the chart's symbol
through the alerts service (so they share the trigger history, notifications and repeat rules)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF
from PySide6.QtWidgets import QMenu

from app.ui.panel_host import PanelHost
from data.store.records import KEY_LEVELS, LEVEL_CROSS, PCT_MOVE, VWAP_CROSS
from widgets.chart.chart_panel import ChartPanel

LEVEL_TITLES = {"PDH": "prior-day high", "PDL": "prior-day low", "PDC": "prior-day close", "PMH": "pre-market high",
                "PML": "pre-market low", "ORH": "opening-range high", "ORL": "opening-range low", "P": "pivot",
                "R1": "R1", "S1": "S1"}
PERCENTS = (1.0, 2.0, 3.0, 5.0)


class ChartAlertKinds(QObject):
    def __init__(self, host: PanelHost, panel: ChartPanel) -> None:
        super().__init__(panel)
        self.host, self.panel = host, panel
        panel.interaction.menu_extensions.append(self.menu_entries)

    def menu_entries(self, menu: QMenu, _scene_pos: QPointF) -> None:
        if not self.panel.symbol:
            return
        more = menu.addMenu("More alerts")
        more.addAction("When price crosses VWAP", lambda: self.create(VWAP_CROSS, 0.0))
        levels = more.addMenu("When price crosses a key level")
        for name in KEY_LEVELS:
            levels.addAction(f"{name} — {LEVEL_TITLES[name]}", lambda n=name: self.create(LEVEL_CROSS, 0.0, level=n))
        moves = more.addMenu("On a move from the prior close")
        for pct in PERCENTS:
            moves.addAction(f"{pct:g} % either way", lambda p=pct: self.create(PCT_MOVE, p))

    def create(self, condition: str, price: float, **beyond_level) -> None:
        from app.core.alerts import AlertsService

        symbol = self.panel.symbol
        shown = price or (self.panel.last_bar()[4] if self.panel.bar_count else 0.0)  # a level alert lists at it

        async def run() -> None:
            alert = await self.host.engine.service(AlertsService).create(
                symbol, condition, max(shown, 0.01), source="chart", **beyond_level)
            what = {VWAP_CROSS: "crosses VWAP", PCT_MOVE: f"moves {price:g} % from the prior close"}.get(
                condition, f"crosses {beyond_level.get('level', '')}")
            self.panel.status.setText(f"Alert set: {alert.symbol} {what}")

        self.host.run(run(), self.panel.status.setText)
