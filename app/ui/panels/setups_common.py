"""What the Scanner and Tracked-setups panels share: the market clock, and the actions on a symbol
and an entry price that other panels do (the chart follows the active symbol; the chain and the
alerts panel take intents)."""

from __future__ import annotations

from datetime import datetime

from app.core.workspace import Workspace
from app.ui.intents import PrefillAlert, ShowChainNear
from app.ui.panel_host import PanelHost


def market_now(host: PanelHost) -> datetime | None:
    """The provider's clock (a replay's simulated time), None before the engine runs."""
    ctx = host.engine.context
    return ctx.provider.clock.now() if ctx is not None else None


def show_on_chart(host: PanelHost, symbol: str, on_error) -> None:
    host.run(host.engine.service(Workspace).set_active_symbol(symbol), on_error)


def show_chain(host: PanelHost, symbol: str, entry: float) -> None:
    host.intents.request(ShowChainNear(symbol, entry))


def alert_at_entry(host: PanelHost, symbol: str, entry: float) -> None:
    host.intents.request(PrefillAlert(symbol, "crosses", entry, "setup"))
