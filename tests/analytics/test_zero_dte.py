"""0DTE numbers on a fixed demo clock: expected move, the day's move, top contracts, contract risk."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from analytics.chain_greeks import chain_greeks
from analytics.pricing import year_fraction
from analytics.zero_dte import contract_risk, zero_dte_summary
from app.core.option_pricing import load_option_pricing
from data.market_calendar import ET
from data.models import Timeframe
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from data.rates import RISK_FREE_RATE, dividend_yield

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
