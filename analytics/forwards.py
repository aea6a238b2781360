"""Each expiry's forward and discount factor from put–call parity on the chain's own quotes.

At every strike that lists both a call and a put, C − P = DF·(F − K): a straight line in K
whose slope is −DF and whose root is the forward F. Per (expiry, root) the line is fitted
by weighted least squares (weights 1/spread², so tight near-the-money quotes count most)
through the pairs nearest the money, then refitted without the pairs more than 3 robust
deviations off it. The forward carries what a flat rate and a dividend table cannot: the
actual financing and dividends to that date, and where a snapshot's "last" is stale (an
index's close against options that traded on), the underlying the options were priced on.

An expiry with too few pairs, or whose slope implies a rate more than 5 points from the
caller's (short expiries, where DF is 1 to within the quotes' noise; American options, whose
deep puts carry an early-exercise premium), keeps the caller's rate and fits the forward alone;
one with no pair at all falls back to spot·e^{(r−q)T}. Every row then gets its expiry's
``rate`` (−ln DF / T) and ``carry_q`` (the yield q with S·e^{(rate−q)T} = F): Black–Scholes
with those per-row inputs is Black-76 on the forward.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from data.option_chain import OptionChain

if TYPE_CHECKING:
    from analytics.yield_curve import YieldCurve

FIT_PAIRS = 12  # pairs nearest the money that the line goes through
MIN_PAIRS = 3  # fewer than this: the slope (DF) is not trusted, the caller's rate is kept
RATE_BAND = 0.05  # a fitted rate further than this from the caller's is noise (or early exercise), not financing


@dataclass(frozen=True, slots=True)
class ExpiryForward:
    expiry: date
    root: str
    T: float
    forward: float
    discount: float
    rate: float  # −ln(DF)/T
    carry_q: float  # the yield q with spot·e^{(rate−q)T} = forward
    pairs: int  # call/put pairs the fit kept (0 for the fallback)
    source: str  # "parity" (F and DF fitted), "parity, rate given" (F fitted), "spot carry" (fallback)


@dataclass(frozen=True, eq=False)
class ChainForwards:
    """Spread over the chain's rows (rows with T ≤ 0 or adjusted deliverables get the caller's
    r and q and spot·e^{(r−q)T}), and per expiry (``expiries``)."""

    forward: np.ndarray
    rate: np.ndarray
    carry_q: np.ndarray
    _groups: _Groups

    @cached_property
    def expiries(self) -> tuple[ExpiryForward, ...]:
        g = self._groups
        rate = -np.log(g.discount) / g.T
        carry = rate - np.log(g.forward / g.spot) / g.T
        return tuple(ExpiryForward(day.item(), str(root), float(t), float(f), float(d), float(r), float(c), int(n),
                                   SOURCES[s])
                     for day, root, t, f, d, r, c, n, s in zip(g.days, g.roots, g.T, g.forward, g.discount, rate,
                                                               carry, g.pairs, g.source, strict=True))


@dataclass(frozen=True, eq=False)
class _Groups:
    """One entry per distinct (expiry, settlement): its first row's date and root, T and fit."""

    spot: float
    days: np.ndarray  # datetime64[D]
    roots: np.ndarray
    T: np.ndarray
    forward: np.ndarray
    discount: np.ndarray
    pairs: np.ndarray
    source: np.ndarray  # index into SOURCES


SOURCES = ("spot carry", "parity, rate given", "parity")


def chain_forwards(chain: OptionChain, spot: float, T: np.ndarray, r: float, q: float,
                   curve: YieldCurve | None = None) -> ChainForwards:
    """Each live expiry's parity forward; ``T`` years per row, ``r``/``q`` the stand-ins — with a
    ``curve``, the stand-in rate of each expiry is the curve's at its maturity instead of ``r``."""
    T = np.asarray(T, dtype=np.float64)
    live = (T > 0) & ~chain.adjusted
    group_t, first, inverse = _groups(live, T)
    pair_group, k, y, spread = _pairs(chain, live, inverse)
    group_r = curve.rate(group_t) if curve is not None else np.full(len(group_t), float(r))
    fwd, df = spot * np.exp((group_r - q) * group_t), np.exp(-group_r * group_t)
    n_pairs, source = np.zeros(len(group_t), dtype=np.int64), np.zeros(len(group_t), dtype=np.int64)
    order = np.argsort(pair_group, kind="stable")
    starts = np.searchsorted(pair_group[order], np.arange(len(group_t) + 1))
    for g in np.flatnonzero(np.diff(starts)):  # groups without a pair keep the spot carry
        at = order[starts[g]:starts[g + 1]]
        fwd[g], df[g], n_pairs[g], source[g] = _fit(k[at], y[at], spread[at], float(group_t[g]), float(group_r[g]))
    rate = curve.rate(np.maximum(T, 0.0)) if curve is not None else np.full(len(chain), float(r))
    carry = np.full(len(chain), float(q))
    rows = np.flatnonzero(live)
    g_rate = -np.log(df) / group_t
    rate[rows] = g_rate[inverse[rows]]
    carry[rows] = (g_rate - np.log(fwd / spot) / group_t)[inverse[rows]]
    groups = _Groups(spot, chain.expiry[first], chain.root[first], group_t, fwd, df, n_pairs, source)
    return ChainForwards(spot * np.exp((rate - carry) * np.maximum(T, 0.0)), rate, carry, groups)


def _groups(live: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (expiry, settlement) of the live rows — one clock each, so one time to expiry
    (an AM-settled monthly and the PM weekly on its date are two): their T, first row, and
    each row's group (−1 when not live)."""
    group_t, first, inv = np.unique(T[live], return_index=True, return_inverse=True)
    inverse = np.full(len(T), -1, dtype=np.int64)
    inverse[live] = inv.reshape(-1)
    return group_t, np.flatnonzero(live)[first], inverse


def _pairs(chain: OptionChain, live: np.ndarray, group: np.ndarray):
    """(group, strike, C − P, spread of C − P) of every strike quoted on both sides (bid > 0)."""
    quoted = live & np.isfinite(chain.bid) & np.isfinite(chain.ask) & (chain.bid > 0) & (chain.ask >= chain.bid)
    key = group * 10**9 + np.round(np.nan_to_num(chain.strike) * 1000).astype(np.int64)
    calls, puts = np.flatnonzero(quoted & chain.is_call), np.flatnonzero(quoted & ~chain.is_call)
    _both, ci, pi = np.intersect1d(key[calls], key[puts], assume_unique=False, return_indices=True)
    c, p = calls[ci], puts[pi]
    mid = 0.5 * (chain.bid + chain.ask)
    spread = (chain.ask[c] - chain.bid[c]) + (chain.ask[p] - chain.bid[p])
    return group[c], chain.strike[c], mid[c] - mid[p], spread


def _fit(k: np.ndarray, y: np.ndarray, spread: np.ndarray, t: float, r: float) -> tuple[float, float, int, int]:
    """(forward, discount, pairs kept, index in SOURCES) of one expiry from its pairs (≥ 1)."""
    df_r = float(np.exp(-r * t))
    rough = k + y / df_r  # each pair's forward at the caller's rate
    f0 = float(rough[np.argmin(np.abs(y))])
    near = np.argsort(np.abs(k - f0), kind="stable")[:FIT_PAIRS]
    k, y, rough, w = k[near], y[near], rough[near], 1.0 / np.maximum(spread[near], 0.01)
    keep = np.ones(len(k), dtype=bool)
    line = None
    for _ in range(3):
        if keep.sum() < MIN_PAIRS or np.ptp(k[keep]) <= 0:
            line = None
            break
        line = _line(k[keep], y[keep], w[keep] ** 2)
        resid = np.abs(y - (line[0] * k + line[1]))
        kept = np.sort(resid[keep])
        out = keep & (resid > max(3.0 * 1.4826 * float(kept[len(kept) // 2]), 1e-9 * f0))
        if not out.any():
            break
        keep &= ~out
    if line is not None and line[0] < 0:
        discount, forward = float(-line[0]), float(-line[1] / line[0])
        if abs(-np.log(discount) / t - r) <= RATE_BAND:
            return forward, discount, int(keep.sum()), 2
    return _weighted_median(rough[keep], w[keep] ** 2), df_r, int(keep.sum()), 1


def _line(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Weighted least-squares (slope, intercept), closed form (polyfit costs 20× more here)."""
    sw = w.sum()
    mx, my = (w * x).sum() / sw, (w * y).sum() / sw
    dx = x - mx
    slope = float((w * dx * (y - my)).sum() / (w * dx * dx).sum())
    return slope, float(my - slope * mx)


def _weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    order = np.argsort(x)
    cum = np.cumsum(w[order])
    return float(x[order][np.searchsorted(cum, 0.5 * cum[-1])])
