"""Expected move per expiry (straddle and 1σ), and the 0DTE toolkit: move used/remaining,
theta clock, gamma risk and leverage, top contracts by volume."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from analytics.pricing import bs_greeks, bs_price, year_fraction
from data.option_chain import OptionChain


@dataclass(frozen=True, slots=True)
class ExpectedMove:
    expiry: date
    T: float
    atm_strike: float
    straddle: float  # ATM call mid + put mid: the market's priced move ("straddle-implied")
    one_sigma: float  # S·IV·√T: a one-standard-deviation move under the ATM IV ("1σ")
    atm_iv: float


def expected_moves(chain: OptionChain, spot: float, T: np.ndarray, atm_ivs: dict[date, float]
                   ) -> list[ExpectedMove]:
    """One ``ExpectedMove`` per live expiry with a quoted ATM straddle."""
    mid = chain.mid
    out = []
    for expiry in np.unique(chain.expiry):
        rows = np.flatnonzero((chain.expiry == expiry) & ~chain.adjusted & np.isfinite(mid))
        if not len(rows) or T[rows[0]] <= 0:
            continue
        strikes = np.unique(chain.strike[rows])
        k = strikes[np.argmin(np.abs(strikes - spot))]
        call = rows[(chain.strike[rows] == k) & chain.is_call[rows]]
        put = rows[(chain.strike[rows] == k) & ~chain.is_call[rows]]
        if not len(call) or not len(put):
            continue
        t = float(T[rows[0]])
        iv = atm_ivs.get(expiry.item(), float("nan"))
        out.append(ExpectedMove(expiry.item(), t, float(k), float(mid[call[0]] + mid[put[0]]),
                                float(spot * iv * np.sqrt(t)), iv))
    return out


@dataclass(frozen=True, slots=True)
class ZeroDteMove:
    at_open: float  # 1σ move for the whole session, priced at the open
    used: float  # |price − open|
    used_fraction: float
    remaining: float  # 1σ move over the time left (σ rescaled by √ of time left)


def zero_dte_move(open_price: float, price: float, iv: float, session_open: datetime,
                  session_close: datetime, now: datetime) -> ZeroDteMove:
    full = open_price * iv * np.sqrt(year_fraction(session_open, session_close))
    left = price * iv * np.sqrt(year_fraction(now, session_close)) if now < session_close else 0.0
    used = abs(price - open_price)
    return ZeroDteMove(float(full), float(used), float(used / full) if full > 0 else float("nan"), float(left))


@dataclass(frozen=True, slots=True)
class ThetaPoint:
    time: datetime
    value: float  # option value per share if spot and IV stay where they are


def theta_clock(S: float, K: float, r: float, q: float, iv: float, is_call: bool, now: datetime,
                close: datetime, step_minutes: int = 15) -> list[ThetaPoint]:
    """Value of one contract in ``step_minutes`` steps from ``now`` to the close, holding spot
    and IV: the decay a 0DTE holder pays by waiting. The last point is the intrinsic value."""
    points = []
    t = now
    while t < close:
        points.append(ThetaPoint(t, float(bs_price(S, K, year_fraction(t, close), r, q, iv, is_call))))
        t += timedelta(minutes=step_minutes)
    points.append(ThetaPoint(close, float(max(S - K, 0.0) if is_call else max(K - S, 0.0))))
    return points


@dataclass(frozen=True, slots=True)
class GammaRisk:
    delta: float
    gamma: float
    dollar_gamma: float  # $ change of delta-dollars per 1 % move, per contract (×100 shares)
    leverage: float  # delta·S / price: % option move per 1 % underlying move
    theta_per_hour: float


def gamma_risk(S: float, K: float, T: float, r: float, q: float, iv: float, is_call: bool) -> GammaRisk:
    g = bs_greeks(S, K, T, r, q, iv, is_call)
    price = float(bs_price(S, K, T, r, q, iv, is_call))
    leverage = float(g.delta) * S / price if price > 0 else float("nan")
    # theta is per calendar day; per hour is the instantaneous rate / 24
    return GammaRisk(float(g.delta), float(g.gamma), float(g.gamma) * 100 * S * S * 0.01, leverage,
                     float(g.theta) / 24)


def top_by_volume(chain: OptionChain, expiry: date, n: int = 10) -> list[int]:
    """Row indices of the ``n`` most traded contracts of ``expiry`` (ties: higher OI first)."""
    rows = np.flatnonzero((chain.expiry == np.datetime64(expiry, "D")) & ~chain.adjusted)
    vol = np.nan_to_num(chain.volume[rows], nan=0.0)
    oi = np.nan_to_num(chain.open_interest[rows], nan=0.0)
    order = np.lexsort((-oi, -vol))
    return [int(rows[i]) for i in order[:n] if vol[i] > 0]
