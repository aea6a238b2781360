"""Gamma exposure (GEX) of an option chain: per strike, total, walls, regime and flip level.

Exposure of one contract = gamma × open interest × 100 × S² × 0.01 — dollars of delta the
hedgers must trade for a 1 % move. The sign follows an explicit convention: by default calls
count positive and puts negative (dealers long calls, short puts — the usual public GEX
convention); the other one flips every sign. The flip (zero-gamma) level re-prices every
contract's gamma on a grid of spot prices (±20 %, 0.1 % steps by default) holding IV and time
fixed, and interpolates the sign change nearest to spot.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import Enum

import numpy as np

from analytics.option_time import expiry_times
from analytics.pricing import bs_greeks
from data.market_calendar import ET
from data.option_chain import OptionChain

CONTRACT_MULTIPLIER = 100.0


class GexConvention(str, Enum):
    DEALER_LONG_CALLS_SHORT_PUTS = "calls +, puts − (dealers long calls, short puts)"
    DEALER_SHORT_CALLS_LONG_PUTS = "calls −, puts + (dealers short calls, long puts)"

    @property
    def call_sign(self) -> float:
        return 1.0 if self is GexConvention.DEALER_LONG_CALLS_SHORT_PUTS else -1.0


@dataclass(frozen=True, eq=False)
class GexByStrike:
    strike: np.ndarray
    call: np.ndarray  # $ per 1 % move, signed by the convention
    put: np.ndarray
    net: np.ndarray


@dataclass(frozen=True, eq=False)
class GexProfile:
    spot: float
    convention: GexConvention
    units: str
    total: float
    regime: str  # "positive gamma" / "negative gamma"
    flip: float | None
    flip_note: str
    call_wall: float | None
    put_wall: float | None
    abs_gamma_strike: float | None
    max_gex_strike: float | None
    by_strike: GexByStrike
    grid_spot: np.ndarray
    grid_total: np.ndarray
    contracts_used: int


def gex_profile(chain: OptionChain, spot: float, *, r: float = 0.0, q: float = 0.0,
                T: np.ndarray | None = None,
                convention: GexConvention = GexConvention.DEALER_LONG_CALLS_SHORT_PUTS,
                gamma_source: str = "model", grid_range: float = 0.20, grid_step: float = 0.001
                ) -> GexProfile:
    """GEX profile of ``chain`` at ``spot``.

    ``T`` (years per contract) defaults to the time from ``chain.asof`` to each expiry;
    expired contracts, adjusted deliverables and rows without IV or open interest are left out.
    ``gamma_source``: "model" computes gamma from each contract's IV (consistent with the flip
    grid); "provider" uses the chain's own gamma at spot (the grid still re-prices from IV).
    """
    if T is None:
        T = expiry_times(chain.expiry, chain.root, chain.asof)
    T = np.asarray(T, dtype=np.float64)
    oi = np.nan_to_num(chain.open_interest, nan=0.0)
    usable = (T > 0) & ~chain.adjusted & (oi > 0) & np.isfinite(chain.strike)
    if gamma_source == "provider":
        usable &= np.isfinite(chain.gamma)
    else:
        usable &= np.isfinite(chain.iv) & (chain.iv > 0)
    idx = np.flatnonzero(usable)
    strike, iv, t, calls = chain.strike[idx], chain.iv[idx], T[idx], chain.is_call[idx]
    sign = np.where(calls, convention.call_sign, -convention.call_sign)
    weight = sign * oi[idx] * CONTRACT_MULTIPLIER
    if gamma_source == "provider":
        gamma = chain.gamma[idx]
    else:
        gamma = np.asarray(bs_greeks(spot, strike, t, r, q, iv, calls).gamma)
    exposure = gamma * weight * spot * spot * 0.01
    by_strike = _by_strike(strike, calls, exposure)
    total = float(exposure.sum())

    grid = spot * (1.0 + np.arange(-grid_range, grid_range + grid_step / 2, grid_step))
    has_iv = np.isfinite(iv) & (iv > 0)
    grid_total = _grid_gex(grid, strike[has_iv], t[has_iv], iv[has_iv], weight[has_iv], r, q)
    flip, note = _flip(grid, grid_total, spot)
    nz = by_strike.net != 0
    return GexProfile(
        spot=spot, convention=convention, units="$ per 1% move", total=total,
        regime="positive gamma" if total >= 0 else "negative gamma", flip=flip, flip_note=note,
        call_wall=_extreme_strike(by_strike.strike, by_strike.call * convention.call_sign, np.argmax),
        put_wall=_extreme_strike(by_strike.strike, by_strike.put * convention.call_sign, np.argmin),
        abs_gamma_strike=_extreme_strike(by_strike.strike, np.abs(by_strike.call) + np.abs(by_strike.put),
                                         np.argmax),
        max_gex_strike=_extreme_strike(by_strike.strike[nz], by_strike.net[nz], np.argmax),
        by_strike=by_strike, grid_spot=grid, grid_total=grid_total, contracts_used=len(idx),
    )


def _by_strike(strike: np.ndarray, calls: np.ndarray, exposure: np.ndarray) -> GexByStrike:
    levels, inverse = np.unique(strike, return_inverse=True)
    call = np.bincount(inverse, weights=np.where(calls, exposure, 0.0), minlength=len(levels))
    put = np.bincount(inverse, weights=np.where(calls, 0.0, exposure), minlength=len(levels))
    return GexByStrike(levels, call, put, call + put)


def _extreme_strike(strikes: np.ndarray, values: np.ndarray, pick) -> float | None:
    if len(values) == 0 or not np.any(values != 0):
        return None
    return float(strikes[pick(values)])


def _grid_gex(grid: np.ndarray, strike: np.ndarray, t: np.ndarray, iv: np.ndarray, weight: np.ndarray,
              r: float, q: float, chunk: int = 64) -> np.ndarray:
    """Total exposure at each grid spot: Σ w·γ(S)·S²·0.01 with γ re-priced at S (IV, T fixed).

    γ(S)·S² = e^{−qT}·φ(d1)·S / (σ√T), so per grid point it is one exp over all contracts.
    """
    if len(strike) == 0:
        return np.zeros(len(grid))
    inv_vol_t = 1.0 / (iv * np.sqrt(t))
    offset = ((r - q + 0.5 * iv * iv) * t - np.log(strike)) * inv_vol_t  # d1 = ln(S)/σ√T + offset
    coeff = weight * np.exp(-q * t) * inv_vol_t / np.sqrt(2.0 * np.pi) * 0.01
    log_grid = np.log(grid)
    # Contracts whose d1 stays beyond ±12 over the whole grid add < 1e-31 of their weight: skip.
    d1_lo, d1_hi = log_grid[0] * inv_vol_t + offset, log_grid[-1] * inv_vol_t + offset
    live = (d1_lo < 12.0) & (d1_hi > -12.0)
    # float32 inside: the grid only locates the sign change (the total at spot is float64
    # above), and it halves the time of the exp over grid × contracts.
    inv_vol_t, offset = inv_vol_t[live].astype(np.float32), offset[live].astype(np.float32)
    coeff = coeff[live].astype(np.float32)
    log_grid32 = log_grid.astype(np.float32)
    out = np.empty(len(grid))
    for lo in range(0, len(grid), chunk):
        d1 = log_grid32[lo:lo + chunk, None] * inv_vol_t[None, :] + offset[None, :]
        d1 *= d1
        d1 *= np.float32(-0.5)
        np.exp(d1, out=d1)
        out[lo:lo + chunk] = grid[lo:lo + chunk] * (d1 @ coeff).astype(np.float64)
    return out


def _flip(grid: np.ndarray, total: np.ndarray, spot: float) -> tuple[float | None, str]:
    signs = np.sign(total)
    crossings = np.flatnonzero(signs[:-1] * signs[1:] < 0)
    if len(crossings) == 0:
        lo, hi = grid[0] / spot - 1, grid[-1] / spot - 1
        return None, f"none within {lo:+.0%}/{hi:+.0%} of spot"
    levels = [grid[i] - total[i] * (grid[i + 1] - grid[i]) / (total[i + 1] - total[i]) for i in crossings]
    nearest = min(levels, key=lambda x: abs(x - spot))
    note = "nearest of several crossings" if len(levels) > 1 else "single crossing"
    return float(nearest), note


def with_convention(profile: GexProfile, convention: GexConvention) -> GexProfile:
    """The same profile under ``convention``: every exposure changes sign, so the regime does;
    the flip, walls and strikes do not (they do not depend on the sign). Cheap, for a toggle."""
    if convention is profile.convention:
        return profile
    b = profile.by_strike
    total = -profile.total
    return replace(profile, convention=convention, total=total,
                   regime="positive gamma" if total >= 0 else "negative gamma",
                   by_strike=GexByStrike(b.strike, -b.call, -b.put, -b.net), grid_total=-profile.grid_total,
                   max_gex_strike=_extreme_strike(b.strike[b.net != 0], -b.net[b.net != 0], np.argmax))


def same_day_expiry(chain: OptionChain) -> date:
    """The expiry that is 0DTE for ``chain``: its as-of date in New York."""
    return chain.asof.astimezone(ET).date()


def gex_without_expiry(chain: OptionChain, spot: float, expiry: date, *, r: float = 0.0, q: float = 0.0,
                       T: np.ndarray | None = None,
                       convention: GexConvention = GexConvention.DEALER_LONG_CALLS_SHORT_PUTS) -> GexProfile:
    """The GEX profile of ``chain`` without the contracts expiring on ``expiry`` (e.g. excluding
    0DTE, whose gamma near the money swamps the rest in the last hours): per strike, total,
    flip and walls are all recomputed from the remaining contracts."""
    keep = chain.expiry != np.datetime64(expiry, "D")
    if T is None:
        T = expiry_times(chain.expiry, chain.root, chain.asof)
    return gex_profile(chain.select(keep), spot, r=r, q=q, T=np.asarray(T)[keep], convention=convention)
