"""chain_greeks: provider greeks kept, missing IV implied from the mid, missing greeks computed."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from analytics.chain_greeks import chain_greeks
from analytics.pricing import bs_greeks, bs_price
from data.files.cboe import load_quotedata
from tests.conftest import shared_path


def test_real_chain_keeps_provider_numbers_and_fills_the_gaps() -> None:
    chain, spot, _asof = load_quotedata(shared_path("data", "option_chains", "cboe_quotedata",
                                                    "SPX_20230914_1631ET_quotedata.csv"))
    r, q = 0.053, 0.015
    full = chain_greeks(chain, spot, r, q)
    sent = np.isfinite(chain.delta) & np.isfinite(chain.gamma)
    np.testing.assert_array_equal(full.delta[sent], chain.delta[sent])  # the provider's numbers, as sent
    assert not full.local_greeks[sent].any() and full.local_greeks[~sent].all()

    rng = np.random.default_rng(1)
    blank = rng.random(len(chain)) < 0.3  # a feed that sends quotes only on some rows
    nan = np.where(blank, np.nan, 1.0)
    stripped = replace(chain, iv=chain.iv * nan, delta=chain.delta * nan, gamma=chain.gamma * nan)
    filled = chain_greeks(stripped, spot, r, q)
    local = filled.local_iv
    assert local.sum() > 100 and not local[~blank & np.isfinite(chain.iv)].any()
    repriced = bs_price(spot, chain.strike[local], filled.T[local], r, q, filled.iv[local], chain.is_call[local])
    np.testing.assert_allclose(repriced, chain.mid[local], rtol=1e-7, atol=1e-7)  # the IV reproduces the mid
    g = bs_greeks(spot, chain.strike, filled.T, r, q, filled.iv, chain.is_call)
    rows = filled.local_greeks & np.isfinite(filled.iv)
    np.testing.assert_allclose(filled.delta[rows], np.asarray(g.delta)[rows])
    assert np.all(np.isfinite(filled.theta[np.isfinite(filled.iv) & (filled.T > 0)]))
