"""A position's P&L at expiry: break-evens, max profit / max loss, probability of profit.

Money is dollars for the whole position: Σ quantity × multiplier × value per share − the
position's cost (``Position.cost``: open prices and the fees paid to open; fees to close are not
known and not included). Spots run over [0, ∞): the underlying cannot go below 0, so a loss or
profit reached at 0 is finite (a short put's max loss is the strike − the credit), and only the
upper tail can be unlimited — ``math.inf`` / ``-math.inf`` whenever the P&L still moves with the
underlying above the last strike (net calls plus shares ≠ 0: a short call, long shares …).

**One expiry** (all option legs share it, plus any shares): the P&L at expiry is piecewise
linear with its kinks at the strikes, and everything here is exact — the knots are 0 and the
strikes, break-evens are the roots of each linear piece, extremes sit on a knot or in the tail.

**Several expiries** (calendars, diagonals): the read is at the *front* expiry's close, the
front legs at intrinsic value and every later leg valued by Black–Scholes at its own IV with the
time left to *its* expiry — a **model value**, not a contract payoff. It is read on a fine grid
(the front strikes included), roots refined by false position on the model itself, extremes by
a parabola through the best grid point (the grid step is 0.075 % of the top strike: a profit
zone narrower than that could be missed). The tails are judged by the legs' counts as at expiry
(a deep in-the-money back call moves one for one with the underlying; the e^−qτ carry drag of a
European model is ignored, an American holder would exercise).

**Probability of profit**: P(P&L at the (front) expiry > 0) when the underlying is lognormal
with risk-neutral drift r − q and the volatility the caller passes: pass the front expiry's ATM
IV (the IV of the expected-move band; ``analytics.risk_graph`` does), not each leg's own IV, so
one distribution prices every interval. Computed exactly as Σ N(d(hi)) − N(d(lo)) over the
intervals where the P&L is positive, never by sampling.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from analytics.option_time import ET, OPEN, default_close
from analytics.positions import Leg, Position
from analytics.pricing import bs_price, ndtr, year_fraction
from data.symbols import AM_SETTLED_ROOTS, SymbolError, parse_option_symbol

# an IV per leg: by leg symbol, in leg order, or a function of the leg (NaN or missing: unknown)
IvSource = Mapping[str, float] | Sequence[float] | Callable[[Leg], float] | None
CloseOf = Callable[[date], datetime]

MODEL_GRID_POINTS = 4001  # multi-expiry read: grid from 0 to MODEL_GRID_SPAN × the top strike
MODEL_GRID_SPAN = 3.0
ROOT_ITERATIONS = 60


@dataclass(frozen=True, slots=True, eq=False)  # arrays inside: compare fields, not objects
class LegArrays:
    """A position's legs as arrays, in leg order (NaN strike for shares)."""

    units: np.ndarray  # quantity × multiplier: dollars per $1 of value per share
    strike: np.ndarray
    is_call: np.ndarray
    is_option: np.ndarray
    cost: float  # Position.cost: open prices and fees, dollars


def leg_arrays(position: Position) -> LegArrays:
    legs = position.legs
    return LegArrays(np.array([leg.quantity * leg.multiplier for leg in legs], dtype=float),
                     np.array([leg.strike if leg.is_option else math.nan for leg in legs], dtype=float),
                     np.array([bool(leg.is_call) for leg in legs]),
                     np.array([leg.is_option for leg in legs]), float(position.cost))


def leg_ivs(position: Position, ivs: IvSource) -> np.ndarray:
    """One IV per leg (NaN for shares and where none is known)."""
    legs = position.legs
    if ivs is None:
        values = [math.nan] * len(legs)
    elif callable(ivs):
        values = [ivs(leg) for leg in legs]
    elif isinstance(ivs, Mapping):
        values = [ivs.get(leg.symbol, math.nan) for leg in legs]
    else:
        values = list(ivs)
        if len(values) != len(legs):
            raise ValueError(f"{len(values)} IVs for {len(legs)} legs: give one IV per leg, in leg order.")
    out = np.array([float(v) if v is not None else math.nan for v in values], dtype=float)
    return np.where([leg.is_option for leg in legs], out, math.nan)


def leg_close(leg: Leg, close_of: CloseOf = default_close) -> datetime | None:
    """When the leg's clock stops (as ``analytics.option_time``): 09:30 ET for AM-settled index
    monthlies, else the expiry day's close; None for shares."""
    if leg.expiry is None:
        return None
    try:
        root = parse_option_symbol(leg.symbol).root
    except SymbolError:
        root = ""
    return datetime.combine(leg.expiry, OPEN, ET) if root in AM_SETTLED_ROOTS else close_of(leg.expiry)


def front_close(position: Position, close_of: CloseOf = default_close) -> datetime | None:
    """The front expiry's last close (an AM and a PM leg on one date: the PM close)."""
    if not position.expiries:
        return None
    front = position.expiries[0]
    return max(leg_close(leg, close_of) for leg in position.legs if leg.expiry == front)


def years_left(position: Position, asof: datetime, close_of: CloseOf = default_close) -> np.ndarray:
    """Years (ACT/365) from ``asof`` to each leg's expiry; 0 for shares and expired legs."""
    return np.array([year_fraction(asof, end) if (end := leg_close(leg, close_of)) else 0.0
                     for leg in position.legs])


def value_grid(legs: LegArrays, spots: np.ndarray, T: np.ndarray, sigma: np.ndarray, r: float, q: float
               ) -> np.ndarray:
    """P&L in dollars on ``spots`` (N,) at each valuation time: ``T`` (D, L) years left per leg,
    ``sigma`` (L,) or (D, L). Returns (D, N); one Black–Scholes call for the whole grid."""
    S = np.asarray(spots, dtype=float)[None, None, :]
    T = np.atleast_2d(np.asarray(T, dtype=float))
    sig = np.broadcast_to(np.asarray(sigma, dtype=float), T.shape)
    strike = np.where(legs.is_option, legs.strike, 1.0)[None, :, None]
    price = bs_price(S, strike, T[:, :, None], r, q, sig[:, :, None], legs.is_call[None, :, None])
    with np.errstate(invalid="ignore"):
        per_share = np.where(legs.is_option[None, :, None], price, S)
        return np.einsum("l,dln->dn", legs.units, per_share) - legs.cost


@dataclass(frozen=True, slots=True, eq=False)  # arrays inside: compare fields, not objects
class ExpiryPayoff:
    """The P&L at the (front) expiry and what a trader reads off it; dollars, spots in $."""

    expiry: date | None  # the (front) expiry; None for shares alone
    exact: bool  # True: the contract payoff; False: a model value (later legs by Black–Scholes)
    knots: np.ndarray  # spots where the P&L is known: 0 and the strikes (exact) or the grid (model)
    values: np.ndarray  # P&L at the knots
    tail_slope: float  # dollars per $1 of underlying above the last knot
    break_evens: tuple[float, ...]  # where the P&L turns positive or stops being positive
    profit_intervals: tuple[tuple[float, float], ...]  # spots (lo, hi) with P&L > 0; hi may be inf
    max_profit: float  # math.inf when unlimited
    max_profit_at: float  # spot where reached (of a flat stretch, its end nearest the strikes); inf: unlimited
    max_loss: float  # the lowest P&L (negative for a loss); -math.inf when unlimited
    max_loss_at: float

    def pnl(self, spots) -> np.ndarray:
        """P&L at ``spots``: exact for one expiry, the grid's interpolation for a model read."""
        s = np.asarray(spots, dtype=float)
        inside = np.interp(s, self.knots, self.values)
        return np.where(s > self.knots[-1], self.values[-1] + self.tail_slope * (s - self.knots[-1]), inside)


def expiry_payoff(position: Position, ivs: IvSource = None, r: float = 0.0, q: float = 0.0,
                  close_of: CloseOf = default_close) -> ExpiryPayoff:
    """Break-evens and max profit/loss at the (front) expiry (module doc); ``ivs`` are needed only
    for legs expiring after the front expiry."""
    legs = leg_arrays(position)
    tail = float(legs.units[~legs.is_option | legs.is_call].sum())
    expiries = position.expiries
    if len(expiries) <= 1:
        knots = np.concatenate(([0.0], np.unique(legs.strike[legs.is_option])))
        values = _intrinsic_pnl(legs, knots)
        intervals = _profit_intervals(knots, values, tail, _linear_root)
        return _summary(expiries[0] if expiries else None, True, knots, values, tail, intervals, knots[1:])
    return _model_payoff(position, legs, tail, leg_ivs(position, ivs), r, q, close_of)


def pnl_at_expiry(position: Position, spots, ivs: IvSource = None, r: float = 0.0, q: float = 0.0,
                  close_of: CloseOf = default_close) -> np.ndarray:
    """P&L in dollars at the (front) expiry's close for each spot (exact; model for later legs)."""
    legs = leg_arrays(position)
    end = front_close(position, close_of)
    T = years_left(position, end, close_of) if end else np.zeros(len(position.legs))
    return value_grid(legs, np.atleast_1d(np.asarray(spots, dtype=float)), T, leg_ivs(position, ivs), r, q)[0]


def _intrinsic_pnl(legs: LegArrays, spots: np.ndarray) -> np.ndarray:
    S = spots[:, None]
    sign = np.where(legs.is_call, 1.0, -1.0)
    with np.errstate(invalid="ignore"):
        per_share = np.where(legs.is_option, np.maximum(sign * (S - legs.strike), 0.0), S)
    return per_share @ legs.units - legs.cost


def _model_payoff(position: Position, legs: LegArrays, tail: float, sigma: np.ndarray, r: float, q: float,
                  close_of: CloseOf) -> ExpiryPayoff:
    end = front_close(position, close_of)
    T = years_left(position, end, close_of)
    later = legs.is_option & (T > 0)
    if np.isnan(sigma[later]).any():
        missing = [leg.symbol for leg, m in zip(position.legs, later & np.isnan(sigma), strict=True) if m]
        raise ValueError(f"No IV for {', '.join(missing)}: a leg after the front expiry is valued from its IV.")
    top = float(np.nanmax(legs.strike))
    front_strikes = legs.strike[legs.is_option & (T == 0)]
    knots = np.unique(np.concatenate((np.linspace(0.0, MODEL_GRID_SPAN * top, MODEL_GRID_POINTS), front_strikes)))

    def f(s: np.ndarray) -> np.ndarray:
        return value_grid(legs, s, T, sigma, r, q)[0]

    values = f(knots)
    intervals = _profit_intervals(knots, values, tail, lambda a, b, fa, fb: _false_position(f, a, b, fa, fb))
    summary = _summary(position.expiries[0], False, knots, values, tail, intervals, legs.strike[legs.is_option])
    return _refine_extremes(summary, f)


def _linear_root(a, b, fa, fb):
    return a + (0.0 - fa) * (b - a) / (fb - fa)


def _false_position(f, a, b, fa, fb):
    """Roots of ``f`` in the brackets [a, b] (arrays, f(a)·f(b) ≤ 0), Illinois false position."""
    a, b, fa, fb = (np.array(x, dtype=float) for x in (a, b, fa, fb))
    side = np.zeros(a.shape)
    for _ in range(ROOT_ITERATIONS):
        x = _linear_root(a, b, fa, fb)
        fx = f(x)
        left = np.sign(fx) == np.sign(fa)
        fb = np.where(left & (side == 1), fb / 2, fb)  # Illinois: halve the end that stays put
        fa = np.where(~left & (side == -1), fa / 2, fa)
        a, fa = np.where(left, x, a), np.where(left, fx, fa)
        b, fb = np.where(left, b, x), np.where(left, fb, fx)
        side = np.where(left, 1, -1)
        if np.all((np.abs(fx) < 1e-10) | (b - a < 1e-12 * np.maximum(b, 1.0))):
            break
    return x


def _profit_intervals(knots: np.ndarray, values: np.ndarray, tail: float, root) -> list[tuple[float, float]]:
    """The spots where the P&L is > 0, from its values at the knots and the tail slope; ``root``
    finds the zero inside a sign-changing segment (vectorised over all of them)."""
    pos = values > 0
    cross = np.flatnonzero(pos[:-1] != pos[1:])  # each starts (− → +) or ends (+ → −) an interval
    edges: list[float] = [0.0] if pos[0] else []
    if len(cross):
        edges += np.atleast_1d(root(knots[cross], knots[cross + 1], values[cross], values[cross + 1])).tolist()
    if (tail < 0) if pos[-1] else (tail > 0):  # the tail leaves (or enters) the profit zone
        edges.append(float(knots[-1] - values[-1] / tail))
    if len(edges) % 2:
        edges.append(math.inf)
    return [(edges[i], edges[i + 1]) for i in range(0, len(edges), 2) if edges[i + 1] > edges[i]]


def _summary(expiry, exact: bool, knots: np.ndarray, values: np.ndarray, tail: float,
             intervals: list[tuple[float, float]], strikes: np.ndarray) -> ExpiryPayoff:
    middle = 0.5 * (np.min(strikes) + np.max(strikes)) if len(strikes) else 0.0
    hi, lo = _extreme_knot(knots, values, 1.0, middle), _extreme_knot(knots, values, -1.0, middle)
    max_profit, max_profit_at = (math.inf, math.inf) if tail > 0 else (float(values[hi]), float(knots[hi]))
    max_loss, max_loss_at = (-math.inf, math.inf) if tail < 0 else (float(values[lo]), float(knots[lo]))
    evens = sorted({x for pair in intervals for x in pair if 0 < x < math.inf})
    return ExpiryPayoff(expiry, exact, knots, values, tail, tuple(evens), tuple(intervals), max_profit, max_profit_at,
                        max_loss, max_loss_at)


def _extreme_knot(knots: np.ndarray, values: np.ndarray, sign: float, middle: float) -> int:
    """The knot of the max (sign 1) or min (−1); of a flat stretch, the end nearest the middle of
    the strikes (a bull call spread's max profit: at the upper strike, not at infinity)."""
    best = np.max(sign * values)
    tied = np.flatnonzero(sign * values >= best - 1e-9 * max(1.0, abs(best)))
    return int(tied[np.argmin(np.abs(knots[tied] - middle))])


def _refine_extremes(p: ExpiryPayoff, f) -> ExpiryPayoff:
    """A model read's max/min between grid points: the vertex of the parabola through the best
    grid point and its neighbours, kept when the model agrees it is better."""
    out = {}
    for name, sign in (("max_profit", 1.0), ("max_loss", -1.0)):
        value, at = getattr(p, name), getattr(p, name + "_at")
        i = int(np.searchsorted(p.knots, at))
        if not math.isfinite(value) or i == 0 or i >= len(p.knots) - 1:
            continue
        (x0, x1, x2), (y0, y1, y2) = p.knots[i - 1:i + 2], p.values[i - 1:i + 2]
        denom = (x0 - x1) * (x0 - x2) * (x1 - x2)
        a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / denom
        b = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / denom
        if a * sign < 0:
            x = min(max(-b / (2 * a), x0), x2)
            y = float(f(np.array([x]))[0])
            if sign * (y - value) > 0:
                out[name], out[name + "_at"] = y, float(x)
    return dataclasses.replace(p, **out) if out else p


def probability_of_profit(payoff: ExpiryPayoff, spot: float, iv: float, T: float, r: float = 0.0,
                          q: float = 0.0) -> float:
    """P(P&L at the expiry > 0) for a lognormal underlying (drift r − q, volatility ``iv``, ``T``
    years to the (front) expiry): the lognormal CDF differenced over the profit intervals. NaN
    when the IV is unknown; with no time or no volatility left, 1 or 0 from today's spot."""
    if not (math.isfinite(spot) and spot > 0 and math.isfinite(iv) and math.isfinite(T)):
        return math.nan
    if T <= 0 or iv <= 0:
        return float(any(lo < spot < hi for lo, hi in payoff.profit_intervals))
    scale = iv * math.sqrt(T)
    mean = math.log(spot) + (r - q - 0.5 * iv * iv) * T
    edges = np.array([x for pair in payoff.profit_intervals for x in pair], dtype=float)
    if not len(edges):
        return 0.0
    with np.errstate(divide="ignore"):
        z = (np.log(edges) - mean) / scale  # log(0) = -inf, log(inf) = inf: CDF 0 and 1
    cdf = np.asarray(ndtr(np.ascontiguousarray(z)), dtype=float)
    return float(np.clip(np.sum(cdf[1::2] - cdf[0::2]), 0.0, 1.0))
