"""Wire the IV panel: statistics from each snapshot; its rank from the IV-rank service (stored IV,
or an HV proxy, read and ranked in the core)."""

from __future__ import annotations

from typing import Any

from app.core.iv_rank import IvRankService
from app.ui.panel_host import PanelHost
from app.ui.panels.options_feed import NewestView, follow_options
from widgets.iv_panel import IvPanel


def build(host: PanelHost) -> IvPanel:
    panel = IvPanel()
    ranks = NewestView(host, lambda v: panel.show_rank(v.rank, v.stored_days, v.reason),
                       lambda msg: panel.show_rank(None, 0, f"IV rank unavailable: {msg}"))

    def show(snap: Any) -> None:
        panel.show_summary(snap.symbol, snap.iv, f"{snap.provider} · {len(snap.chain):,} contracts")
        ranks.request(lambda: host.engine.service(IvRankService).rank(snap))

    def unavailable(symbol: str, reason: str) -> None:
        ranks.drop()
        panel.set_unavailable(symbol, reason)

    follow_options(host, panel, show, unavailable)
    return panel
