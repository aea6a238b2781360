"""Gamma exposure (GEX) of an option chain: per strike, total, walls, regime and flip level.

Exposure of one contract = gamma × open interest × 100 × S² × 0.01 — dollars of delta the
hedgers must trade for a 1 % move. The gamma is ``analytics.chain_greeks``'s, the one set the
chain panel shows (the provider's where it sends one, else Black-76 on the expiry's parity
forward), so totals, regime and walls are the chain's own. The sign follows an explicit
convention: by default calls count positive and puts negative (dealers long calls, short
puts — the usual public GEX convention); the other one flips every sign.

The flip (zero-gamma) level needs gamma at other spots: every contract is re-priced on a grid
(±20 %, 0.1 % steps by default) with the same forward-based model (IV, time and carry held),
scaled per contract so that at the current spot it is exactly that contract's gamma — the
model supplies only how gamma changes with spot, the level is the one shown everywhere. The
sign change nearest to spot is interpolated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import Enum

import numpy as np

from analytics.chain_greeks import ChainGreeks, chain_greeks
from data.market_calendar import ET
from data.option_chain import OptionChain

CONTRACT_MULTIPLIER = 100.0
ANCHOR_RATIO = 3.0  # a provider gamma over 3× or under ⅓ of the model's at spot: the model's shape is not its


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


def contract_exposure(gamma: np.ndarray, open_interest: np.ndarray, spot: float) -> np.ndarray:
    """Unsigned $ per 1 % move of each contract: gamma × OI × 100 × S² × 0.01."""
    return gamma * open_interest * CONTRACT_MULTIPLIER * spot * spot * 0.01


def gex_profile(chain: OptionChain, spot: float, *, r: float = 0.0, q: float = 0.0,
                T: np.ndarray | None = None,
                convention: GexConvention = GexConvention.DEALER_LONG_CALLS_SHORT_PUTS,
                gamma_source: str = "chain", greeks: ChainGreeks | None = None,
                grid_range: float = 0.20, grid_step: float = 0.001) -> GexProfile:
    """GEX profile of ``chain`` at ``spot``.

    ``greeks``: ``chain_greeks(chain, spot, …)``, the app's one set; computed here from ``r``,
    ``q`` and ``T`` (years per contract, default: from ``chain.asof`` to each expiry) when not
    given. Expired contracts, adjusted deliverables and rows without gamma or open interest are
    left out. ``gamma_source``: "chain" uses the greeks' gamma; "provider" only the rows the
    provider sent a gamma for, as sent (e.g. to compare with the provider's own GEX).
    """
    if greeks is None:
        greeks = chain_greeks(chain, spot, r, q, T=T)
    gamma = chain.gamma if gamma_source == "provider" else greeks.gamma
    oi = np.nan_to_num(chain.open_interest, nan=0.0)
    usable = (greeks.T > 0) & ~chain.adjusted & (oi > 0) & np.isfinite(chain.strike) & np.isfinite(gamma)
    idx = np.flatnonzero(usable)
    strike, calls = chain.strike[idx], chain.is_call[idx]
    sign = np.where(calls, convention.call_sign, -convention.call_sign)
    exposure = sign * contract_exposure(gamma[idx], oi[idx], spot)
    by_strike = _by_strike(strike, calls, exposure)
    total = float(exposure.sum())

    grid = spot * (1.0 + np.arange(-grid_range, grid_range + grid_step / 2, grid_step))
    model = (greeks.T[idx], greeks.iv[idx], greeks.rate[idx], greeks.carry_q[idx])
    grid_total = _grid_gex(grid, spot, exposure, gamma[idx], strike, *model)
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


def _grid_gex(grid: np.ndarray, spot: float, exposure: np.ndarray, gamma: np.ndarray, strike: np.ndarray,
              t: np.ndarray, iv: np.ndarray, rate: np.ndarray, carry_q: np.ndarray, chunk: int = 8) -> np.ndarray:
    """Total exposure at each grid spot S: Σ exposure·shape(S), every contract's shape its model
    γ(S)·S² over γ(spot)·spot² (IV, T, carry fixed), so the grid at spot is the total.

    γ(S)·S² ∝ S·exp(−d1(S)²/2), so shape = (S/spot)·exp(−(d1(S)² − d1(spot)²)/2): per grid
    point one exp over all contracts. A contract the model cannot describe at spot (no IV, or a
    provider gamma more than ``ANCHOR_RATIO`` off the model's: scaling the model's curve that
    far would blow a wing up as spot nears it) keeps its gamma: shape (S/spot)².
    """
    with np.errstate(all="ignore"):
        inv_vol_t = 1.0 / (iv * np.sqrt(t))
        offset = ((rate - carry_q + 0.5 * iv * iv) * t - np.log(strike)) * inv_vol_t  # d1 = ln(S)/σ√T + offset
        d1_spot = np.log(spot) * inv_vol_t + offset
        peak = np.exp(-carry_q * t) * inv_vol_t / (np.sqrt(2.0 * np.pi) * spot)  # model γ at d1 = 0
        model_gamma = peak * np.exp(-0.5 * d1_spot * d1_spot)
        ratio = gamma / model_gamma
    modelled = np.isfinite(ratio) & (ratio <= ANCHOR_RATIO) & (ratio >= 1.0 / ANCHOR_RATIO)
    out = exposure[~modelled].sum() * (grid / spot) ** 2
    # exposure·e^{d1²/2}/spot without the overflow: exposure/model γ is bounded by the ratio
    coeff = exposure[modelled] / model_gamma[modelled] * peak[modelled] / spot
    inv_vol_t, offset = inv_vol_t[modelled], offset[modelled]
    log_grid = np.log(grid)
    # Contracts whose d1 stays beyond ±12 over the whole grid add < e^-54 of their exposure: skip.
    d1_lo, d1_hi = log_grid[0] * inv_vol_t + offset, log_grid[-1] * inv_vol_t + offset
    live = (d1_lo < 12.0) & (d1_hi > -12.0)
    inv_vol_t, offset, coeff = _merge_equal_curves(inv_vol_t[live], offset[live], coeff[live])
    return out + grid * _curve_sums(log_grid, inv_vol_t, offset, coeff, chunk)


def _curve_sums(log_grid: np.ndarray, inv_vol_t: np.ndarray, offset: np.ndarray, coeff: np.ndarray,
                chunk: int) -> np.ndarray:
    """Σ coeff·exp(−d1²/2), d1 = ln(S)·inv_vol_t + offset, at each grid point ln(S)."""
    # float32 inside: the grid only locates the sign change (the total at spot is float64
    # above), and it halves the time of the exp over grid × contracts. A few grid rows at a
    # time: a block of rows × 20,000 contracts then stays in the core's cache between the
    # passes below (64 rows took twice as long: each pass went out to memory).
    inv_vol_t, offset, coeff = inv_vol_t.astype(np.float32), offset.astype(np.float32), coeff.astype(np.float32)
    log_grid32 = log_grid.astype(np.float32)
    sums = np.empty(len(log_grid))
    for lo in range(0, len(log_grid), chunk):
        d1 = log_grid32[lo:lo + chunk, None] * inv_vol_t[None, :] + offset[None, :]
        d1 *= d1
        d1 *= np.float32(-0.5)
        np.exp(d1, out=d1)
        sums[lo:lo + chunk] = d1 @ coeff
    return sums


def _merge_equal_curves(inv_vol_t: np.ndarray, offset: np.ndarray, coeff: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Contracts on one curve (the same d1(S): a call and a put of one strike and expiry on
    one IV, as the local model prices an in-the-money row) as one, their coefficients summed:
    half the exps on such a chain. Grouped by one sort of a key mixing both values' bits,
    checked exactly (a key two different curves share groups by both values instead)."""
    n = len(inv_vol_t)
    if n < 2:
        return inv_vol_t, offset, coeff
    key = inv_vol_t.view(np.uint64) * np.uint64(0x9E3779B97F4A7C15) ^ offset.view(np.uint64)
    order = np.argsort(key)
    sorted_key = key[order]
    first_of_group = np.empty(n, dtype=bool)
    first_of_group[0] = True
    np.not_equal(sorted_key[1:], sorted_key[:-1], out=first_of_group[1:])
    codes = np.empty(n, dtype=np.intp)
    codes[order] = np.cumsum(first_of_group) - 1
    firsts = order[first_of_group]
    if not (np.array_equal(inv_vol_t[firsts][codes], inv_vol_t) and np.array_equal(offset[firsts][codes], offset)):
        order = np.lexsort((offset, inv_vol_t))  # (a key shared by two curves: never seen on real chains)
        a, b = inv_vol_t[order], offset[order]
        first_of_group[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
        codes[order] = np.cumsum(first_of_group) - 1
        firsts = order[first_of_group]
    if len(firsts) == n:
        return inv_vol_t, offset, coeff
    return inv_vol_t[firsts], offset[firsts], np.bincount(codes, weights=coeff, minlength=len(firsts))


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
                       convention: GexConvention = GexConvention.DEALER_LONG_CALLS_SHORT_PUTS,
                       greeks: ChainGreeks | None = None) -> GexProfile:
    """The GEX profile of ``chain`` without the contracts expiring on ``expiry`` (e.g. excluding
    0DTE, whose gamma near the money swamps the rest in the last hours): per strike, total,
    flip and walls are all recomputed from the remaining contracts, with the same greeks (each
    expiry's forward is its own, so leaving one out changes no other contract's gamma)."""
    keep = chain.expiry != np.datetime64(expiry, "D")
    if greeks is None:
        greeks = chain_greeks(chain, spot, r, q, T=T)
    return gex_profile(chain.select(keep), spot, convention=convention, greeks=select_greeks(greeks, keep))


def select_greeks(greeks: ChainGreeks, keep: np.ndarray) -> ChainGreeks:
    """The rows ``keep`` of ``greeks`` (as ``OptionChain.select`` takes them of the chain)."""
    fw = greeks.forwards
    forwards = replace(fw, forward=fw.forward[keep], rate=fw.rate[keep], carry_q=fw.carry_q[keep])
    arrays = {f: getattr(greeks, f)[keep] for f in ("T", "iv", "delta", "gamma", "theta", "vega", "local_iv",
                                                     "local_greeks")}
    return replace(greeks, forwards=forwards, **arrays)
