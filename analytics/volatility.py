"""Implied-volatility statistics of a chain: forwards, ATM IV, term structure, skew, IV rank.

Carry (rates and dividends) is read from the chain itself: the forward of each expiry comes
from put–call parity at the strike where call and put are closest in price, so no dividend
guess enters the IVs. Only the discount rate ``r`` is an input (it barely matters for IV).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from analytics.pricing import bs_greeks, implied_vol
from data.option_chain import OptionChain

TRADING_DAYS = 252


@dataclass(frozen=True, slots=True)
class ExpiryVol:
    expiry: date
    T: float
    forward: float
    carry_q: float  # continuous yield that makes S·e^{(r−q)T} the parity forward
    atm_iv: float  # IV at the forward (linear in strike between neighbours)


@dataclass(frozen=True, slots=True)
class TermStructure:
    points: tuple[ExpiryVol, ...]
    shape: str  # "contango" (longer dated richer), "backwardation", "flat", or "n/a"
    steepness: float  # vol points per 30 days between the first and last expiry


@dataclass(frozen=True, slots=True)
class Skew:
    expiry: date
    delta: float  # 0.25 or 0.10
    put_iv: float
    call_iv: float
    risk_reversal: float  # put IV − call IV, vol points: positive = puts richer (normal for indices)
    reading: str


def forwards_and_ivs(chain: OptionChain, spot: float, T: np.ndarray, r: float) -> tuple[list[ExpiryVol], np.ndarray]:
    """Per-expiry forward/ATM IV, and every contract's IV from its mid under that carry."""
    mid = chain.mid
    ivs = np.full(len(chain), np.nan)
    solved: list[tuple[np.datetime64, np.ndarray, float, float, float]] = []  # expiry, rows, t, forward, q
    for expiry, rows in _rows_by_expiry(chain):
        t = float(T[rows[0]])
        forward = _parity_forward(chain, rows, mid, r, t) if t > 0 else None
        if forward is not None:
            solved.append((expiry, rows, t, forward, r - np.log(forward / spot) / t))
    if solved:  # one implied-vol call for every expiry's rows, each under its own carry
        rows = np.concatenate([s[1] for s in solved])
        t, q = (np.repeat([s[i] for s in solved], [len(s[1]) for s in solved]) for i in (2, 4))
        ivs[rows] = implied_vol(mid[rows], spot, chain.strike[rows], t, r, q, chain.is_call[rows])
    out = [ExpiryVol(expiry.item(), t, forward, q, _atm_iv(chain, rows, ivs, forward))
           for expiry, rows, t, forward, q in solved]
    return out, ivs


def _rows_by_expiry(chain: OptionChain) -> list[tuple[np.datetime64, np.ndarray]]:
    """(expiry, its standard-deliverable rows ascending), by date; every root of a date together."""
    rows = np.flatnonzero(~chain.adjusted)
    days = chain.expiry[rows]
    order = np.argsort(days, kind="stable")
    rows, days = rows[order], days[order]
    groups = np.split(rows, np.flatnonzero(days[1:] != days[:-1]) + 1) if len(rows) else []
    return [(chain.expiry[g[0]], g) for g in groups]


def _parity_forward(chain: OptionChain, rows: np.ndarray, mid: np.ndarray, r: float, t: float) -> float | None:
    """Put–call parity at the strike where the call and put mids are closest."""
    quoted = rows[np.isfinite(mid[rows])]
    calls, puts = quoted[chain.is_call[quoted]], quoted[~chain.is_call[quoted]]
    if not len(calls) or not len(puts):
        return None
    call_k, call_at = np.unique(chain.strike[calls], return_index=True)
    put_k, put_at = np.unique(chain.strike[puts], return_index=True)
    both, ci, pi = np.intersect1d(call_k, put_k, return_indices=True)
    if not len(both):
        return None
    c, p = mid[calls[call_at[ci]]], mid[puts[put_at[pi]]]
    best = int(np.argmin(np.abs(c - p)))
    return float(both[best] + np.exp(r * t) * (c[best] - p[best]))


def _atm_iv(chain: OptionChain, rows: np.ndarray, ivs: np.ndarray, forward: float) -> float:
    """IV at the forward: out-of-the-money side at each strike, linear between the two
    strikes around the forward."""
    strikes = chain.strike[rows]
    otm = (chain.is_call[rows] == (strikes >= forward)) & np.isfinite(ivs[rows])
    picked = rows[otm]
    k, first = np.unique(chain.strike[picked], return_index=True)
    values = ivs[picked[first]]
    if len(k) < 2:
        return float(values[0]) if len(values) else float("nan")
    return float(np.interp(forward, k, values))


def term_structure(points: list[ExpiryVol], flat_band: float = 0.005) -> TermStructure:
    pts = tuple(sorted((p for p in points if np.isfinite(p.atm_iv)), key=lambda p: p.T))
    if len(pts) < 2:
        return TermStructure(pts, "n/a", float("nan"))
    days = (pts[-1].T - pts[0].T) * 365
    diff = pts[-1].atm_iv - pts[0].atm_iv
    shape = "flat" if abs(diff) <= flat_band else ("contango" if diff > 0 else "backwardation")
    return TermStructure(pts, shape, 100 * diff / days * 30 if days > 0 else float("nan"))


def delta_skew(chain: OptionChain, rows: np.ndarray, ivs: np.ndarray, spot: float, T: float, r: float,
               q: float, delta: float = 0.25) -> Skew | None:
    """Risk reversal at ``delta``: IV of the −Δ put minus IV of the +Δ call, each found by
    interpolating IV against delta across strikes (deltas from the contracts' own IVs)."""
    return delta_skews(chain, rows, ivs, spot, T, r, q, (delta,))[0]


def delta_skews(chain: OptionChain, rows: np.ndarray, ivs: np.ndarray, spot: float, T: float, r: float,
                q: float, deltas: tuple[float, ...]) -> tuple[Skew | None, ...]:
    """``delta_skew`` at each of ``deltas``, the contracts' deltas computed once for all."""
    curves = {}
    for is_call in (True, False):
        pick = rows[(chain.is_call[rows] == is_call) & np.isfinite(ivs[rows])]
        if len(pick) < 2:
            return (None,) * len(deltas)
        d = np.asarray(bs_greeks(spot, chain.strike[pick], T, r, q, ivs[pick], is_call).delta)
        order = np.argsort(d)
        curves[is_call] = (d[order], ivs[pick][order])
    expiry = chain.expiry[rows[0]].item()
    return tuple(_risk_reversal(curves, delta, expiry) for delta in deltas)


def _risk_reversal(curves: dict[bool, tuple[np.ndarray, np.ndarray]], delta: float, expiry: date) -> Skew | None:
    sides = {}
    for is_call, target in ((True, delta), (False, -delta)):
        d, iv = curves[is_call]
        if not d[0] <= target <= d[-1]:
            return None
        sides[is_call] = float(np.interp(target, d, iv))
    rr = 100 * (sides[False] - sides[True])
    reading = ("puts richer than calls: downside protection is bid" if rr > 0.5 else
               "calls richer than puts: upside is being chased" if rr < -0.5 else "balanced")
    return Skew(expiry, delta, sides[False], sides[True], rr, reading)


def historical_vol(close: np.ndarray, window: int = 20) -> np.ndarray:
    """Annualized close-to-close volatility over ``window`` sessions (NaN during warm-up)."""
    close = np.asarray(close, dtype=np.float64)
    out = np.full(len(close), np.nan)
    if len(close) <= window:
        return out
    rets = np.diff(np.log(close))
    windows = np.lib.stride_tricks.sliding_window_view(rets, window)
    out[window:] = windows.std(axis=1, ddof=1) * np.sqrt(TRADING_DAYS)
    return out


@dataclass(frozen=True, slots=True)
class IvRank:
    rank: float  # 0…100: where today sits between the year's low and high
    percentile: float  # 0…100: share of the year's days below today
    basis: str  # "implied volatility" or "historical-volatility proxy"
    sessions: int


def iv_rank(current_iv: float, iv_history: np.ndarray, closes: np.ndarray | None = None,
            min_sessions: int = 60) -> IvRank | None:
    """IV rank and percentile over the last 252 sessions of stored ATM IV. With fewer than
    ``min_sessions`` stored values, a 20-day historical volatility series from ``closes``
    stands in, and the result says so."""
    hist = np.asarray(iv_history, dtype=np.float64)
    hist = hist[np.isfinite(hist)][-TRADING_DAYS:]
    basis = "implied volatility"
    if len(hist) < min_sessions:
        if closes is None:
            return None
        hv = historical_vol(np.asarray(closes, dtype=np.float64))
        hist = hv[np.isfinite(hv)][-TRADING_DAYS:]
        basis = "historical-volatility proxy"
        if len(hist) < min_sessions:
            return None
    lo, hi = hist.min(), hist.max()
    rank = 100 * (current_iv - lo) / (hi - lo) if hi > lo else 50.0
    return IvRank(float(np.clip(rank, 0, 100)), float(100 * np.mean(hist < current_iv)), basis, len(hist))


def forward_vol(iv1: float, T1: float, iv2: float, T2: float) -> float:
    """Volatility between two expiries implied by their total variances; NaN when the later
    expiry carries less variance (an inverted term structure that no forward vol can fit)."""
    if T2 <= T1:
        return float("nan")
    var = (iv2 * iv2 * T2 - iv1 * iv1 * T1) / (T2 - T1)
    return float(np.sqrt(var)) if var > 0 else float("nan")
