"""What the panels of setups, positions, the journal and the brief share: the market clock."""

from __future__ import annotations

from datetime import datetime

from app.ui.panel_host import PanelHost


def market_now(host: PanelHost) -> datetime | None:
    """The provider's clock (a replay's simulated time), None before the engine runs."""
    ctx = host.engine.context
    return ctx.provider.clock.now() if ctx is not None else None
