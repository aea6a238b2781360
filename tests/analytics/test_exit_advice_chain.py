"""The exit advisor's suggestions priced from the chain: spread conversions and rolls (the exact
strikes, credits and new max loss), by hand-built chains and on the demo market's own chain."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from analytics.exit_advice import ExitParams, advise
from analytics.positions import option_leg
from data.option_chain import OptionChain
from tests.analytics.exit_fixtures import (
    DEC18,
    DEC31,
    ET,
    JAN15,
    NOW,
    approx,
    chain,
    leg,
    mark,
    marks,
    position,
    run,
)


def _calls(delta_105: float = 0.31) -> OptionChain:
    return chain("XYZ", [(DEC31, True, 95, 6.9, 7.1, 0.80), (DEC31, True, 100, 3.9, 4.1, 0.55),
                         (DEC31, True, 103, 2.9, 3.0, 0.40), (DEC31, True, 105, 2.10, 2.20, delta_105),
                         (DEC31, True, 110, 0.60, 0.70, 0.12), (DEC31, False, 105, 3.0, 3.1, -0.69),
                         (JAN15, True, 105, 3.0, 3.1, 0.36)])


def test_a_long_call_up_50_percent_converts_to_a_free_spread_priced_on_the_chain():
    c = leg("XYZ", DEC31, True, 100, 1, 2.00)
    mk = marks(mark(c, 2.95, 3.05))  # +50 %
    [cv] = run(position(c), mk, ch=_calls())["spread_conversion"]
    assert cv.numbers["short_strike"] == 105 and cv.numbers["credit_per_share"] == approx(2.10)
    assert cv.numbers["cost_basis_per_share"] == approx(-0.10)
    assert cv.numbers["locked_in_profit_usd"] == approx(10) and cv.numbers["new_max_loss_usd"] == 0
    assert cv.numbers["new_max_profit_usd"] == approx(510) and "can no longer lose money" in cv.title
    [order] = cv.action.legs
    assert (order.symbol, order.side, order.effect, order.quantity, order.price) == \
        ("XYZ261231C00105000", "sell", "open", 1, 2.10)
    assert cv.action.kind == "convert" and cv.action.net_amount == approx(210)
    assert cv.action.locked_in_profit == approx(10) and cv.action.new_max_profit == approx(510)
    assert "spread_conversion" not in run(position(c), marks(mark(c, 2.93, 3.05)), ch=_calls())  # +49.5 %


def test_conversion_by_width_and_the_risk_left_when_the_credit_is_short_of_the_debit():
    c = leg("XYZ", DEC31, True, 100, 2, 2.50)
    mk = marks(mark(c, 3.90, 4.10))
    [cv] = run(position(c), mk, ch=_calls(delta_105=0.20), params=ExitParams(convert_width=10))["spread_conversion"]
    assert cv.numbers["short_strike"] == 110 and cv.numbers["cost_basis_per_share"] == approx(1.90)
    assert cv.numbers["new_max_loss_usd"] == approx(380) and cv.numbers["breakeven"] == approx(101.90)
    assert cv.numbers["new_max_profit_usd"] == approx((10 - 1.90) * 200) and cv.action.legs[0].quantity == 2
    [by_delta] = run(position(c), mk, ch=_calls(delta_105=0.18))["spread_conversion"]
    assert by_delta.numbers["short_strike"] == 103  # |0.40 − 0.30| = 0.10 beats |0.18 − 0.30| = 0.12
    stale = chain("XYZ", [(DEC31, True, 105, 2.10, 2.20, 0.31)], asof=NOW - timedelta(minutes=16))
    assert "spread_conversion" not in run(position(c), mk, ch=stale)


# -- roll ---------------------------------------------------------------------------------------------

def test_a_short_put_at_21_dte_rolls_out_for_a_credit():
    p = leg("XYZ", DEC18, False, 100, -1, 1.50)  # 17 DTE
    mk = marks(mark(p, 2.90, 3.00))
    ch = chain("XYZ", [(DEC18, False, 100, 2.90, 3.00, -0.55), (date(2026, 12, 24), False, 100, 3.2, 3.3, -0.53),
                       (JAN15, False, 100, 3.60, 3.70, -0.50)])
    [r] = run(position(p), mk, spot=102, ch=ch)["roll"]
    assert r.numbers["roll_net_per_share"] == approx(0.60) and r.numbers["roll_net_usd"] == approx(60)
    assert r.numbers["cumulative_credit_per_share"] == approx(2.10) and r.numbers["new_breakeven"] == approx(97.90)
    assert r.numbers["new_dte_days"] == 45 and r.numbers["new_max_loss_usd"] == approx(9790)
    assert r.variant == "credit" and r.severity == "warn" and "0.60 credit" in r.title
    assert [(o.symbol, o.side, o.effect, o.price) for o in r.action.legs] == [
        ("XYZ261218P00100000", "buy", "close", 3.00), ("XYZ270115P00100000", "sell", "open", 3.60)]
    assert r.action.kind == "roll" and r.action.net_price == approx(0.60)


def test_a_roll_with_no_credit_on_the_chain_is_called_a_debit_roll():
    p = leg("XYZ", DEC18, False, 100, -1, 1.50)
    ch = chain("XYZ", [(JAN15, False, 100, 2.95, 3.05, -0.50)])
    [r] = run(position(p), marks(mark(p, 2.90, 3.00)), spot=102, ch=ch)["roll"]
    assert r.variant == "debit" and r.numbers["roll_net_per_share"] == approx(-0.05) and "debit roll" in r.title


def test_a_tested_put_spread_rolls_out_and_down_for_a_credit_keeping_its_width():
    s, b = leg("XYZ", DEC31, False, 100, -2, 2.00), leg("XYZ", DEC31, False, 95, 2, 0.80)  # credit 1.20, 30 DTE
    mk = marks(mark(s, 2.90, 3.00), mark(b, 1.00, 1.10))
    ch = chain("XYZ", [(JAN15, False, 100, 3.10, 3.20, -0.48), (JAN15, False, 95, 2.60, 2.70, -0.30),
                       (JAN15, False, 90, 0.20, 0.30, -0.12)])
    # same strikes: sell 100P 3.10, buy 95P 2.70 = +0.40 against a 2.00 close: a debit. Down 5: +2.30 → credit
    [r] = run(position(s, b), mk, spot=100.5, ch=ch)["roll"]
    assert r.severity == "act" and r.numbers["tested_put_strike"] == 100 and r.numbers["shift_usd"] == 5
    assert r.numbers["roll_net_per_share"] == approx(0.30) and r.numbers["roll_net_usd"] == approx(60)
    assert r.numbers["cumulative_credit_per_share"] == approx(1.50)
    assert r.numbers["new_max_loss_usd"] == approx((5 - 1.50) * 200)
    assert sorted((o.strike, o.side, o.effect, o.quantity) for o in r.action.legs) == [
        (90, "buy", "open", 2), (95, "sell", "close", 2), (95, "sell", "open", 2), (100, "buy", "close", 2)]
    assert "roll" not in run(position(s, b), mk, spot=101.1, ch=ch)  # 1.1 % above the short strike, 30 DTE


# -- dedupe, cooldown, snooze -------------------------------------------------------------------------

def test_a_long_put_converts_to_a_bear_put_spread_below_it():
    p = leg("XYZ", DEC31, False, 100, 1, 2.00)
    ch = chain("XYZ", [(DEC31, False, 105, 5.9, 6.1, -0.70), (DEC31, False, 95, 2.10, 2.20, -0.30),
                       (DEC31, False, 90, 0.90, 1.00, -0.15)])
    [cv] = run(position(p), marks(mark(p, 2.95, 3.05)), ch=ch)["spread_conversion"]
    assert cv.numbers["short_strike"] == 95 and cv.numbers["locked_in_profit_usd"] == approx(10)
    assert cv.numbers["new_max_profit_usd"] == approx(510) and cv.action.legs[0].symbol == "XYZ261231P00095000"


def test_on_the_demo_chain_the_suggestions_carry_the_chain_panels_numbers(calendar):
    from analytics.chain_greeks import chain_greeks
    from analytics.position_marks import marks_for
    from app.core.option_pricing import load_option_pricing
    from data.providers.demo.provider import DemoProvider
    from data.providers.sim_clock import SimClock
    from data.rates import RISK_FREE_RATE, dividend_yield

    at = datetime(2026, 11, 25, 12, 0, tzinfo=ET)
    demo = DemoProvider(calendar, seed=7, clock=SimClock(at, 1.0, lambda: 0.0), option_pricing=load_option_pricing)
    ch, spot = demo.chain_at("SPY", at), demo.quote_at("SPY", at).last
    g = chain_greeks(ch, spot, RISK_FREE_RATE, dividend_yield("SPY"))
    expiry = next(d for d in ch.expirations() if 14 <= (d - at.date()).days <= 21)
    rows = np.flatnonzero(ch.expiry == np.datetime64(expiry, "D"))
    atm_call = min((i for i in rows if ch.is_call[i]), key=lambda i: abs(ch.strike[i] - spot))
    put = min((i for i in rows if not ch.is_call[i]), key=lambda i: abs(g.delta[i] + 0.30))

    def held(i, qty, price):
        return option_leg(str(ch.symbol[i]), "SPY", expiry, bool(ch.is_call[i]), float(ch.strike[i]), qty, price)

    call = held(atm_call, 1, round(float(ch.mid[atm_call]) / 2.5, 2))  # bought at 40 % of today's mid
    [cv] = [a for a in advise(position(call), marks_for(ch, g, [call.symbol], spot), ch, g, spot, at, ExitParams())
            if a.rule == "spread_conversion"]
    further = [i for i in rows if ch.is_call[i] and ch.strike[i] > call.strike and ch.bid[i] > 0]
    k2 = min(further, key=lambda i: (abs(abs(g.delta[i]) - 0.30), ch.strike[i]))
    basis = call.open_price - ch.bid[k2]
    assert cv.action.legs[0].symbol == ch.symbol[k2] and cv.action.legs[0].price == ch.bid[k2]
    assert cv.numbers["new_max_profit_usd"] == approx((ch.strike[k2] - call.strike - basis) * 100)
    assert cv.numbers["locked_in_profit_usd"] == approx(max(-basis, 0) * 100)

    short = held(put, -1, float(ch.mid[put]))
    pos = position(short, opened=datetime(2026, 10, 20, 15, tzinfo=UTC))
    [r] = [a for a in advise(pos, marks_for(ch, g, [short.symbol], spot), ch, g, spot, at, ExitParams())
           if a.rule == "roll"]
    new_expiry = next(d for d in ch.expirations() if (d - at.date()).days >= 28)
    new = next(i for i in np.flatnonzero((ch.expiry == np.datetime64(new_expiry, "D")) & ~ch.is_call)
               if ch.strike[i] == short.strike)
    assert r.variant == "credit" and r.action.legs[1].symbol == ch.symbol[new]
    assert r.numbers["roll_net_usd"] == approx((ch.bid[new] - ch.ask[put]) * 100)
