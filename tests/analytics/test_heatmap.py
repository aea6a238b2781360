"""Heatmap grids equal the chain's contracts for every mode, and GEX equals analytics.gex."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from analytics.chain_greeks import chain_greeks
from analytics.gex import gex_profile
from analytics.heatmap import HeatmapMode, heatmap
from app.core.option_pricing import load_option_pricing
from data.market_calendar import ET
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from data.rates import RISK_FREE_RATE, dividend_yield

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=ET)


@pytest.fixture(scope="module")
def spx(calendar):
    p = DemoProvider(calendar, clock=SimClock(NOON, 1.0, lambda: 0.0), option_pricing=load_option_pricing)
    chain, spot = p.chain_at("SPX", NOON), p.quote_at("SPX", NOON).last
    r, q = RISK_FREE_RATE, dividend_yield("SPX")
    return chain, spot, chain_greeks(chain, spot, r, q, lambda d: calendar.session(d).close), r, q


def test_cells_equal_the_contracts_and_analytics_gex(spx) -> None:
    chain, spot, g, r, q = spx
    grids = {m: heatmap(chain, spot, m, gamma=g.gamma, iv=g.iv, n_expiries=5, n_strikes=40) for m in HeatmapMode}
    vol = grids[HeatmapMode.VOLUME]
    assert vol.values.shape == (5, 40) and vol.roots[0] == "SPXW" and len(set(vol.expiries)) == 5
    assert np.all(np.diff(vol.strikes) > 0) and np.abs(vol.strikes - spot).max() < 0.1 * spot
    for e in range(5):
        rows = (chain.expiry == np.datetime64(vol.expiries[e], "D")) & (chain.root == vol.roots[e])
        for j, k in enumerate(vol.strikes):
            at = rows & (chain.strike == k)
            if not at.any():
                assert np.isnan(vol.values[e, j])
                continue
            assert vol.values[e, j] == chain.volume[at].sum()
            assert grids[HeatmapMode.OPEN_INTEREST].values[e, j] == chain.open_interest[at].sum()
            otm = at & (chain.is_call if k >= spot else ~chain.is_call)
            assert grids[HeatmapMode.IV].values[e, j] == g.iv[otm][0]
        profile = gex_profile(chain.select(rows), spot, r=r, q=q, T=g.T[rows])  # the same expiry alone
        listed = np.isin(vol.strikes, profile.by_strike.strike)
        net = dict(zip(profile.by_strike.strike, profile.by_strike.net, strict=True))
        expected = np.array([net.get(k, 0.0) for k in vol.strikes[listed]])
        np.testing.assert_allclose(grids[HeatmapMode.GEX].values[e, listed], expected, rtol=1e-6,
                                   atol=1e-6 * np.abs(expected).max())
