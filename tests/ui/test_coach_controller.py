"""The Coach controller maps a card's actions to the app's intents (only when clicked): levels
drawn on the chart once it shows the card's symbol, the chain near a strike (and the contract),
a prefilled alert, a position, trades; AskCoach asks the panel."""

from __future__ import annotations

import asyncio
from datetime import date
from types import SimpleNamespace

from app.core.workspace import Workspace
from app.ui.controllers.coach import CoachController
from app.ui.intents import (
    AskCoach,
    ChartLevel,
    DrawChartLevels,
    FocusContract,
    Intents,
    PrefillAlert,
    ShowChainNear,
    ShowPosition,
    ShowTrades,
)
from data.coach import CardAction
from widgets.coach.panel import CoachPanel


class FakeWorkspace:
    def __init__(self, log: list) -> None:
        self.log = log

    async def set_active_symbol(self, symbol: str) -> str:
        self.log.append(("active", symbol))
        return symbol


def test_card_actions_become_the_apps_intents(qtbot) -> None:
    panel = CoachPanel()
    qtbot.addWidget(panel)
    seen: list = []
    intents = Intents(lambda name: seen.append(("focus", name)))
    for kind in (DrawChartLevels, ShowChainNear, FocusContract, PrefillAlert, ShowPosition, ShowTrades):
        intents.handle(kind, seen.append)
    pending: list = []
    workspace = FakeWorkspace(seen)
    engine = SimpleNamespace(started=True, service=lambda kind: workspace if kind is Workspace else None)
    host = SimpleNamespace(engine=engine, intents=intents, run=lambda coro, on_error=None: pending.append(coro))
    controller = CoachController(host, panel)

    def click(kind: str, **params) -> None:
        controller.act(CardAction("x", kind, params))
        loop = asyncio.new_event_loop()
        try:
            while pending:
                loop.run_until_complete(pending.pop(0))
        finally:
            loop.close()

    click("chart_levels", symbol="SPX", levels=[{"label": "Gamma flip", "price": 6580.0},
                                               {"label": "Call wall", "price": 6700.0}, {"label": "bad"}])
    assert seen[0] == ("active", "SPX")  # the chart shows the symbol first, then its levels
    assert seen[1] == DrawChartLevels("coach", (ChartLevel("gamma_flip", 6580.0, "Gamma flip", "#c77dff"),
                                                ChartLevel("call_wall", 6700.0, "Call wall", "#26a69a")))
    seen.clear()
    click("show_on_chart", symbol="QQQ")
    click("open_chain", symbol="SPX", strike=6600.0, expiry="2026-12-04")
    click("set_alert", symbol="SPX", price=6650.0, condition="above")
    click("show_position", position_id=3)
    click("show_trades", trade_ids=["a", "b"])
    assert seen == [("active", "QQQ"), ShowChainNear("SPX", 6600.0), FocusContract(date(2026, 12, 4), 6600.0),
                    PrefillAlert("SPX", "above", 6650.0, "coach"), ShowPosition(3), ShowTrades(("a", "b"), "x")]
    click("launch_rockets")
    assert "not something this app can do" in panel.status.text()
    asked: list = []
    panel.send_requested.connect(asked.append)
    assert intents.request(AskCoach("levels QQQ")) and asked == ["levels QQQ"]
    assert ("focus", "coach") in seen
    for coro in pending:  # the turn AskCoach started (no service here)
        coro.close()
