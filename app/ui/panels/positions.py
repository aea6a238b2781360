"""Wire the Positions panel: the stored positions (``positions_changed``), the tracker's live
valuations (``positions_valued``), the actions (``controllers.positions``), the shared symbol
actions, "New position…" (``OpenPositionEntry``, when a panel does it) and ``ShowPosition``."""

from __future__ import annotations

from app.core.positions.service import PositionsService
from app.core.positions.tracker import PositionTrackerService
from app.core.positions.views import STALE_AFTER_S
from app.core.workspace import Workspace
from app.ui import symbol_actions
from app.ui.controllers.positions import PositionsController
from app.ui.intents import OpenPositionEntry, ShowPosition
from app.ui.panel_host import PanelHost
from app.ui.panels.setups_common import market_now
from widgets.positions.panel import PositionsPanel


def build(host: PanelHost) -> PositionsPanel:
    panel = PositionsPanel(now=lambda: market_now(host))
    panel.stale_after_s = STALE_AFTER_S
    panel.set_offers(lambda action: action == "new" and host.intents.handles(OpenPositionEntry))
    symbol_actions.connect(host, panel.symbol_actions, "position", panel.show_error)
    controller = PositionsController(host, panel)

    def valued(views) -> None:
        panel.set_views(views)
        controller.want_graph()

    def new(symbol: str) -> None:
        host.intents.request(OpenPositionEntry(symbol or host.engine.service(Workspace).active_symbol))

    def initial() -> None:
        panel.set_offers(panel.offers)  # the entry dialog's handler may come after this panel
        panel.set_positions(host.engine.service(PositionsService).positions)
        valued(host.engine.service(PositionTrackerService).views)

    host.bridge.positions_changed.connect(panel.set_positions)
    host.bridge.positions_valued.connect(valued)
    panel.new_requested.connect(new)
    host.intents.handle(ShowPosition, lambda i: panel.show_position(i.position_id), panel="positions")
    host.when_engine_ready(initial)
    return panel
