"""Wire the Journal dashboard: the journal's trades (again after each ``journal_changed``), the
statistics computed off the GUI thread (the newest answer wins), and a breakdown row or a day
clicked through to the Journal panel (``ShowTrades``)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from analytics.journal_trades import Trade
from app.core.journal.imports import JournalService
from app.ui.intents import ShowTrades
from app.ui.panel_host import PanelHost
from app.ui.panels.setups_common import market_now
from widgets.journal.dashboard import JournalDashboard
from widgets.journal.dashboard_data import summarize
from widgets.journal.filters import Criteria


def build(host: PanelHost) -> JournalDashboard:
    dashboard = JournalDashboard(now=lambda: market_now(host))
    asked = [0]

    def compute(trades: Sequence[Trade], criteria: Criteria, key: str) -> None:
        asked[0] += 1
        ask = asked[0]

        async def run() -> None:
            view = await asyncio.to_thread(summarize, trades, criteria, key)
            if ask == asked[0]:
                dashboard.show_view(view)

        host.run(run(), dashboard.show_error)

    def reload() -> None:
        async def run() -> None:
            dashboard.set_trades(await host.engine.service(JournalService).trades())

        host.run(run(), dashboard.show_error)

    dashboard.compute = compute
    dashboard.trades_requested.connect(lambda ids, title: host.intents.request(ShowTrades(tuple(ids), title)))
    host.bridge.journal_changed.connect(reload)
    host.when_engine_ready(reload)
    return dashboard
