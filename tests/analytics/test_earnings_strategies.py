"""Earnings ideas from a chain: legs, net debit/credit, max risk/reward and break-evens by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analytics import earnings_strategies as es
from analytics.option_time import default_close
from analytics.pricing import bs_price, year_fraction
from tests.analytics.option_fixtures import DEC18, DEC24, JAN15, TODAY, make_chain

CHAIN = make_chain("AAPL", 251.0, strikes=range(225, 276, 5), listings=[(DEC18, "AAPL"), (DEC24, "AAPL"),
                                                                       (JAN15, "AAPL")], sigma=0.40)
SPOT = 251.0


def mid(expiry, strike, is_call):
    rows = (CHAIN.expiry == np.datetime64(expiry)) & (CHAIN.strike == strike) & (CHAIN.is_call == is_call)
    return float(CHAIN.mid[rows][0])


def symbol(expiry, strike, is_call):
    rows = (CHAIN.expiry == np.datetime64(expiry)) & (CHAIN.strike == strike) & (CHAIN.is_call == is_call)
    return str(CHAIN.symbol[rows][0])


def test_long_straddle():
    idea = es.long_straddle(CHAIN, SPOT, DEC18, today=TODAY)
    debit = 100 * (mid(DEC18, 250, True) + mid(DEC18, 250, False))
    assert idea.strike == 250 and idea.net == pytest.approx(debit) and not idea.is_credit
    assert {leg.symbol for leg in idea.legs} == {symbol(DEC18, 250, True), symbol(DEC18, 250, False)}
    assert idea.max_risk == pytest.approx(debit) and idea.max_reward == math.inf
    assert idea.break_evens == pytest.approx((250 - debit / 100, 250 + debit / 100))
    assert es.PRICED_AT in idea.note


def test_long_strangle_at_the_expected_move():
    idea = es.long_strangle(CHAIN, SPOT, DEC18, 12.0, today=TODAY)  # 251 ∓ 12: 239 → 240, 263 → 265
    assert sorted(leg.strike for leg in idea.legs) == [240, 265]
    debit = 100 * (mid(DEC18, 240, False) + mid(DEC18, 265, True))
    assert idea.net == pytest.approx(debit) and idea.max_risk == pytest.approx(debit)
    assert idea.max_reward == math.inf
    assert idea.break_evens == pytest.approx((240 - debit / 100, 265 + debit / 100))


def test_iron_condor_short_strikes_at_the_expected_move():
    idea = es.iron_condor(CHAIN, SPOT, DEC18, 12.0, today=TODAY, wing_steps=2)
    by_strike = {(leg.strike, leg.is_call): leg.quantity for leg in idea.legs}
    assert by_strike == {(230, False): 1, (240, False): -1, (265, True): -1, (275, True): 1}
    credit = 100 * (mid(DEC18, 240, False) - mid(DEC18, 230, False) + mid(DEC18, 265, True) - mid(DEC18, 275, True))
    assert idea.is_credit and idea.net == pytest.approx(-credit)
    assert idea.max_reward == pytest.approx(credit)
    assert idea.max_risk == pytest.approx(10 * 100 - credit)  # both wings 10 wide
    assert idea.break_evens == pytest.approx((240 - credit / 100, 265 + credit / 100))


def test_calendar_estimated_with_the_post_event_iv():
    post_iv = 0.25
    idea = es.calendar(CHAIN, SPOT, DEC18, DEC24, post_iv, today=TODAY)
    (front,), (back,) = ([leg for leg in idea.legs if leg.expiry == d] for d in (DEC18, DEC24))
    assert (front.quantity, back.quantity, front.strike, back.strike) == (-1, 1, 250, 250)
    debit = 100 * (mid(DEC24, 250, True) - mid(DEC18, 250, True))
    assert idea.net == pytest.approx(debit)
    T = year_fraction(default_close(DEC18), default_close(DEC24))
    best = 100 * float(bs_price(250.0, 250.0, T, 0.0, 0.0, post_iv, True)) - debit  # at the strike
    assert idea.max_reward == pytest.approx(best, rel=1e-9)
    assert idea.max_risk == pytest.approx(debit, abs=0.05)  # the back call's value → 0 or → S − K in the tails
    lo, hi = idea.break_evens
    assert lo < 250 < hi
    assert es.CALENDAR_ESTIMATE in idea.note


def test_earnings_ideas_and_reasons():
    ideas, problems = es.earnings_ideas(CHAIN, SPOT, DEC18, DEC24, 12.0, 0.25, today=TODAY)
    assert [i.name for i in ideas] == ["long straddle", "long strangle", "iron condor", "calendar"] and not problems
    ideas, problems = es.earnings_ideas(CHAIN, SPOT, DEC18, None, 40.0, math.nan, today=TODAY)
    assert [i.name for i in ideas] == ["long straddle", "long strangle"]
    assert any(p.startswith("iron condor:") and "wings" in p for p in problems)
    assert any(p.startswith("calendar:") for p in problems)
    assert es.expiries_after(CHAIN, DEC24) == [DEC24, JAN15]
