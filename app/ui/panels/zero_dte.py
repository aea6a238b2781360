"""Wire the 0DTE panel to the 0DTE service: today's same-day expiry of each options snapshot,
and the picked contract's risk, both computed off the loop."""

from __future__ import annotations

from typing import Any

from app.core.snapshots import ZeroDteView
from app.core.zero_dte import ZeroDteService
from app.ui.panel_host import PanelHost
from app.ui.panels.options_feed import NewestView, follow_options
from widgets.zero_dte_panel import ZeroDtePanel


def build(host: PanelHost) -> ZeroDtePanel:
    panel = ZeroDtePanel()
    shown: dict[str, ZeroDteView] = {}  # the view on screen: a picked contract's risk is asked of it
    risks = NewestView(host, lambda r: panel.show_risk(r.row, r.risk, r.clock))

    def show_view(view: ZeroDteView) -> None:
        shown["view"] = view  # before the panel picks a contract from it
        snap = view.snapshot
        panel.show_summary(snap.symbol, snap.spot, snap.chain, view.summary, snap.greeks, view.note)

    views = NewestView(host, show_view)

    def show(snap: Any) -> None:
        views.request(lambda: host.engine.service(ZeroDteService).summary(snap))

    def unavailable(symbol: str, reason: str) -> None:
        shown.clear()
        views.drop()
        risks.drop()
        panel.set_unavailable(symbol, reason)

    def chosen(row: int) -> None:
        if "view" in shown:
            view = shown["view"]
            risks.request(lambda: host.engine.service(ZeroDteService).contract_risk(view, row))

    panel.contract_chosen.connect(chosen)
    follow_options(host, panel, show, unavailable)
    return panel
