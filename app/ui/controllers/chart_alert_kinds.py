"""The chart menu's alerts beyond a price: crossing the session VWAP, crossing a key level by name
(the levels the chart shows), and a percent move from the prior close — set for the chart's symbol
through the alerts service (so they share the trigger history, notifications and repeat rules)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF
from PySide6.QtWidgets import QMenu

from app.ui.panel_host import PanelHost
from data.store.records import (
    EM_USED,
    IV_RANK_ABOVE,
    IV_RANK_BELOW,
    KEY_LEVELS,
    LEVEL_CROSS,
    OPTION_LEVEL_TITLES,
    PCT_MOVE,
    VWAP_CROSS,
)
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
        if self._options_symbol():
            self._options_entries(more)

    def _options_symbol(self) -> bool:
        """The options analytics are made for the active symbol's chain only."""
        from app.core.workspace import Workspace

        return self.host.engine.started and self.host.engine.service(Workspace).active_symbol == self.panel.symbol

    def _options_entries(self, more: QMenu) -> None:
        more.addSeparator()
        for name, title in OPTION_LEVEL_TITLES.items():
            more.addAction(f"When price crosses {title}", lambda n=name: self.create(LEVEL_CROSS, 0.0, level=n))
        used = more.addMenu("When today's expected move used reaches")
        for pct in (50.0, 80.0, 100.0):
            used.addAction(f"{pct:g} %", lambda p=pct: self.create(EM_USED, p))
        rank = more.addMenu("When the IV rank")
        rank.addAction("rises to 70 or above", lambda: self.create(IV_RANK_ABOVE, 70.0))
        rank.addAction("falls to 30 or below", lambda: self.create(IV_RANK_BELOW, 30.0))

    def create(self, condition: str, price: float, **beyond_level) -> None:
        from app.core.alerts import AlertsService

        symbol = self.panel.symbol
        shown = price or (self.panel.last_bar()[4] if self.panel.bar_count else 0.0)  # a level alert lists at it
        # (a threshold alert's price is its threshold: percent used, IV rank)

        async def run() -> None:
            alert = await self.host.engine.service(AlertsService).create(
                symbol, condition, max(shown, 0.01), source="chart", **beyond_level)
            self.panel.status.setText(f"Alert set: {alert.symbol} {alert.describe()}")

        self.host.run(run(), self.panel.status.setText)
