"""chain_greeks: provider greeks kept as sent; where missing, Black-76 on each expiry's parity
forward — IV implied from the mid (an ITM row takes its strike's OTM twin's), greeks from it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from analytics.chain_greeks import chain_greeks
from analytics.pricing import bs_greeks, bs_price
from data.files.cboe import load_quotedata
from tests.conftest import shared_path


def _spx():
    return load_quotedata(shared_path("data", "option_chains", "cboe_quotedata", "SPX_20230914_1631ET_quotedata.csv"))


def test_real_chain_keeps_provider_numbers_and_fills_the_gaps() -> None:
    chain, spot, _asof = _spx()
    r, q = 0.053, 0.015
    full = chain_greeks(chain, spot, r, q)
    sent = np.isfinite(chain.delta) & np.isfinite(chain.gamma)
    np.testing.assert_array_equal(full.delta[sent], chain.delta[sent])  # the provider's numbers, as sent
    np.testing.assert_array_equal(full.gamma[sent], chain.gamma[sent])
    assert not full.local_greeks[sent].any() and full.local_greeks[~sent].all()

    rng = np.random.default_rng(1)
    blank = rng.random(len(chain)) < 0.3  # a feed that sends quotes only on some rows
    nan = np.where(blank, np.nan, 1.0)
    stripped = replace(chain, iv=chain.iv * nan, delta=chain.delta * nan, gamma=chain.gamma * nan)
    filled = chain_greeks(stripped, spot, r, q)
    local = filled.local_iv
    assert local.sum() > 100 and not local[~blank & np.isfinite(chain.iv)].any()
    rate, carry = filled.rate, filled.carry_q  # each expiry's parity forward, not the flat r and q
    otm = local & (chain.is_call == (chain.strike >= filled.forwards.forward))
    repriced = bs_price(spot, chain.strike[otm], filled.T[otm], rate[otm], carry[otm], filled.iv[otm],
                        chain.is_call[otm])
    np.testing.assert_allclose(repriced, chain.mid[otm], rtol=1e-7, atol=1e-7)  # the IV reproduces the mid
    g = bs_greeks(spot, chain.strike, filled.T, rate, carry, filled.iv, chain.is_call)
    rows = filled.local_greeks & np.isfinite(filled.iv)
    np.testing.assert_allclose(filled.delta[rows], np.asarray(g.delta)[rows])
    np.testing.assert_allclose(filled.gamma[rows], np.asarray(g.gamma)[rows])
    assert np.all(np.isfinite(filled.theta[np.isfinite(filled.iv) & (filled.T > 0)]))


def test_an_itm_row_without_iv_takes_its_otm_twins() -> None:
    """The 4,600 put was 95 points in the money with 0.7 days left: its mid is intrinsic value
    plus spread noise (Cboe sends no IV); on one forward it shares the 4,600 call's vol."""
    chain, spot, _asof = _spx()
    g = chain_greeks(chain, spot, 0.053, 0.015)
    day = chain.expiry == np.datetime64("2023-09-15")
    put = np.flatnonzero(day & (chain.root == "SPX") & (chain.strike == 4600) & ~chain.is_call)[0]
    call = np.flatnonzero(day & (chain.root == "SPX") & (chain.strike == 4600) & chain.is_call)[0]
    assert np.isnan(chain.iv[put]) and np.isfinite(chain.iv[call])
    assert g.local_iv[put] and g.iv[put] == chain.iv[call]
    assert g.forwards.forward[put] < 4600  # in the money on the forward, not just on spot


def test_an_american_quote_at_its_exercise_value_has_no_gamma() -> None:
    """SPY on 2023-09-14, the eve of a $1.58 ex-dividend date: the 448 call is bid at its
    exercise value (spot − strike), so holders exercise; Cboe sends it no IV or greeks, and a
    European IV on the dividend-lowered forward would give it a large false gamma."""
    chain, spot, _asof = load_quotedata(shared_path("data", "option_chains", "cboe_quotedata",
                                                    "SPY_20230914_1631ET_quotedata.csv"))
    g = chain_greeks(chain, spot, 0.053, 0.013)
    row = np.flatnonzero((chain.expiry == np.datetime64("2023-09-15")) & (chain.strike == 448) & chain.is_call)[0]
    assert chain.bid[row] <= spot - 448 and np.isnan(chain.gamma[row])
    assert (g.delta[row], g.gamma[row], g.theta[row]) == (1.0, 0.0, 0.0) and np.isnan(g.iv[row])
    twin = np.flatnonzero((chain.expiry == np.datetime64("2023-09-15")) & (chain.strike == 448) & ~chain.is_call)[0]
    assert g.gamma[twin] == chain.gamma[twin] > 0.1  # the put keeps Cboe's gamma
