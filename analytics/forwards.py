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

import numpy as np

from data.option_chain import OptionChain

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
    """Per expiry, and spread over the chain's rows (rows with T ≤ 0 or adjusted deliverables
    get the caller's r and q and spot·e^{(r−q)T})."""

    expiries: tuple[ExpiryForward, ...]
    forward: np.ndarray
    rate: np.ndarray
    carry_q: np.ndarray


def chain_forwards(chain: OptionChain, spot: float, T: np.ndarray, r: float, q: float) -> ChainForwards:
    """Each live expiry's parity forward; ``T`` years per row, ``r``/``q`` the stand-ins."""
    T = np.asarray(T, dtype=np.float64)
    n = len(chain)
    rate, carry = np.full(n, float(r)), np.full(n, float(q))
    live = (T > 0) & ~chain.adjusted
    groups, inverse = _groups(chain, live, T)
    pairs = _pairs(chain, live, inverse)
    found = []
    by_group = np.argsort(inverse, kind="stable")
    starts = np.searchsorted(inverse[by_group], np.arange(len(groups) + 1))
    pair_order = np.argsort(pairs[0], kind="stable")
    pair_starts = np.searchsorted(pairs[0][pair_order], np.arange(len(groups) + 1))
    for g, (day, root) in enumerate(groups):
        rows = by_group[starts[g]:starts[g + 1]]
        t = float(T[rows[0]])
        k, y, s = (a[pair_order[pair_starts[g]:pair_starts[g + 1]]] for a in pairs[1:])
        found.append(_expiry_forward(day, root, t, spot, *_fit(k, y, s, spot, t, r, q)))
        rate[rows], carry[rows] = found[-1].rate, found[-1].carry_q
    forward = spot * np.exp((rate - carry) * np.maximum(T, 0.0))
    return ChainForwards(tuple(found), forward, rate, carry)


def _expiry_forward(day: date, root: str, t: float, spot: float, forward: float, discount: float, pairs: int,
           source: str) -> ExpiryForward:
    rate = -np.log(discount) / t
    return ExpiryForward(day, root, t, forward, discount, float(rate), float(rate - np.log(forward / spot) / t),
                         pairs, source)


def _groups(chain: OptionChain, live: np.ndarray, T: np.ndarray) -> tuple[list[tuple[date, str]], np.ndarray]:
    """Distinct (expiry, settlement) of the live rows — one clock each, so one time to expiry
    (an AM-settled monthly and the PM weekly on its date are two) — and each row's group (−1
    when not live)."""
    _t, first, inv = np.unique(T[live], return_index=True, return_inverse=True)
    inverse = np.full(len(chain), -1, dtype=np.int64)
    inverse[live] = inv.reshape(-1)
    rows = np.flatnonzero(live)[first]
    return [(chain.expiry[i].item(), str(chain.root[i])) for i in rows], inverse


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


def _fit(k: np.ndarray, y: np.ndarray, spread: np.ndarray, spot: float, t: float, r: float, q: float
         ) -> tuple[float, float, int, str]:
    """(forward, discount, pairs kept, source) of one expiry from its pairs."""
    df_r = float(np.exp(-r * t))
    if not len(k):
        return float(spot * np.exp((r - q) * t)), df_r, 0, "spot carry"
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
            return forward, discount, int(keep.sum()), "parity"
    return _weighted_median(rough[keep], w[keep] ** 2), df_r, int(keep.sum()), "parity, rate given"


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
