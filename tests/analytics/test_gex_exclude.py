"""GEX without today's expiry: the same profile as of a chain that never listed it."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from analytics.chain_greeks import chain_greeks
from analytics.gex import gex_profile, gex_without_expiry, same_day_expiry
from app.core.option_pricing import load_option_pricing
from data.market_calendar import ET
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from data.rates import RISK_FREE_RATE

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=ET)


def _chain(calendar):
    p = DemoProvider(calendar, clock=SimClock(NOON, 1.0, lambda: 0.0), option_pricing=load_option_pricing)
    chain, spot = p.chain_at("SPY", NOON), p.quote_at("SPY", NOON).last
    return chain, spot, chain_greeks(chain, spot, RISK_FREE_RATE, 0.013, calendar.close_at).T


def test_excluding_0dte_equals_the_profile_of_the_chain_without_it(calendar) -> None:
    chain, spot, T = _chain(calendar)
    today = same_day_expiry(chain)
    assert today == NOON.date()
    keep = chain.expiry != np.datetime64(today, "D")
    assert 0 < (~keep).sum() < len(chain)
    got = gex_without_expiry(chain, spot, today, r=RISK_FREE_RATE, q=0.013, T=T)
    want = gex_profile(chain.select(keep), spot, r=RISK_FREE_RATE, q=0.013, T=T[keep])
    full = gex_profile(chain, spot, r=RISK_FREE_RATE, q=0.013, T=T)
    assert got.total == want.total != full.total
    assert (got.flip, got.call_wall, got.put_wall) == (want.flip, want.call_wall, want.put_wall)
    np.testing.assert_array_equal(got.by_strike.net, want.by_strike.net)
    assert got.contracts_used == full.contracts_used - int((~keep & (chain.open_interest > 0)).sum())


def test_excluding_an_expiry_that_is_not_listed_changes_nothing(calendar) -> None:
    chain, spot, T = _chain(calendar)
    got = gex_without_expiry(chain, spot, NOON.date() + timedelta(days=1), r=RISK_FREE_RATE, q=0.013, T=T)
    assert got.total == gex_profile(chain, spot, r=RISK_FREE_RATE, q=0.013, T=T).total  # Thanksgiving: none
