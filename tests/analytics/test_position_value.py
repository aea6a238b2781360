"""Live position values: money signs and units by hand-computed examples, today's P&L, stale and
missing marks, greeks against bs_greeks and QuantLib, marks read from a chain snapshot."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import QuantLib as ql

from analytics import strategies as st
from analytics.chain_greeks import chain_greeks
from analytics.option_time import expiry_times
from analytics.position_value import marks_for, marks_from_chain, share_mark, value_position, value_positions
from analytics.positions import ContractMark, Position, option_leg, stock_leg
from analytics.pricing import bs_greeks
from tests.analytics.option_fixtures import DEC18, JAN15, TODAY, make_chain

NOW = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # 11:00 ET
YESTERDAY = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
STALE_S = 60.0
approx = pytest.approx


def mark(symbol, bid, ask, und, delta=0.0, gamma=0.0, theta=0.0, vega=0.0, prev=math.nan, asof=NOW, iv=0.2):
    return ContractMark(symbol, bid, ask, math.nan, und, asof, iv, delta, gamma, theta, vega, prev)


def position(*legs, opened=YESTERDAY, underlying=None):
    return Position(1, underlying or legs[0].underlying, st.classify(legs), tuple(legs), opened)


def value(pos, marks, now=NOW):
    return value_position(pos, {m.symbol: m for m in marks}, TODAY, now, STALE_S)


CALL = option_leg("SPY261218C00600000", "SPY", DEC18, True, 600, 1, 2.00, fees=0.65)
CALL_MARK = mark(CALL.symbol, 2.90, 3.10, 605.0, delta=0.55, gamma=0.02, theta=-0.05, vega=0.12, prev=2.50)


def test_a_long_call_in_dollars_shares_and_days():
    v = value(position(CALL), [CALL_MARK])
    leg = v.legs[0]
    assert (leg.bid, leg.ask, leg.mark) == (2.90, 3.10, approx(3.00))
    assert leg.value == approx(300.0) and leg.cost == approx(200.65)  # the fees are part of the cost basis
    assert leg.pnl == approx(99.35) and leg.pnl_pct == approx(99.35 / 200.65 * 100)
    assert leg.day_pnl == approx(50.0)  # 1 × 100 × (3.00 − 2.50)
    assert (leg.delta_shares, leg.delta_dollars) == (approx(55.0), approx(55.0 * 605.0))
    assert (leg.gamma, leg.theta, leg.vega) == (approx(2.0), approx(-5.0), approx(12.0))
    assert leg.dte == 17 and not leg.missing and not leg.stale
    assert (v.value, v.cost, v.pnl, v.day_pnl, v.delta_shares, v.theta) == (
        approx(300.0), approx(200.65), approx(99.35), approx(50.0), approx(55.0), approx(-5.0))
    assert v.dte == 17 and not v.is_credit and v.net_premium == approx(200.0) and not v.partial
    assert v.strategy == "long call" and v.underlying_price == 605.0


def test_a_short_put_counts_the_credit_kept():
    put = option_leg("SPY261218P00580000", "SPY", DEC18, False, 580, -2, 3.00)
    m = mark(put.symbol, 1.40, 1.60, 605.0, delta=-0.30, gamma=0.015, theta=-0.04, vega=0.10, prev=1.80)
    v = value(position(put), [m])
    assert (v.value, v.cost, v.pnl) == (approx(-300.0), approx(-600.0), approx(300.0))
    assert v.pnl_pct == approx(50.0)  # half the credit kept
    assert v.day_pnl == approx(60.0)  # the put fell 0.30 since yesterday's close: short gains
    assert (v.delta_shares, v.gamma, v.theta, v.vega) == (approx(60.0), approx(-3.0), approx(8.0), approx(-20.0))
    assert v.is_credit and v.net_premium == approx(-600.0)


CONDOR = (option_leg("SPXW261218P06400000", "SPX", DEC18, False, 6400, 1, 4.10),
          option_leg("SPXW261218P06450000", "SPX", DEC18, False, 6450, -1, 6.30),
          option_leg("SPXW261218C06750000", "SPX", DEC18, True, 6750, -1, 5.90),
          option_leg("SPXW261218C06800000", "SPX", DEC18, True, 6800, 1, 3.80))


def _condor_marks(*mids, asof=NOW):
    return [mark(leg.symbol, m - 0.05, m + 0.05, 6600.0, asof=asof) for leg, m in zip(CONDOR, mids, strict=True)]


def test_a_credit_iron_condor_at_half_and_at_twice_the_credit():
    pos = position(*CONDOR)
    assert pos.strategy == "iron condor"
    half = value(pos, _condor_marks(2.00, 3.20, 2.55, 1.60))  # credit 4.30, now 2.15 to close
    assert (half.cost, half.value, half.pnl, half.pnl_pct) == (approx(-430.0), approx(-215.0), approx(215.0),
                                                               approx(50.0))
    assert half.is_credit and half.net_premium == approx(-430.0)
    worse = value(pos, _condor_marks(1.00, 5.00, 12.00, 3.10))  # 12.90 to close: a loss of 2x the credit
    assert (worse.pnl, worse.pnl_pct) == (approx(-860.0), approx(-200.0))


def test_a_covered_call_values_shares_and_the_short_call():
    shares, call = (stock_leg("AAPL", 100, 250.0),
                    option_leg("AAPL261218C00260000", "AAPL", DEC18, True, 260, -1, 3.00))
    marks = [share_mark("AAPL", 255.0, NOW, prev_close=252.0),
             mark(call.symbol, 4.90, 5.10, 255.0, delta=0.40, theta=-0.06, prev=4.00)]
    v = value(position(shares, call), marks)
    assert v.strategy == "covered call"
    assert (v.value, v.cost, v.pnl) == (approx(25_000.0), approx(24_700.0), approx(300.0))
    assert v.pnl_pct == approx(300 / 24_700 * 100)
    assert v.day_pnl == approx(100 * 3.0 - 100 * 1.0)
    assert (v.delta_shares, v.delta_dollars, v.theta) == (approx(60.0), approx(60 * 255.0), approx(6.0))
    assert v.legs[0].dte is None and v.legs[0].gamma == 0.0 and v.dte == 17 and not v.is_credit


def test_a_calendar_is_a_debit_with_the_nearest_expiry():
    near = option_leg("SPY261218C00600000", "SPY", DEC18, True, 600, -1, 2.00)
    far = option_leg("SPY270115C00600000", "SPY", JAN15, True, 600, 1, 4.00)
    marks = [mark(near.symbol, 0.95, 1.05, 600.0, theta=-0.08), mark(far.symbol, 3.45, 3.55, 600.0, theta=-0.04)]
    v = value(position(near, far), marks)
    assert v.strategy == "calendar"
    assert (v.cost, v.value, v.pnl, v.pnl_pct) == (approx(200.0), approx(250.0), approx(50.0), approx(25.0))
    assert (v.theta, [leg.dte for leg in v.legs], v.dte) == (approx(4.0), [17, 45], 17)


def test_todays_pnl_of_a_position_opened_today_is_its_pnl_since_the_open():
    v = value(position(CALL, opened=NOW - timedelta(hours=1)), [CALL_MARK])
    assert v.day_pnl == approx(99.35)
    unknown = value(position(CALL), [replace(CALL_MARK, prev_close=math.nan)])
    assert math.isnan(unknown.day_pnl) and unknown.pnl == approx(99.35)


def test_missing_and_stale_marks_are_flagged_and_never_zero():
    pos = position(*CONDOR)
    marks = _condor_marks(2.00, 3.20, 2.55, 1.60)
    missing = value(pos, marks[:3])
    leg = missing.legs[3]
    assert leg.missing and not leg.stale
    assert all(math.isnan(x) for x in (leg.mark, leg.value, leg.pnl, leg.delta_shares))
    assert missing.missing and missing.partial and not missing.stale
    assert missing.value == approx((2.00 - 3.20 - 2.55) * 100) and math.isnan(missing.pnl_pct)
    assert missing.cost == approx(-430.0)  # the cost is known whatever the marks

    old = [*marks[:2], marks[2], _condor_marks(0, 0, 0, 1.60, asof=NOW - timedelta(seconds=61))[3]]
    stale = value(pos, old)
    assert stale.legs[3].stale and not stale.legs[3].missing and math.isnan(stale.legs[3].value)
    assert stale.stale and stale.partial and not stale.missing
    assert not value(pos, marks, now=NOW + timedelta(seconds=60)).partial  # 60 s old is not yet stale

    none = value(pos, [])
    assert none.partial and all(math.isnan(x) for x in (none.value, none.pnl, none.day_pnl, none.delta_shares,
                                                        none.theta, none.pnl_pct))


def test_a_one_sided_option_quote_is_no_mark_but_shares_fall_back_to_the_last_trade():
    one_sided = value(position(CALL), [mark(CALL.symbol, math.nan, 3.10, 605.0)])
    assert one_sided.legs[0].missing and math.isnan(one_sided.value)
    shares = stock_leg("SPX", 1, 6000.0)  # an index has no bid/ask, only its level
    v = value(position(shares), [share_mark("SPX", 6100.0, NOW)])
    assert (v.value, v.pnl, v.delta_shares, v.delta_dollars) == (approx(6100.0), approx(100.0), 1.0, 6100.0)


def test_many_positions_at_once_equal_one_at_a_time():
    pos = [position(CALL), position(*CONDOR), position(CALL, opened=NOW)]
    marks = {m.symbol: m for m in [CALL_MARK, *_condor_marks(2.00, 3.20, 2.55, 1.60)[:3]]}
    together = value_positions(pos, marks, TODAY, NOW, STALE_S)
    alone = [value_position(p, marks, TODAY, NOW, STALE_S) for p in pos]
    assert [_plain(v) for v in together] == [_plain(v) for v in alone]
    assert value_positions([], marks, TODAY, NOW, STALE_S) == []


def _plain(v):
    return repr(v)  # NaN-safe equality of every field


# -- from a chain snapshot, against bs_greeks and QuantLib ------------------------------------
CLOSE_ASOF = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)  # 16:00 ET: Dec 18's close is exactly 17 days away
SPOT, SIGMA, RATE = 6612.5, 0.18, 0.04


def _snapshot():
    chain = make_chain(spot=SPOT, sigma=SIGMA, r=RATE, half_spread=0.0, asof=CLOSE_ASOF, decimals=None)
    return chain, chain_greeks(chain, SPOT, RATE, 0.0)


def test_marks_come_from_the_chain_rows_asked_for():
    chain, greeks = _snapshot()
    asked = ["SPX261218C06600000", "SPXW261218C06600000", "SPXW261218P06450000", "SPX", "SPXW261218C06605000",
             "NOT-A-SYMBOL"]
    marks = marks_for(chain, greeks, asked, SPOT, prev_close={"SPX": 6590.0, "SPXW261218P06450000": 40.0})
    assert set(marks) == {"SPX261218C06600000", "SPXW261218C06600000", "SPXW261218P06450000", "SPX"}
    rows = chain.symbol.tolist()
    for s in asked[:3]:
        i = rows.index(s)
        m = marks[s]
        assert (m.bid, m.ask, m.iv, m.delta, m.theta, m.vega, m.underlying_price, m.asof) == (
            chain.bid[i], chain.ask[i], greeks.iv[i], greeks.delta[i], greeks.theta[i], greeks.vega[i], SPOT,
            CLOSE_ASOF)
    assert marks["SPX261218C06600000"].theta != marks["SPXW261218C06600000"].theta  # AM vs PM settled
    assert marks["SPXW261218P06450000"].prev_close == 40.0 and math.isnan(marks["SPX261218C06600000"].prev_close)
    assert (marks["SPX"].last, marks["SPX"].delta, marks["SPX"].prev_close) == (SPOT, 1.0, 6590.0)
    assert len(marks_from_chain(chain, greeks, SPOT)) == len(chain)


def test_position_greeks_are_the_sum_of_bs_greeks_per_leg():
    chain, greeks = _snapshot()
    legs = st.iron_condor(chain, DEC18, 6400, 6450, 6750, 6800, 2, today=TODAY)
    pos = position(*legs)
    v = value_position(pos, marks_for(chain, greeks, [leg.symbol for leg in legs], SPOT), TODAY, CLOSE_ASOF, STALE_S)
    K = np.array([leg.strike for leg in legs])
    calls = np.array([leg.is_call for leg in legs])
    size = np.array([leg.quantity * leg.multiplier for leg in legs], float)
    T = expiry_times(np.array([DEC18] * 4, "datetime64[D]"), np.array(["SPXW"] * 4, object), CLOSE_ASOF)
    g = bs_greeks(SPOT, K, T, RATE, 0.0, SIGMA, calls)
    assert v.delta_shares == approx(float(size @ g.delta), rel=1e-12)
    assert v.delta_dollars == approx(float(size @ g.delta) * SPOT, rel=1e-12)
    assert v.gamma == approx(float(size @ g.gamma), rel=1e-12)
    assert v.theta == approx(float(size @ g.theta), rel=1e-12)
    assert v.vega == approx(float(size @ g.vega), rel=1e-12)
    assert [leg.vega for leg in v.legs] == approx((size * g.vega).tolist(), rel=1e-12)


def _quantlib(leg, days: int):
    today = ql.Date(1, 12, 2026)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    process = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(ql.SimpleQuote(SPOT)), ql.YieldTermStructureHandle(ql.FlatForward(today, 0.0, dc)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, RATE, dc)),
        ql.BlackVolTermStructureHandle(ql.BlackConstantVol(today, ql.NullCalendar(), SIGMA, dc)))
    option = ql.VanillaOption(ql.PlainVanillaPayoff(ql.Option.Call if leg.is_call else ql.Option.Put, leg.strike),
                              ql.EuropeanExercise(today + days))
    option.setPricingEngine(ql.AnalyticEuropeanEngine(process))
    return option.NPV(), option.delta(), option.gamma(), option.thetaPerDay(), option.vega() / 100


def test_an_iron_condor_matches_quantlibs_analytic_european_engine():
    chain, greeks = _snapshot()
    legs = st.iron_condor(chain, DEC18, 6400, 6450, 6750, 6800, 3, today=TODAY)
    v = value_position(position(*legs), marks_for(chain, greeks, [leg.symbol for leg in legs], SPOT), TODAY,
                       CLOSE_ASOF, STALE_S)
    ref = np.array([np.array(_quantlib(leg, 17)) * leg.quantity * 100 for leg in legs]).sum(axis=0)
    assert v.value == approx(ref[0], abs=1e-6)
    assert (v.delta_shares, v.gamma, v.theta, v.vega) == (approx(ref[1], abs=1e-8), approx(ref[2], abs=1e-10),
                                                          approx(ref[3], abs=1e-6), approx(ref[4], abs=1e-6))
    assert v.is_credit and v.pnl == approx(0.0, abs=0.1)  # opened at these mids (to 4 decimals)


def test_an_iron_condor_on_the_demo_spx_chain_moves_with_the_market(calendar):
    from app.core.option_pricing import load_option_pricing
    from data.market_calendar import ET
    from data.providers.demo.provider import DemoProvider
    from data.providers.sim_clock import SimClock

    opened = datetime(2026, 12, 1, 10, 0, tzinfo=ET)
    provider = DemoProvider(calendar, clock=SimClock(opened, 1.0, lambda: 0.0), option_pricing=load_option_pricing)

    def snapshot(at):
        chain, spot = provider.chain_at("SPX", at), provider.quote_at("SPX", at).last
        return chain, chain_greeks(chain, spot, 0.04, 0.0, calendar.close_at), spot

    chain, greeks, spot = snapshot(opened)
    ks = st.listed_strikes(chain, DEC18)
    atm = ks.index(min(ks, key=lambda k: abs(k - spot)))
    legs = st.iron_condor(chain, DEC18, ks[atm - 20], ks[atm - 10], ks[atm + 10], ks[atm + 20], today=TODAY)
    pos = Position(7, "SPX", st.classify(legs), legs, opened)
    symbols = [leg.symbol for leg in legs]
    at_open = value_position(pos, marks_for(chain, greeks, symbols, spot), TODAY, opened, STALE_S)
    assert pos.strategy == "iron condor" and at_open.is_credit and at_open.pnl == approx(0.0, abs=1.0)
    later = opened + timedelta(hours=2)
    chain, greeks, spot = snapshot(later)
    v = value_position(pos, marks_for(chain, greeks, symbols, spot), TODAY, later, STALE_S)
    assert not v.partial and v.value != at_open.value and v.underlying_price == spot
    assert v.day_pnl == approx(v.pnl)  # opened today
    assert v.theta > 0 and v.gamma < 0 and v.vega < 0  # a short-premium trade
    stale = value_position(pos, marks_for(chain, greeks, symbols, spot), TODAY, later + timedelta(minutes=5), STALE_S)
    assert stale.stale and math.isnan(stale.value)
