"""Black–Scholes–Merton with a continuous dividend yield, vectorized; greeks and implied vol.

Units: T in years (ACT/365 calendar time, see ``year_fraction``), r and q continuously
compounded decimals, sigma a decimal (0.20 = 20 %). Greeks per contract *share*: delta, gamma
per $1 move, theta per calendar day, vega per 1 vol point, rho per 1 % rate — the same
conventions as vollib and the Cboe chain exports.

Every function takes scalars or arrays (broadcast together) and never raises for a bad row:
T ≤ 0 prices at intrinsic value, NaN inputs give NaN, and ``implied_vol`` returns NaN where
no volatility reproduces the price.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from analytics import kernels

if kernels.compiled is not None:
    ndtr = kernels.ndtr  # C erfc: no SciPy needed (a frozen app leaves it out)
else:
    from scipy.special import ndtr

SECONDS_PER_YEAR = 365.0 * 24 * 3600
MIN_EXPIRY_SECONDS = 60.0  # same-day options never get less than one minute to the close
SIGMA_MAX = 10.0  # 1000 %: upper bracket of the IV search


def year_fraction(now: datetime, expiry_close: datetime, floor_seconds: float = MIN_EXPIRY_SECONDS) -> float:
    """Time to expiry in years (ACT/365) from ``now`` to the expiry's closing time.

    For a 0DTE option that is minutes to the 16:00 ET close (13:00 on half days) — the caller
    passes the session close from the market calendar — floored at ``floor_seconds`` so the
    last minute still prices; an expired option gets 0.
    """
    seconds = (expiry_close - now).total_seconds()
    if seconds <= 0:
        return 0.0
    return max(seconds, floor_seconds) / SECONDS_PER_YEAR


def _quiet(fn):
    """Run ``fn`` with numpy floating-point warnings off: bad rows become NaN/inf by design."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)

    return wrapper


def _npdf(x: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * x * x) / np.sqrt(2.0 * np.pi)


def _inputs(S, K, T, r, q, sigma, is_call):
    """The inputs as float64 (the side as bool) arrays of one broadcast shape (views, no copies)."""
    arrays = [np.asarray(v, dtype=np.float64) for v in (S, K, T, r, q, sigma)]
    arrays.append(np.asarray(is_call, dtype=bool))
    shape = np.broadcast(*arrays).shape  # (C-level: np.broadcast_arrays costs ~15 µs a call in Python)
    return [a if a.shape == shape else np.broadcast_to(a, shape) for a in arrays]


def _d1_d2(S, K, T, r, q, sigma):
    with np.errstate(divide="ignore", invalid="ignore"):
        vol_t = sigma * np.sqrt(T)
        d1 = (np.log(S / K) + (r - q + 0.5 * sigma * sigma) * T) / vol_t
    return d1, d1 - vol_t, vol_t


@_quiet
def bs_price(S, K, T, r, q, sigma, is_call):
    """Option price per share. T ≤ 0 gives intrinsic value; sigma ≤ 0 the discounted forward
    intrinsic value."""
    S, K, T, r, q, sigma, is_call = _inputs(S, K, T, r, q, sigma, is_call)
    d1, d2, _ = _d1_d2(S, K, T, r, q, sigma)
    sign = np.where(is_call, 1.0, -1.0)
    df_q, df_r = np.exp(-q * np.maximum(T, 0)), np.exp(-r * np.maximum(T, 0))
    with np.errstate(invalid="ignore"):
        price = sign * (S * df_q * ndtr(sign * d1) - K * df_r * ndtr(sign * d2))
        degenerate = np.maximum(sign * (S * df_q - K * df_r), 0.0)
    expired = T <= 0
    price = np.where((sigma <= 0) & ~expired, degenerate, price)
    price = np.where(expired, np.maximum(sign * (S - K), 0.0), price)
    return _scalar_or_array(price)


@dataclass(frozen=True, slots=True)
class Greeks:
    delta: np.ndarray
    gamma: np.ndarray
    theta: np.ndarray  # per calendar day
    vega: np.ndarray  # per 1 vol point
    rho: np.ndarray  # per 1 % rate


def bs_greeks(S, K, T, r, q, sigma, is_call) -> Greeks:
    """Analytic greeks (see module doc for units). Expired or zero-vol rows: delta is the
    intrinsic step (±1 in the money, 0 otherwise), the other greeks 0."""
    S, K, T, r, q, sigma, is_call = _inputs(S, K, T, r, q, sigma, is_call)
    if kernels.compiled is not None:  # one pass per contract in C, same formulas (and no numpy warnings)
        return Greeks(*(_scalar_or_array(g) for g in kernels.bs_greeks(S, K, T, r, q, sigma, is_call)))
    return _numpy_greeks(S, K, T, r, q, sigma, is_call)


@_quiet
def _numpy_greeks(S, K, T, r, q, sigma, is_call) -> Greeks:
    d1, d2, vol_t = _d1_d2(S, K, T, r, q, sigma)
    sign = np.where(is_call, 1.0, -1.0)
    df_q, df_r = np.exp(-q * T), np.exp(-r * T)
    pdf = _npdf(d1)
    nd1, nd2 = ndtr(sign * d1), ndtr(sign * d2)
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = sign * df_q * nd1
        gamma = df_q * pdf / (S * vol_t)
        vega = S * df_q * pdf * np.sqrt(T) / 100.0
        theta = (-S * df_q * pdf * sigma / (2.0 * np.sqrt(T))
                 - sign * r * K * df_r * nd2 + sign * q * S * df_q * nd1) / 365.0
        rho = sign * K * T * df_r * nd2 / 100.0
    degenerate = (T <= 0) | (sigma <= 0)
    if degenerate.any():
        forward_itm = np.where(T <= 0, sign * (S - K) > 0, sign * (S * np.exp(-q * T) - K * np.exp(-r * T)) > 0)
        delta = np.where(degenerate, np.where(forward_itm, sign, 0.0), delta)
        gamma, vega, theta, rho = (np.where(degenerate, 0.0, g) for g in (gamma, vega, theta, rho))
    return Greeks(*(_scalar_or_array(g) for g in (delta, gamma, theta, vega, rho)))


def implied_vol(price, S, K, T, r, q, is_call, tol: float = 1e-12, max_iter: int = 100):
    """Volatility that reproduces ``price``; NaN where none does (price at or below the
    no-arbitrage floor, at or above the ceiling, T ≤ 0, non-finite input).

    Solved on the out-of-the-money side (an in-the-money price is turned into its OTM twin by
    put–call parity, which keeps precision for deep ITM quotes). Compiled (``analytics.kernels``):
    on the normalised Black price, an asymptotic or tangent initial guess either side of the
    inflection point and Householder(3) steps on a log objective inside a bracket — two or three
    steps to machine precision, ``tol`` relative in sigma. Numpy fallback: Newton steps kept
    inside a shrinking bracket, bisection when a step would leave it, ``tol`` relative in price.
    """
    S, K, T, r, q, price, is_call = _inputs(S, K, T, r, q, price, is_call)
    if kernels.compiled is not None:
        return _scalar_or_array(kernels.implied_vol(price, S, K, T, r, q, is_call, tol, max_iter, SIGMA_MAX))
    return _numpy_implied_vol(price, S, K, T, r, q, is_call, tol, max_iter)


@_quiet
def _numpy_implied_vol(price, S, K, T, r, q, is_call, tol: float, max_iter: int):
    otm_price, call_side, valid = _otm_side(price, S, K, T, r, q, is_call)
    out = np.full(price.shape, np.nan)
    idx = np.flatnonzero(valid.ravel())
    if idx.size == 0:
        return _scalar_or_array(out)
    rows = tuple(a.ravel()[idx] for a in (S, K, T, r, q, otm_price, call_side))
    sigma, ok = _newton_in_bracket(*rows, tol, max_iter)
    result = out.ravel()
    result[idx] = np.where(ok & (sigma < SIGMA_MAX * 0.999999), sigma, np.nan)
    return _scalar_or_array(result.reshape(price.shape))


def _otm_side(price, S, K, T, r, q, is_call):
    """(OTM price, whether that is a call, rows where a vol can fit) by put–call parity."""
    with np.errstate(invalid="ignore", over="ignore"):
        df_q, df_r = np.exp(-q * T), np.exp(-r * T)
        fwd_s, fwd_k = S * df_q, K * df_r
        call_side = fwd_s < fwd_k  # OTM call when the discounted forward is below the strike
        parity = np.where(is_call, price - fwd_s + fwd_k, price + fwd_s - fwd_k)
        # a parity remainder within rounding of the quote is no time value: NaN, as in C
        parity = np.where(parity > 8 * np.finfo(float).eps * price, parity, 0.0)
        otm_price = np.where(is_call == call_side, price, parity)
        ceiling = np.where(call_side, fwd_s, fwd_k)
    valid = (np.isfinite(otm_price) & np.isfinite(S) & np.isfinite(K) & np.isfinite(T) & (T > 0)
             & (S > 0) & (K > 0) & (otm_price > 0) & (otm_price < ceiling))
    return otm_price, call_side, valid


def _newton_in_bracket(s, k, t, rr, qq, target, calls, tol: float, max_iter: int):
    """(sigma, whether it reprices to 1e-7) by Newton steps, bisecting when one leaves the bracket."""
    lo, hi = np.full(s.size, 1e-9), np.full(s.size, SIGMA_MAX)
    sigma = _initial_guess(target, s, k, t, rr, qq, calls)
    active = np.ones(s.size, dtype=bool)
    for _ in range(max_iter):
        a = np.flatnonzero(active)
        if a.size == 0:
            break
        sg = sigma[a]
        diff = bs_price(s[a], k[a], t[a], rr[a], qq[a], sg, calls[a]) - target[a]
        lo[a] = np.where(diff < 0, sg, lo[a])
        hi[a] = np.where(diff > 0, sg, hi[a])
        d1, _d2, _ = _d1_d2(s[a], k[a], t[a], rr[a], qq[a], sg)
        vega = s[a] * np.exp(-qq[a] * t[a]) * _npdf(d1) * np.sqrt(t[a])
        with np.errstate(divide="ignore", invalid="ignore"):
            step = sg - diff / vega
        done = (np.abs(diff) <= tol * target[a]) | (hi[a] - lo[a] < 1e-15 * hi[a])
        bisect = ~np.isfinite(step) | (step < lo[a]) | (step > hi[a])
        sigma[a] = np.where(done, sg, np.where(bisect, 0.5 * (lo[a] + hi[a]), step))
        active[a[done]] = False
    final = bs_price(s, k, t, rr, qq, sigma, calls)
    return sigma, np.abs(final - target) <= 1e-7 * np.maximum(target, 1e-12) + 1e-14


def _initial_guess(price, S, K, T, r, q, calls):
    """Corrado–Miller approximation, clipped into a sane range (Newton does the rest)."""
    fwd_s, fwd_k = S * np.exp(-q * T), K * np.exp(-r * T)
    call_price = np.where(calls, price, price + fwd_s - fwd_k)
    half = 0.5 * (fwd_s - fwd_k)
    with np.errstate(invalid="ignore", divide="ignore"):
        inner = (call_price - half) ** 2 - (fwd_s - fwd_k) ** 2 / np.pi
        guess = np.sqrt(2 * np.pi / T) / (fwd_s + fwd_k) * (call_price - half + np.sqrt(np.maximum(inner, 0)))
    return np.clip(np.nan_to_num(guess, nan=0.3), 0.01, 3.0)


def _scalar_or_array(x: np.ndarray):
    return float(x) if np.ndim(x) == 0 else x
