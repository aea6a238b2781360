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
        c.window.resize(1920, 1080)
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
        panel.show_position(record.id)
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
