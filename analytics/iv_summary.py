"""The IV panel's numbers for one chain: term structure, skew per expiry, 30-day ATM IV.

IVs are re-implied from mids under each expiry's parity carry (``volatility``), so they do
not depend on the provider's own IV model. The 30-day ATM IV interpolates total variance
between the expiries around 30 days — the value stored daily for IV rank.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from analytics.volatility import ExpiryVol, Skew, TermStructure, delta_skews, forwards_and_ivs, term_structure
from data.option_chain import OptionChain

CONSTANT_MATURITY_DAYS = 30


@dataclass(frozen=True, eq=False)
class IvSummary:
    term: TermStructure
    skews: tuple[tuple[Skew | None, Skew | None], ...]  # per term point: (25Δ, 10Δ)
    atm_30d: float  # NaN when no expiry has an ATM IV


def constant_maturity_iv(points: tuple[ExpiryVol, ...] | list[ExpiryVol], days: float) -> float:
    """ATM IV at ``days`` to expiry: linear in total variance between neighbours, the nearest
    expiry's IV outside the listed range."""
    pts = sorted((p for p in points if np.isfinite(p.atm_iv) and p.T > 0), key=lambda p: p.T)
    if not pts:
        return float("nan")
    t = days / 365.0
    if t <= pts[0].T:
        return pts[0].atm_iv
    if t >= pts[-1].T:
        return pts[-1].atm_iv
    for a, b in itertools.pairwise(pts):
        if a.T <= t <= b.T:
            w = (t - a.T) / (b.T - a.T)
            var = (1 - w) * a.atm_iv ** 2 * a.T + w * b.atm_iv ** 2 * b.T
            return float(np.sqrt(var / t))
    return float("nan")


def iv_summary(chain: OptionChain, spot: float, T: np.ndarray, r: float, max_expiries: int = 8,
               atm_band: float = 0.05) -> IvSummary:
    """Skew needs every strike of the first ``max_expiries`` expiries; the term structure only
    the strikes near the money of the rest (within ``atm_band`` of spot) — IV is re-implied for
    those rows alone, a fraction of an SPX chain."""
    near_dates = np.unique(chain.expiry)[:max_expiries]
    keep = np.isin(chain.expiry, near_dates) | (np.abs(chain.strike / spot - 1.0) <= atm_band)
    if not keep.all():
        chain, T = chain.select(keep), T[keep]
    points, ivs = forwards_and_ivs(chain, spot, T, r)
    term = term_structure(points)
    skews = []
    for p in term.points[:max_expiries]:
        rows = np.flatnonzero((chain.expiry == np.datetime64(p.expiry, "D")) & ~chain.adjusted)
        skews.append(delta_skews(chain, rows, ivs, spot, p.T, r, p.carry_q, (0.25, 0.10)))
    return IvSummary(term, tuple(skews), constant_maturity_iv(term.points, CONSTANT_MATURITY_DAYS))
