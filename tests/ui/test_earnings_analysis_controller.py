"""The earnings analysis controller: the newest request's answer wins, errors go to the view, the
cards' intents reach the chain, the positions service and the alerts panel."""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, date, datetime
from types import SimpleNamespace

from app.core.earnings.analysis import EarningsAnalysis, EarningsAnalysisService
from app.core.positions.service import PositionsService
from app.core.workspace import Workspace
from app.ui.controllers.earnings_analysis import EarningsAnalysisController
from app.ui.intents import FocusContract, PrefillAlert, ShowChainNear, ShowPosition
from widgets.earnings.analysis_view import EarningsAnalysisView

NOW = datetime(2026, 12, 3, 17, tzinfo=UTC)


class FakeService:
    def __init__(self) -> None:
        self.asked: list[tuple[str, bool]] = []

    async def crush(self, analysis, name, *, points=None, fraction=None):
        self.asked.append((name, points, fraction))
        if points == 999:
            raise ValueError("Give the IV drop as vol points")
        return SimpleNamespace(name=name)

    async def analysis(self, symbol: str, *, force: bool = False) -> EarningsAnalysis:
        self.asked.append((symbol, force))
        if symbol == "BAD":
            raise RuntimeError("the calendar is down")
        return EarningsAnalysis(symbol, NOW, math.nan, None, None, reason=f"No upcoming report for {symbol}.")


class FakeWorkspace:
    active_symbol = "SPY"

    async def set_active_symbol(self, symbol: str) -> str:
        self.active_symbol = symbol
        return symbol


class FakePositions:
    async def open(self, underlying, legs, *, strategy=None, source="manual", notes=""):
        self.opened = (underlying, legs, source)
        return SimpleNamespace(id=7, strategy="long straddle", underlying=underlying)


class FakeIntents:
    def __init__(self, handled=(ShowChainNear, FocusContract, PrefillAlert, ShowPosition)) -> None:
        self.handled, self.requested = handled, []

    def request(self, intent) -> bool:
        self.requested.append(intent)
        return type(intent) in self.handled


class FakeHost:
    def __init__(self) -> None:
        self.services = {EarningsAnalysisService: FakeService(), Workspace: FakeWorkspace(),
                         PositionsService: FakePositions()}
        self.engine = SimpleNamespace(service=lambda kind: self.services[kind])
        self.intents = FakeIntents()
        self.pending: list = []

    def run(self, coro, on_error=None) -> None:
        self.pending.append((coro, on_error))

    def finish(self, order=None) -> None:
        """Run the pending coroutines (in ``order`` of their indices: answers arriving out of order)."""
        jobs, self.pending = self.pending, []
        for i in order if order is not None else range(len(jobs)):
            coro, on_error = jobs[i]
            try:
                asyncio.run(coro)
            except Exception as exc:
                if on_error is None:
                    raise
                on_error(str(exc))


def _setup(qtbot):
    view = EarningsAnalysisView()
    qtbot.addWidget(view)
    shown: list = []
    view.show_analysis = shown.append  # before the controller binds it
    host = FakeHost()
    return host, view, EarningsAnalysisController(host, view), shown


def test_newest_request_wins(qtbot):
    host, _view, controller, shown = _setup(qtbot)
    controller.show_symbol("AAPL")
    controller.show_symbol("MSFT")
    host.finish(order=[1, 0])  # MSFT answers first, then the older AAPL request
    assert [a.symbol for a in shown] == ["MSFT"]
    controller.refresh()
    host.finish()
    assert host.services[EarningsAnalysisService].asked[-1] == ("MSFT", True)


def test_an_error_is_shown_as_the_reason(qtbot):
    host, view, controller, shown = _setup(qtbot)
    controller.show_symbol("BAD")
    host.finish()
    assert shown == [] and view.empty.showing_reason and "the calendar is down" in view.empty.note.text()


def test_card_intents(qtbot):
    host, view, _controller, _shown = _setup(qtbot)
    view.open_chain_requested.emit("AAPL", date(2026, 12, 4), 250.0)
    host.finish()
    assert host.services[Workspace].active_symbol == "AAPL"
    assert host.intents.requested == [ShowChainNear("AAPL", 250.0)]
    view.open_chain_requested.emit("AAPL", date(2026, 12, 4), 255.0)
    host.finish()
    assert host.intents.requested[-1] == FocusContract(date(2026, 12, 4), 255.0)
    legs = (SimpleNamespace(underlying="AAPL"), SimpleNamespace(underlying="AAPL"))
    view.add_position_requested.emit(legs)
    host.finish()
    assert host.services[PositionsService].opened == ("AAPL", legs, "earnings")
    assert host.intents.requested[-1] == ShowPosition(7) and "Added long straddle on AAPL" in view.notes.text()
    view.alert_requested.emit("AAPL", 262.5)
    assert host.intents.requested[-1] == PrefillAlert("AAPL", "crosses", 262.5, "earnings")
    host.intents.handled = ()
    view.alert_requested.emit("AAPL", 240.0)
    assert view.notes.text() == "Open the Alerts panel to set alerts."


def test_the_traders_scenario_goes_to_the_service(qtbot):
    host, view, _controller, _shown = _setup(qtbot)
    grids = []
    view.show_crush = lambda name, grid: grids.append((name, grid.name))
    view.scenario_requested.emit("calendar", "points", 12.0)  # no analysis shown yet: nothing asked
    assert host.pending == []
    view.analysis = SimpleNamespace(symbol="AAPL")
    view.scenario_requested.emit("calendar", "points", 12.0)
    view.scenario_requested.emit("long straddle", "fraction", 0.4)
    view.scenario_requested.emit("calendar", "points", 999.0)
    host.finish()
    assert host.services[EarningsAnalysisService].asked == [("calendar", 12.0, None), ("long straddle", None, 0.4),
                                                            ("calendar", 999.0, None)]
    assert grids == [("calendar", "calendar"), ("long straddle", "long straddle")]
    assert view.notes.text() == "Give the IV drop as vol points"
