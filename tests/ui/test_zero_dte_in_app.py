"""The 0DTE panel in the running app: today's numbers, a picked contract's risk, Fridays-only stocks."""

from __future__ import annotations

from pathlib import Path

from app.core.workspace import Workspace
from data.market_calendar import market_date
from tests.gui_helpers import run_app, settings, until


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

    assert run_app(settings(tmp_path), scenario) == 0
