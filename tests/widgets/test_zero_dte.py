"""0DTE numbers on a fixed demo clock, and the panel showing them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from analytics.chain_greeks import chain_greeks
from analytics.pricing import year_fraction
from analytics.zero_dte import contract_risk, zero_dte_summary
from app.core.option_pricing import load_option_pricing
from app.core.workspace import Workspace
from app.ui.panels.zero_dte import market_note
from data.market_calendar import ET, SessionState, market_date
from data.models import Timeframe
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from data.rates import RISK_FREE_RATE, dividend_yield
from tests.gui_helpers import options, run_app, until

AT = datetime(2026, 11, 25, 14, 30, tzinfo=ET)


def _inputs(calendar, symbol: str):
    p = DemoProvider(calendar, clock=SimClock(AT, 1.0, lambda: 0.0), option_pricing=load_option_pricing)
    chain, spot = p.chain_at(symbol, AT), p.quote_at(symbol, AT).last
    g = chain_greeks(chain, spot, RISK_FREE_RATE, dividend_yield(symbol), lambda d: calendar.session(d).close)
    session = calendar.session(AT.date())
    bars = p.bars_at(symbol, Timeframe.M1, session.open, AT, False, AT)
    return chain, spot, g, session, float(bars.open[0])


def test_the_same_day_numbers(calendar) -> None:
    chain, spot, g, session, open_price = _inputs(calendar, "SPX")
    s = zero_dte_summary(chain, spot, g.T, g.iv, AT.date(), open_price, session.open, session.close, AT)
    assert s is not None and s.expiry == AT.date()
    assert set(chain.root[s.rows]) == {"SPXW"}  # PM-settled only
    m = s.move
    call = s.rows[(chain.strike[s.rows] == m.atm_strike) & chain.is_call[s.rows]][0]
    put = s.rows[(chain.strike[s.rows] == m.atm_strike) & ~chain.is_call[s.rows]][0]
    assert m.straddle == pytest.approx(chain.mid[call] + chain.mid[put])
    assert m.atm_iv == pytest.approx((g.iv[call] + g.iv[put]) / 2)
    assert m.one_sigma == pytest.approx(spot * m.atm_iv * np.sqrt(g.T[call]))
    assert s.day.at_open == pytest.approx(open_price * m.atm_iv * np.sqrt(year_fraction(session.open, session.close)))
    assert s.day.used == pytest.approx(abs(spot - open_price))
    assert s.day.remaining == pytest.approx(spot * m.atm_iv * np.sqrt(year_fraction(AT, session.close)))
    volumes = chain.volume[s.top_rows]
    assert len(s.top_rows) == 10 and np.all(np.diff(volumes) <= 0)
    risk, clock = contract_risk(chain, int(call), spot, float(g.T[call]), float(g.iv[call]), RISK_FREE_RATE,
                                dividend_yield("SPX"), AT, session.close)
    assert risk.leverage > 10 and risk.theta_per_hour < 0
    assert clock[0].value > clock[-1].value and clock[-1].time == session.close
    aapl = _inputs(calendar, "AAPL")
    assert zero_dte_summary(aapl[0], aapl[1], aapl[2].T, aapl[2].iv, AT.date(), aapl[4], session.open,
                            session.close, AT) is None  # single stocks expire on Fridays


def test_market_notes_say_why_numbers_are_frozen() -> None:
    assert "Live" in market_note(SessionState.REGULAR, "16:00", "regular session")
    assert "frozen" in market_note(SessionState.AFTER, "16:00", "after-hours session")
    assert "Pre-market" in market_note(SessionState.PRE, "16:00", "pre-market")


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
            assert "Δ" in panel.risk.text() and len(panel._clock_line.getData()[0]) > 1
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
