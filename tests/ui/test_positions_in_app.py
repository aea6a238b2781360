"""The Positions panel in the running app on the demo market: an SPX iron condor opened through the
positions service is valued by the tracker, its row's figures are the tracker's, selecting it draws
its risk graph, and closing it from the panel lists it under Closed with its realized P&L."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from analytics.strategies import iron_condor
from app.core.positions.service import PositionsService
from app.core.positions.tracker import PositionTrackerService
from app.ui.intents import ShowPosition
from data.market_calendar import market_date
from tests.gui_helpers import run_app, settings, until
from tests.ui.test_setups_panels import start_demo_mid_session
from widgets.positions.cells import money


def _strikes(chain, expiry, spot: float) -> tuple[float, ...]:
    strikes = np.unique(chain.strike[(chain.expiry == np.datetime64(expiry, "D")) & chain.is_call])
    at = int(np.searchsorted(strikes, spot))
    return tuple(float(strikes[i]) for i in (at - 40, at - 10, at + 10, at + 40))


async def _open_condor(c):
    provider = c.engine.context.provider
    today = market_date(provider.clock.now())
    quote = await provider.get_quote("SPX")
    chain = await provider.get_option_chain("SPX")
    expiry = sorted(d for d in chain.expirations() if (d - today).days >= 14)[0]
    legs = iron_condor(chain, expiry, *_strikes(chain, expiry, quote.last), today=today)
    return await c.engine.service(PositionsService).open("SPX", legs)


def _shot(panel, name: str) -> None:
    """POSITIONS_SHOTS=<dir>: grab the panel to a PNG there (to look at it)."""
    folder = os.environ.get("POSITIONS_SHOTS")
    if folder:
        panel.window().grab().save(str(Path(folder) / f"{name}-window.png"))
        panel.grab().save(str(Path(folder) / f"{name}.png"))


def test_a_condor_valued_graphed_and_closed_from_the_panel(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        width, height = (int(x) for x in os.environ.get("POSITIONS_SHOT_SIZE", "1920x1080").split("x"))
        c.window.resize(width, height)
        c.window.focus_panel("positions")
        panel, tracker = c.window.panels["positions"], c.engine.service(PositionTrackerService)
        record = await _open_condor(c)
        await until(lambda: tracker.view_of(record.id) is not None, 30)
        await until(lambda: panel.tree.row_of(record.id) is not None and panel.tree.text(record.id, "P&L") != "—")
        view = tracker.view_of(record.id)
        assert panel.tree.text(record.id, "Position") == f"SPX {record.strategy}"
        shown = panel.views[record.id].value
        for column, value in (("P&L", shown.pnl), ("Value", shown.value), ("Δ $", shown.delta_dollars)):
            assert math.isfinite(value) and panel.tree.text(record.id, column) == money(value)
        assert shown.position_id == view.value.position_id and math.isfinite(shown.theta)
        assert panel.tree.text(record.id, "DTE") == str(view.value.dte)
        c.window.focus_panel("options_chain")
        assert c.intents.request(ShowPosition(record.id))  # e.g. from the entry dialog or the coach
        assert panel.tree.selected_id() == record.id and panel.visibleRegion().isEmpty() is False
        await until(lambda: panel.risk.graph is not None, 20)
        graph = panel.risk.graph
        assert np.isfinite(graph.today).all() and len(graph.break_evens) == 2
        assert panel.risk.curves["today"].getData()[0] is not None
        panel.risk.iv_shift.setValue(5.0)
        await until(lambda: panel.risk.graph is not None and panel.risk.graph.iv_shift == 5.0, 20)
        panel.tree.expand(panel.tree.model_.index(panel.tree.row_of(record.id), 0))
        _shot(panel, "open")
        panel.confirm = lambda _text: True
        actions = {a.text(): a for a in panel.menu_for(record.id).actions() if a.text()}
        next(a for t, a in actions.items() if t.startswith("Close at mid")).trigger()
        service = c.engine.service(PositionsService)
        await until(lambda: next(p for p in service.positions if p.id == record.id).status == "closed", 20)
        closed = next(p for p in service.positions if p.id == record.id)
        assert "Closed #" in panel.status.text() and panel.tree.row_of(record.id) is None
        panel.filter.setCurrentText("Closed")
        assert panel.tree.text(record.id, "P&L") == money(closed.realized)
        panel.show_position(record.id)
        await until(lambda: panel.risk.empty.showing_reason, 5)
        _shot(panel, "closed")

    start_demo_mid_session(tmp_path)
    assert run_app(settings(tmp_path), scenario) == 0


class _FakeService:
    def __init__(self, record) -> None:
        self.positions, self.calls = (record,), []

    def __getattr__(self, name):
        async def call(*args, **kwargs):
            self.calls.append((name, args, kwargs))
            return self.positions[0]

        return call


class _FakeHost:
    def __init__(self, service) -> None:
        self.engine = type("E", (), {"service": lambda _self, _kind: service})()
        self.jobs = []

    def run(self, coro, on_error=None) -> None:
        self.jobs.append(coro)


def _controller(qtbot):
    import asyncio

    from app.ui.controllers.positions import PositionsController
    from tests.widgets.positions_records import condor_record
    from widgets.positions.panel import PositionsPanel

    panel = PositionsPanel()
    qtbot.addWidget(panel)
    service = _FakeService(condor_record())
    host = _FakeHost(service)
    controller = PositionsController(host, panel)

    def drain() -> None:
        for job in host.jobs:
            asyncio.run(job)
        host.jobs.clear()

    return controller, service, drain


def test_advice_actions_are_recorded_through_the_service(qtbot) -> None:
    from analytics.exit_rules.model import ActionLeg, Advice, SuggestedAction
    from tests.widgets.positions_records import EXPIRY, advice, occ

    controller, service, drain = _controller(qtbot)
    controller.act(7, advice()[0])  # close at the action's prices
    new = ActionLeg(occ(5800, False), "sell", 1, 1.25, "open", EXPIRY, False, 5800.0)
    roll = SuggestedAction("roll", (ActionLeg(occ(5850, False), "buy", 1, 5.5, "close"), new))
    controller.act(7, Advice("roll", "warn", "Roll the put", 7, {}, roll))
    controller.act(7, Advice("convert", "info", "Convert", 7, {}, SuggestedAction("convert", (new,))))
    controller.act(7, Advice("stop", "warn", "Stop", 7, {}, SuggestedAction("set_stop", stop_level=5800.0)))
    drain()
    (close, (cid, prices, quantities), _kw), (r, (_rid, closing, opening), _), (a, (_, adjust), _), (s, args, _) = \
        service.calls
    assert close == "close_position" and cid == 7 and prices[occ(5850, False)] == 5.5 and len(quantities) == 4
    assert r == "roll" and closing == {occ(5850, False): 5.5}
    assert opening[0].quantity == -1 and opening[0].open_price == 1.25 and opening[0].strike == 5800.0
    assert a == "adjust" and adjust == opening and s == "set_stop" and args == (7, 5800.0)
    assert controller.panel.status.text() == "Recorded: Stop."


def test_the_risk_graph_is_recomputed_at_most_once_a_second(qtbot) -> None:
    import time

    controller, _service, _drain = _controller(qtbot)
    asked: list[float] = []

    def graph() -> None:  # stands in for the computation: what it does to the clock
        asked.append(time.monotonic())
        controller._last = asked[-1]

    controller._graph = graph
    controller._timer.timeout.disconnect()
    controller._timer.timeout.connect(graph)
    for _ in range(5):  # a burst of valuations and control changes
        controller.want_graph()
    assert len(asked) == 1 and controller._timer.isActive()
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=2500)
    assert asked[1] - asked[0] >= 0.99 and not controller._timer.isActive()
