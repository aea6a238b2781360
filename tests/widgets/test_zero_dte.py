"""The 0DTE panel in the app: today's numbers, a picked contract's risk, Fridays-only stocks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app.core.workspace import Workspace
from app.core.zero_dte import contract_risk_of, zero_dte_view
from data.market_calendar import ET, market_date
from tests.core.options_snapshots import demo_snapshot
from tests.gui_helpers import options, run_app, until
from widgets.zero_dte_panel import ZeroDtePanel


def test_a_risk_answer_for_a_contract_no_longer_picked_is_ignored(qtbot, calendar) -> None:
    snap = demo_snapshot(calendar, "SPX", datetime(2026, 11, 25, 14, 30, tzinfo=ET), open_price=6000.0)
    view = zero_dte_view(snap, calendar)
    panel = ZeroDtePanel()
    qtbot.addWidget(panel)
    chosen: list[int] = []
    panel.contract_chosen.connect(chosen.append)
    panel.show_summary(snap.symbol, snap.spot, snap.chain, view.summary, snap.greeks, view.note)
    picked = chosen[-1]
    other = contract_risk_of(view, next(row for row in panel._rows if row != picked))
    panel.show_risk(other.row, other.risk, other.clock)
    assert "Δ" not in panel.risk.text()
    answer = contract_risk_of(view, picked)
    panel.show_risk(answer.row, answer.risk, answer.clock)
    assert f"Δ {answer.risk.delta:.3f}" in panel.risk.text() and len(panel._clock_line.getData()[0]) > 1


def test_panel_in_the_app(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        panel = c.window.panels["zero_dte"]
        c.window.focus_panel("zero_dte")
        await until(lambda: panel.is_ready() and "SPY" in panel.symbol.text())
        now = c.engine.context.provider.clock.now()
        if market_date(now) in c.engine.context.provider.options().expirations("SPY", now):  # before today's close
            await until(lambda: panel.summary is not None)
            s = panel.summary
            assert panel.facts["Straddle-implied (ATM straddle)"].text().startswith(f"±{s.move.straddle:,.2f}")
            assert panel.top.rowCount() == len(s.top_rows) and panel.contract.count() > 0
            await until(lambda: "Δ" in panel.risk.text() and len(panel._clock_line.getData()[0]) > 1)  # from core
        else:  # the demo clock is after today's close (the app started after 16:00 ET)
            await until(lambda: "No SPY options expire today" in panel.state.text())
        await c.engine.service(Workspace).set_active_symbol("AAPL")  # single stocks: Fridays only
        await until(lambda: "AAPL" in panel.symbol.text())
        if market_date(now) in c.engine.context.provider.options().expirations("AAPL", now):
            await until(lambda: panel.summary is not None and panel.summary.expiry == market_date(now))
        else:
            await until(lambda: panel.summary is None)
            assert "No AAPL options expire today" in panel.state.text()

    assert run_app(options(tmp_path), scenario) == 0
