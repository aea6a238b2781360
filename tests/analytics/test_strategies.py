"""Strategy templates: the legs a trader gets from the chain, the names they go by, the messages
for what a trader gets wrong."""

from __future__ import annotations

import math
from datetime import date

import pytest

from analytics import strategies as st
from analytics.positions import option_leg, stock_leg
from analytics.strategies import StrategyError, classify
from tests.analytics.option_fixtures import DEC18, DEC24, JAN15, TODAY, make_chain

CHAIN = make_chain()
AAPL = make_chain("AAPL", 250.0, strikes=range(230, 271, 5), listings=[(DEC18, "AAPL")])
KW = {"today": TODAY}

# every template -> (legs, the name classify gives them)
CASES = {
    "long call": (lambda: st.long_call(CHAIN, DEC18, 6600, **KW), "long call"),
    "short call": (lambda: st.short_call(CHAIN, DEC18, 6700, **KW), "short call"),
    "long put": (lambda: st.long_put(CHAIN, DEC18, 6500, **KW), "long put"),
    "short put": (lambda: st.short_put(CHAIN, DEC18, 6500, **KW), "short put"),
    "bull call": (lambda: st.bull_call_spread(CHAIN, DEC18, 6600, 6650, **KW), "bull call spread"),
    "bear call": (lambda: st.bear_call_spread(CHAIN, DEC18, 6700, 6750, **KW), "bear call spread"),
    "bull put": (lambda: st.bull_put_spread(CHAIN, DEC18, 6450, 6500, **KW), "bull put spread"),
    "bear put": (lambda: st.bear_put_spread(CHAIN, DEC18, 6550, 6600, **KW), "bear put spread"),
    "long straddle": (lambda: st.straddle(CHAIN, DEC18, 6600, **KW), "long straddle"),
    "short straddle": (lambda: st.straddle(CHAIN, DEC18, 6600, long=False, **KW), "short straddle"),
    "long strangle": (lambda: st.strangle(CHAIN, DEC18, 6500, 6700, **KW), "long strangle"),
    "short strangle": (lambda: st.strangle(CHAIN, DEC18, 6500, 6700, long=False, **KW), "short strangle"),
    "iron condor": (lambda: st.iron_condor(CHAIN, DEC18, 6400, 6450, 6750, 6800, **KW), "iron condor"),
    "reverse condor": (lambda: st.iron_condor(CHAIN, DEC18, 6400, 6450, 6750, 6800, short=False, **KW),
                       "reverse iron condor"),
    "iron butterfly": (lambda: st.iron_butterfly(CHAIN, DEC18, 6500, 6600, 6700, **KW), "iron butterfly"),
    "reverse fly": (lambda: st.iron_butterfly(CHAIN, DEC18, 6500, 6600, 6700, short=False, **KW),
                    "reverse iron butterfly"),
    "call fly": (lambda: st.butterfly(CHAIN, DEC18, 6550, 6600, 6650, **KW), "long call butterfly"),
    "short put fly": (lambda: st.butterfly(CHAIN, DEC18, 6550, 6600, 6650, False, long=False, **KW),
                      "short put butterfly"),
    "broken wing": (lambda: st.butterfly(CHAIN, DEC18, 6550, 6600, 6700, **KW), "long broken-wing call butterfly"),
    "calendar": (lambda: st.calendar(CHAIN, DEC18, JAN15, 6600, **KW), "calendar"),
    "reverse calendar": (lambda: st.calendar(CHAIN, DEC18, JAN15, 6600, False, long=False, **KW),
                         "reverse calendar"),
    "diagonal": (lambda: st.diagonal(CHAIN, DEC18, JAN15, 6700, 6650, **KW), "diagonal"),
    "covered call": (lambda: st.covered_call(AAPL, DEC18, 260, 2, share_price=250.0, **KW), "covered call"),
    "shares": (lambda: st.shares("AAPL", 100, 250.0), "shares"),
    "short shares": (lambda: st.shares("AAPL", -50, 250.0), "short shares"),
}


@pytest.mark.parametrize("case", CASES)
def test_every_template_is_named_by_classify(case):
    build, name = CASES[case]
    assert classify(build()) == name


def test_the_dialog_lists_every_template():
    assert set(st.TEMPLATES) >= {"long call", "iron condor", "calendar", "diagonal", "covered call", "shares"}


def test_an_iron_condor_buys_the_wings_and_sells_the_body_at_the_mids():
    legs = st.iron_condor(CHAIN, DEC18, 6400, 6450, 6750, 6800, 3, **KW)
    assert [leg.quantity for leg in legs] == [3, -3, -3, 3]
    assert [(leg.is_call, leg.strike) for leg in legs] == [(False, 6400), (False, 6450), (True, 6750), (True, 6800)]
    assert [leg.symbol for leg in legs] == ["SPXW261218P06400000", "SPXW261218P06450000", "SPXW261218C06750000",
                                            "SPXW261218C06800000"]
    mids = {s: m for s, m in zip(CHAIN.symbol, CHAIN.mid, strict=True)}
    assert all(math.isclose(leg.open_price, mids[leg.symbol]) for leg in legs)
    assert all(leg.multiplier == 100 and leg.underlying == "SPX" for leg in legs)
    assert sum(leg.cost for leg in legs) < 0  # a credit


def test_prices_override_the_mids_leg_by_leg():
    legs = st.bull_call_spread(CHAIN, DEC18, 6600, 6650, 2, prices=[50.0, None], **KW)
    assert legs[0].open_price == 50.0 and math.isclose(legs[1].open_price, float(CHAIN.mid[CHAIN.symbol.tolist()
                                                                                   .index(legs[1].symbol)]))
    assert math.isclose(sum(leg.cost for leg in legs), 2 * 100 * (50.0 - legs[1].open_price))
    with pytest.raises(StrategyError, match="has 2 legs; 1 prices"):
        st.bull_call_spread(CHAIN, DEC18, 6600, 6650, prices=[1.0], **KW)
    with pytest.raises(StrategyError, match="price of 0 or more"):
        st.long_call(CHAIN, DEC18, 6600, prices=[-1.0], **KW)


def test_a_pm_settled_root_is_picked_unless_asked():
    assert st.long_call(CHAIN, DEC18, 6600, **KW)[0].symbol.startswith("SPXW")
    assert st.long_call(CHAIN, DEC18, 6600, root="SPX", **KW)[0].symbol == "SPX261218C06600000"
    with pytest.raises(StrategyError, match="SPX lists no Dec 24 expiry; that date has SPXW"):
        st.long_call(CHAIN, DEC24, 6600, root="SPX", **KW)


def test_listed_strikes_are_the_ones_a_template_accepts():
    strikes = st.listed_strikes(CHAIN, DEC18, False)
    assert strikes[:3] == [6400.0, 6410.0, 6420.0] and 6525 not in strikes and len(strikes) == 41
    assert st.listed_strikes(AAPL, DEC18) == [230.0, 235.0, 240.0, 245.0, 250.0, 255.0, 260.0, 265.0, 270.0]


def test_a_covered_call_holds_100_shares_per_contract():
    stock, call = st.covered_call(AAPL, DEC18, 260, 2, share_price=250.0, **KW)
    assert (stock.kind, stock.symbol, stock.quantity, stock.open_price) == ("stock", "AAPL", 200, 250.0)
    assert (call.quantity, call.strike, call.is_call) == (-2, 260.0, True)


@pytest.mark.parametrize(("build", "message"), [
    (lambda: st.long_call(CHAIN, DEC18, 6525, **KW), "6525 is not listed for Dec 18; nearest 6520 and 6530."),
    (lambda: st.long_put(CHAIN, DEC18, 7000, **KW), "7000 is not listed for Dec 18; nearest 6800."),
    (lambda: st.long_call(CHAIN, date(2026, 11, 20), 6600, **KW), "The Nov 20 expiry has expired"),
    (lambda: st.long_call(CHAIN, date(2026, 12, 19), 6600, **KW), "no Dec 19 expiry; nearest Dec 18 and Dec 24"),
    (lambda: st.long_call(CHAIN, date(2027, 2, 19), 6600, **KW), "no Feb 19, 2027 expiry; nearest Jan 15, 2027."),
    (lambda: st.long_call(CHAIN, DEC18, 6600, 0, **KW), "A quantity of 0 opens nothing"),
    (lambda: st.short_put(CHAIN, DEC18, 6600, -1, **KW), "positive number; the template says buy or sell"),
    (lambda: st.long_call(CHAIN, DEC18, 6600, 1.5, **KW), "whole number, not 1.5"),
    (lambda: st.bull_put_spread(CHAIN, DEC18, 6500, 6450, **KW), "must rise (lower, then upper); got 6500 / 6450"),
    (lambda: st.iron_condor(CHAIN, DEC18, 6400, 6450, 6450, 6800, **KW), "got 6400 / 6450 / 6450 / 6800"),
    (lambda: st.strangle(CHAIN, DEC18, 6700, 6500, **KW), "(put, then call)"),
    (lambda: st.butterfly(CHAIN, DEC18, 6600, 6550, 6650, **KW), "(lower, center, upper)"),
    (lambda: st.calendar(CHAIN, JAN15, DEC18, 6600, **KW), "near expiry (Jan 15, 2027) must come before"),
    (lambda: st.shares("AAPL", 0, 250.0), "other than 0"),
    (lambda: st.shares("AAPL", 10, math.nan), "price they were bought or sold at"),
])
def test_what_a_trader_gets_wrong_gets_a_plain_message(build, message):
    with pytest.raises(StrategyError) as err:
        build()
    assert message in str(err.value)
    assert isinstance(err.value, ValueError)


def test_a_contract_without_a_two_sided_quote_needs_a_price():
    chain = make_chain(strikes=[6600.0, 9000.0], half_spread=0.0, listings=[(DEC18, "SPXW")])
    with pytest.raises(StrategyError, match="C09000000 has no two-sided quote to price it; enter the open"):
        st.long_call(chain, DEC18, 9000, **KW)  # worth 0: bid 0, ask 0
    assert st.long_call(chain, DEC18, 9000, prices=[0.05], **KW)[0].open_price == 0.05


def _opt(strike, qty, call=True, expiry=DEC18):
    return option_leg(f"X{expiry:%y%m%d}{'C' if call else 'P'}{int(strike * 1000):08d}", "X", expiry, call, strike,
                      qty, 1.0)


@pytest.mark.parametrize(("legs", "name"), [
    ((_opt(100, 2), _opt(105, -2)), "bull call spread"),  # quantities reduce to 1:1
    ((_opt(100, 1), _opt(105, -2)), "call ratio spread"),
    ((_opt(100, 1), _opt(105, 1)), "custom (2 legs)"),
    ((_opt(95, -1), _opt(105, -1, False)), "short guts"),  # the call below the put
    ((_opt(100, -1, False), _opt(100, 1, False, JAN15)), "calendar"),
    ((_opt(95, -1, False), _opt(90, 1, False, JAN15)), "diagonal"),
    ((_opt(100, 1), _opt(100, 1, False, JAN15)), "custom (2 legs)"),
    ((_opt(95, 1, False), _opt(100, -1), _opt(105, 1)), "custom (3 legs)"),
    ((_opt(90, 1, False), _opt(95, -1, False), _opt(105, -1), _opt(110, 1), _opt(120, 1)), "custom (5 legs)"),
    ((_opt(90, 1, False), _opt(95, -1, False), _opt(105, -1), _opt(110, 1, True, JAN15)), "custom (4 legs)"),
    ((stock_leg("X", 100, 100.0), _opt(95, 1, False)), "protective put"),
    ((stock_leg("X", 100, 100.0), _opt(95, 1, False), _opt(110, -1)), "collar"),
    ((stock_leg("X", 100, 100.0), _opt(110, -2)), "custom (2 legs)"),  # 200 shares' worth of calls: not covered
    ((), "no legs"),
])
def test_classify_names_what_traders_call_them(legs, name):
    assert classify(legs) == name
