"""The earnings analysis view's work: a symbol's analysis from ``EarningsAnalysisService`` (the
newest request wins: a slow answer for the symbol clicked before never replaces the one clicked
last), and the strategy cards' intents — the chain near the idea's strike (the symbol made
active), a new position with the idea's legs, an alert prefilled at a break-even."""

from __future__ import annotations

from PySide6.QtCore import QObject

from app.core.earnings.analysis import EarningsAnalysisService
from app.core.positions.service import PositionsService
from app.core.workspace import Workspace
from app.ui.intents import FocusContract, PrefillAlert, ShowChainNear, ShowPosition
from app.ui.panel_host import PanelHost
from app.ui.panels.options_feed import NewestView
from widgets.earnings.analysis_view import EarningsAnalysisView


class EarningsAnalysisController(QObject):
    def __init__(self, host: PanelHost, view: EarningsAnalysisView) -> None:
        super().__init__(view)
        self.host, self.view = host, view
        self.symbol: str | None = None
        self._answers = NewestView(host, view.show_analysis, view.show_reason)
        view.open_chain_requested.connect(self.open_chain)
        view.add_position_requested.connect(self.add_position)
        view.alert_requested.connect(self.alert)
        view.scenario_requested.connect(self.scenario)

    def service(self) -> EarningsAnalysisService:
        return self.host.engine.service(EarningsAnalysisService)

    def show_symbol(self, symbol: str, *, force: bool = False) -> None:
        """Ask for ``symbol``'s analysis; only the newest request's answer is shown."""
        self.symbol = symbol
        self._answers.request(lambda: self.service().analysis(symbol, force=force))

    def refresh(self) -> None:
        if self.symbol:
            self.show_symbol(self.symbol, force=True)

    def scenario(self, name: str, kind: str, value: float) -> None:
        """The selected idea's grid with the trader's own IV drop (``kind``: points or fraction)."""
        analysis = self.view.analysis
        if analysis is None:
            return

        async def run() -> None:
            drop = {"points": value} if kind == "points" else {"fraction": value}
            self.view.show_crush(name, await self.service().crush(analysis, name, **drop))

        self.host.run(run(), self.view.show_message)

    def open_chain(self, symbol: str, expiry, strike: float) -> None:
        workspace = self.host.engine.service(Workspace)

        async def run() -> None:
            if workspace.active_symbol != symbol:
                await workspace.set_active_symbol(symbol)
                self.host.intents.request(ShowChainNear(symbol, strike))  # focused once its chain arrives
            else:
                self.host.intents.request(FocusContract(expiry, strike))

        self.host.run(run(), self.view.show_message)

    def add_position(self, legs) -> None:
        legs = tuple(legs)
        if not legs:
            return

        async def run() -> None:
            record = await self.host.engine.service(PositionsService).open(legs[0].underlying, legs, source="earnings")
            self.view.show_message(f"Added {record.strategy} on {record.underlying} (priced at mids; see Positions).")
            self.host.intents.request(ShowPosition(record.id))

        self.host.run(run(), self.view.show_message)

    def alert(self, symbol: str, price: float) -> None:
        if not self.host.intents.request(PrefillAlert(symbol, "crosses", price, "earnings")):
            self.view.show_message("Open the Alerts panel to set alerts.")
