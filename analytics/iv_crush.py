"""The IV-crush simulator: a position's value now and just after the report, over spot moves ×
IV scenarios.

**When "after" is.** The position is valued at the **open of the reaction session** (09:30 ET:
the next session for an after-the-close report, the report date for a before-the-open one) —
the first moment the gap and the crushed IVs can be traded, and when most earnings trades are
closed. Each leg's time left is counted from then to its own expiry's close (ACT/365, as
``analytics.pricing``), so a leg expiring that day still has its session left.

**Spot moves**: a grid of percent moves, by default −3…+3 × the implied move in 25 points
(``move_grid``). **IV scenarios**, each an IV per leg:

* ``implied_scenario``: each expiry's post-event IV (``analytics.event_vol.post_event_ivs``:
  the event's variance taken out of every expiry that spans it; the others unchanged);
* ``points_scenario``: every IV minus x vol points (floored at 1 %);
* ``fraction_scenario``: every IV × a fraction (0.6 = a 40 % crush).

Black–Scholes–Merton (European, ``analytics.pricing`` through ``analytics.payoff.value_grid``)
with a flat r and q. Money in dollars for the whole position: P&L = value − cost (the open
prices and fees, ``Position.cost``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np

from analytics.option_time import default_close
from analytics.payoff import leg_arrays, value_grid, years_left
from analytics.positions import Leg, Position

MIN_IV = 0.01
GRID_POINTS = 25
GRID_SIGMAS = 3.0


@dataclass(frozen=True, slots=True)
class Scenario:
    label: str  # "implied post-event IV", "−10 vol points", "IV × 0.60", "IV unchanged"
    ivs: tuple[float, ...]  # one per leg (NaN for shares)


@dataclass(frozen=True, eq=False)
class CrushGrid:
    moves_pct: np.ndarray  # (M,) spot moves, percent
    spots: np.ndarray  # (M,) spot after the move
    scenarios: tuple[Scenario, ...]  # (K,)
    value_after: np.ndarray  # (M, K) position value just after the event, $
    pnl: np.ndarray  # (M, K) value_after − cost, $
    value_now: float  # the position's model value now (today's IVs and spot), $
    pnl_now: float  # value_now − cost
    cost: float  # $ paid to open (negative: a credit)
    valued_at: datetime  # the "after" moment


def move_grid(implied_move_pct: float, points: int = GRID_POINTS, sigmas: float = GRID_SIGMAS) -> np.ndarray:
    """Percent moves from −``sigmas`` to +``sigmas`` × the implied move (0 included when
    ``points`` is odd)."""
    span = sigmas * abs(implied_move_pct)
    return np.linspace(-span, span, points)


def _position(legs: Sequence[Leg]) -> Position:
    return Position(0, legs[0].underlying, "", tuple(legs), datetime(1970, 1, 1, tzinfo=UTC))


def implied_scenario(legs: Sequence[Leg], post_ivs: Mapping[date, float], now_ivs: Sequence[float]) -> Scenario:
    """Each option leg at its expiry's post-event IV (its IV now where none is given or it is NaN)."""
    out = []
    for leg, iv in zip(legs, now_ivs, strict=True):
        post = post_ivs.get(leg.expiry, math.nan) if leg.is_option else math.nan
        out.append(post if math.isfinite(post) else iv)
    return Scenario("implied post-event IV", tuple(float(x) for x in out))


def points_scenario(now_ivs: Sequence[float], points: float) -> Scenario:
    ivs = np.maximum(np.asarray(now_ivs, float) - points / 100.0, MIN_IV)
    return Scenario(f"−{points:g} vol points" if points > 0 else "IV unchanged", tuple(ivs.tolist()))


def fraction_scenario(now_ivs: Sequence[float], fraction: float) -> Scenario:
    ivs = np.maximum(np.asarray(now_ivs, float) * fraction, MIN_IV)
    return Scenario(f"IV × {fraction:.2f}" if fraction != 1 else "IV unchanged", tuple(ivs.tolist()))


def crush_grid(legs: Sequence[Leg], spot: float, now: datetime, after: datetime, now_ivs: Sequence[float],
               scenarios: Sequence[Scenario], moves_pct: np.ndarray, r: float = 0.0, q: float = 0.0,
               close_of: Callable[[date], datetime] = default_close) -> CrushGrid:
    """Value the position now and at ``after`` for every move × scenario (module doc)."""
    position = _position(legs)
    arrays = leg_arrays(position)
    moves = np.asarray(moves_pct, float)
    spots = spot * (1.0 + moves / 100.0)
    iv_now = np.asarray(now_ivs, float)
    t_now = years_left(position, now, close_of)
    pnl_now = float(value_grid(arrays, np.array([spot]), t_now[None, :], iv_now, r, q)[0, 0])
    t_after = years_left(position, after, close_of)
    sigma = np.array([s.ivs for s in scenarios], float).reshape(len(scenarios), len(legs))
    T = np.broadcast_to(t_after, sigma.shape)
    pnl = value_grid(arrays, spots, T, sigma, r, q).T  # (M, K)
    return CrushGrid(moves, spots, tuple(scenarios), pnl + arrays.cost, pnl, pnl_now + arrays.cost, pnl_now,
                     arrays.cost, after)


def breakeven_moves(grid: CrushGrid, scenario: int = 0) -> tuple[float, ...]:
    """Percent moves where the P&L of one scenario crosses 0 (linear between grid points)."""
    y, x = grid.pnl[:, scenario], grid.moves_pct
    cross = np.flatnonzero(np.sign(y[:-1]) * np.sign(y[1:]) < 0)
    return tuple(float(x[i] - y[i] * (x[i + 1] - x[i]) / (y[i + 1] - y[i])) for i in cross)
