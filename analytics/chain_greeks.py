"""Every contract of a chain with its time to expiry, IV and the five greeks.

Providers differ in what they send: Massive gives IV, delta, gamma, theta and vega on most
rows (not all), Cboe exports give greeks, some feeds only quotes. The chain model carries IV,
delta and gamma; this fills what is missing locally — IV implied from the mid, greeks from the
IV — and flags the rows it computed, so a panel can say "local".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from analytics.option_time import default_close, expiry_times
from analytics.pricing import bs_greeks, implied_vol
from data.option_chain import OptionChain


@dataclass(frozen=True, eq=False)
class ChainGreeks:
    """Arrays aligned with the chain's rows; units as ``analytics.pricing`` (per share)."""

    T: np.ndarray  # years to expiry (0 once expired)
    iv: np.ndarray
    delta: np.ndarray
    gamma: np.ndarray
    theta: np.ndarray  # per calendar day
    vega: np.ndarray  # per vol point
    local_iv: np.ndarray  # bool: IV implied here from the mid (the provider sent none)
    local_greeks: np.ndarray  # bool: delta/gamma computed here (the provider sent none)


def chain_greeks(chain: OptionChain, spot: float, r: float, q: float,
                 close_of: Callable[[date], datetime] = default_close) -> ChainGreeks:
    T = expiry_times(chain.expiry, chain.root, chain.asof, close_of)
    iv = np.array(chain.iv, dtype=float)
    local_iv = ~np.isfinite(iv) | (iv <= 0)
    if local_iv.any():
        iv[local_iv] = implied_vol(chain.mid[local_iv], spot, chain.strike[local_iv], T[local_iv], r, q,
                                   chain.is_call[local_iv])
    greeks = bs_greeks(spot, chain.strike, T, r, q, iv, chain.is_call)
    local_greeks = ~np.isfinite(chain.delta) | ~np.isfinite(chain.gamma)
    delta = np.where(local_greeks, greeks.delta, chain.delta)
    gamma = np.where(local_greeks, greeks.gamma, chain.gamma)
    return ChainGreeks(T, iv, np.asarray(delta, float), np.asarray(gamma, float), np.asarray(greeks.theta, float),
                       np.asarray(greeks.vega, float), local_iv & np.isfinite(iv), local_greeks)
