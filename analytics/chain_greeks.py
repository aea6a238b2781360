"""Every contract of a chain with its time to expiry, IV and the five greeks: the app's one set.

One method for every panel (chain, GEX, heatmap, 0DTE) and anything that reads the snapshot:

* **The provider's delta and gamma where it sends them** (Massive on most rows, Cboe exports):
  they are what the trader sees quoted, and a local model cannot know the provider's clock,
  rate and dividend conventions — re-pricing them moved GEX totals by 25 % to 4× on real
  Cboe chains.
* **Local Black-76 on each expiry's put–call-parity forward where it does not**
  (``analytics.forwards``: the chain's own financing and dividends, not a flat rate): the
  provider's IV if it sent one, else the IV implied from the mid on that forward — an
  in-the-money row takes its strike's out-of-the-money twin's (its own mid is intrinsic value
  plus spread noise), and an American quote bid at its exercise value has none (delta ±1,
  gamma 0: the holder exercises).

Theta and vega (no provider sends them in the chain model) come from the same local model.
The flags say which rows were computed here, so a panel can say "local".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np

from analytics.forwards import ChainForwards, chain_forwards
from analytics.option_time import chain_expiry_times, default_close
from analytics.pricing import bs_greeks, implied_vol
from data.option_chain import OptionChain
from data.symbols import INDEX_SYMBOLS

if TYPE_CHECKING:
    from analytics.yield_curve import YieldCurve


@dataclass(frozen=True, eq=False)
class ChainGreeks:
    """Arrays aligned with the chain's rows; units as ``analytics.pricing`` (per share)."""

    T: np.ndarray  # years to expiry (0 once expired)
    iv: np.ndarray
    delta: np.ndarray
    gamma: np.ndarray
    theta: np.ndarray  # per calendar day
    vega: np.ndarray  # per vol point
    local_iv: np.ndarray  # bool: IV found here (the provider sent none): from the mid, or an ITM row's OTM twin
    local_greeks: np.ndarray  # bool: delta/gamma computed here (the provider sent none)
    forwards: ChainForwards  # per-row forward, rate and carry yield the local model priced on

    @property
    def rate(self) -> np.ndarray:
        return self.forwards.rate

    @property
    def carry_q(self) -> np.ndarray:
        return self.forwards.carry_q


def chain_greeks(chain: OptionChain, spot: float, r: float, q: float,
                 close_of: Callable[[date], datetime] = default_close, *, T: np.ndarray | None = None,
                 curve: YieldCurve | None = None) -> ChainGreeks:
    """``r``/``q`` only stand in where an expiry has no call/put pair to read its forward from
    (with a Treasury ``curve``, the rate at the expiry's maturity stands in instead of ``r``).
    ``T`` (years per row) defaults to the time from ``chain.asof`` to each expiry's close."""
    T = chain_expiry_times(chain, close_of) if T is None else np.asarray(T, float)
    fwd = chain_forwards(chain, spot, T, r, q, curve)
    rate, carry = fwd.rate, fwd.carry_q
    iv = np.array(chain.iv, dtype=float)
    local_iv = ~np.isfinite(iv) | (iv <= 0)
    if local_iv.any():
        iv[local_iv] = implied_vol(chain.mid[local_iv], spot, chain.strike[local_iv], T[local_iv], rate[local_iv],
                                   carry[local_iv], chain.is_call[local_iv])
        _otm_twin_iv(chain, fwd.forward, iv, local_iv)
    exercise = local_iv & _at_exercise_value(chain, spot)
    iv[exercise] = np.nan
    greeks = bs_greeks(spot, chain.strike, T, rate, carry, iv, chain.is_call)
    delta, gamma, theta, vega = (np.array(g, dtype=float) for g in (greeks.delta, greeks.gamma, greeks.theta,
                                                                     greeks.vega))
    delta[exercise] = np.where(chain.is_call[exercise], 1.0, -1.0)
    gamma[exercise] = theta[exercise] = vega[exercise] = 0.0
    local_greeks = ~np.isfinite(chain.delta) | ~np.isfinite(chain.gamma)
    delta = np.where(local_greeks, delta, chain.delta)
    gamma = np.where(local_greeks, gamma, chain.gamma)
    return ChainGreeks(T, iv, delta, gamma, theta, vega, local_iv & np.isfinite(iv), local_greeks, fwd)


def _at_exercise_value(chain: OptionChain, spot: float) -> np.ndarray:
    """American-style contracts (stocks, ETFs) bid at or below their exercise value: the
    holder exercises rather than sells (deep puts, calls before an ex-dividend date), so the
    quote holds no time value and no vol — delta ±1, gamma 0, as the provider leaves them."""
    if chain.underlying in INDEX_SYMBOLS:
        return np.zeros(len(chain), dtype=bool)
    intrinsic = np.where(chain.is_call, spot - chain.strike, chain.strike - spot)
    with np.errstate(invalid="ignore"):
        return (intrinsic > 0) & np.isfinite(chain.bid) & (chain.bid <= intrinsic)


def _otm_twin_iv(chain: OptionChain, forward: np.ndarray, iv: np.ndarray, local: np.ndarray) -> None:
    """An in-the-money row without a provider IV takes its strike's out-of-the-money twin's IV
    (in place): on one forward a call and a put at one strike share one vol, and the ITM mid
    is intrinsic value plus spread noise."""
    itm = local & (chain.is_call == (chain.strike < forward))
    if not itm.any():
        return
    roots, code = chain.root_codes
    key = (chain.expiry.astype(np.int64) * len(roots) + code.reshape(-1)) * 10**9 + np.round(
        np.nan_to_num(chain.strike) * 1000).astype(np.int64)
    twins = np.flatnonzero(~itm & np.isfinite(iv) & ~chain.adjusted)
    order = np.argsort(key[twins], kind="stable")
    sorted_keys = key[twins][order]
    rows = np.flatnonzero(itm)
    at = np.minimum(np.searchsorted(sorted_keys, key[rows]), max(len(sorted_keys) - 1, 0))
    if not len(sorted_keys):
        return
    twin = twins[order][at]
    found = (sorted_keys[at] == key[rows]) & (chain.is_call[twin] != chain.is_call[rows])
    iv[rows[found]] = iv[twin[found]]
