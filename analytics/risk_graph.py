"""A position's risk graph: P&L across the underlying today, at chosen dates and at expiry.

What a thinkorswim *Analyze* or OptionStrat user reads: one P&L line per date over a ±N % band
of spots, the expiry line with its break-evens, max profit and max loss, the current spot and
the expected-move band, and a what-if IV shift.

* Rows: ``now`` (today's line), up to three chosen dates, and the front expiry's close — five at
  most (a chosen date equal to now or to the expiry adds no row). A date without a time is read
  at that day's close (``close_of``).
* Before expiry each option leg is worth its Black–Scholes value with the time left to *its own*
  expiry (ACT/365, clocks as ``analytics.option_time``: 16:00 ET, 09:30 for AM-settled index
  monthlies) and its own IV **+ ``iv_shift`` vol points** (absolute: 5 turns 20 % into 25 %;
  floored at 0.01 %). A leg whose IV is unknown makes the rows that need it NaN, never zero
  (but a calendar's later leg without an IV is a ValueError: its expiry line needs the IV).
  At the front expiry the front legs are at intrinsic value (later legs still by the model).
* Markers: ``payoff`` (``analytics.payoff``, read with the shifted IVs — only later legs of a
  calendar feel the shift) gives break-evens and max profit/loss and the exact expiry knots for
  drawing kinks; the expected-move band is the 1σ move S·IV·√T to the front expiry as
  ``analytics.expected_move.ExpectedMove.one_sigma`` defines it (pass the panel's own
  ``ExpectedMove`` to share it, or an ATM IV; by default the IV of the front leg nearest the
  money); the probability of profit uses that same, unshifted, IV.

Money: dollars for the whole position, fees to open included (``Position.cost``).
All rows are valued in one vectorised Black–Scholes call (dates × legs × spots).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from analytics.expected_move import ExpectedMove
from analytics.option_time import default_close
from analytics.payoff import (
    CloseOf,
    ExpiryPayoff,
    IvSource,
    expiry_payoff,
    front_close,
    leg_arrays,
    leg_ivs,
    probability_of_profit,
    value_grid,
    years_left,
)
from analytics.positions import Position
from analytics.pricing import year_fraction

MAX_ROWS = 5  # today, up to three chosen dates, expiry
DEFAULT_POINTS = 200
MIN_SIGMA = 1e-4


@dataclass(frozen=True, slots=True, eq=False)  # arrays inside: compare fields, not objects
class RiskGraph:
    spots: np.ndarray  # (N,) underlying prices, ascending
    times: tuple[datetime, ...]  # one per row: now, the chosen dates, the front expiry's close
    pnl: np.ndarray  # (rows, N) dollars; the last row is the front expiry when the position has one
    spot: float  # the underlying now
    iv_shift: float  # vol points added to every leg's IV
    payoff: ExpiryPayoff  # the expiry read: break-evens, max profit/loss, exact knots
    expected_move: ExpectedMove | None  # 1σ to the front expiry; None without an IV or an expiry
    probability_of_profit: float  # NaN when no IV is known for the band

    @property
    def today(self) -> np.ndarray:
        return self.pnl[0]

    @property
    def at_expiry(self) -> np.ndarray:
        return self.pnl[-1]

    @property
    def break_evens(self) -> tuple[float, ...]:
        return self.payoff.break_evens

    @property
    def max_profit(self) -> tuple[float, float]:
        """(dollars, spot); inf when unlimited."""
        return self.payoff.max_profit, self.payoff.max_profit_at

    @property
    def max_loss(self) -> tuple[float, float]:
        return self.payoff.max_loss, self.payoff.max_loss_at

    @property
    def band(self) -> tuple[float, float]:
        """Spot ± the 1σ expected move (NaN, NaN without one)."""
        if self.expected_move is None:
            return math.nan, math.nan
        return self.spot - self.expected_move.one_sigma, self.spot + self.expected_move.one_sigma


def risk_graph(position: Position, spot: float, ivs: IvSource, r: float, q: float, now: datetime, *,
               span: float | None = None, points: int = DEFAULT_POINTS, dates: Sequence[date | datetime] = (),
               iv_shift: float = 0.0, atm_iv: float | None = None, expected_move: ExpectedMove | None = None,
               close_of: CloseOf = default_close) -> RiskGraph:
    """The risk graph of ``position`` (module doc). ``span``: the spot band as a fraction (0.15 =
    ±15 %); by default wide enough for every strike and twice the expected move, at least ±10 %."""
    if not (math.isfinite(spot) and spot > 0):
        raise ValueError("The risk graph needs the underlying's current price.")
    times = _rows(position, now, dates, close_of)
    market = leg_ivs(position, ivs)
    sigma = np.maximum(market + iv_shift / 100.0, MIN_SIGMA)
    em = expected_move if expected_move is not None else _one_sigma(position, spot, market, atm_iv, now, close_of)
    spots = _spots(position, spot, em, span, points)
    T = np.array([years_left(position, t, close_of) for t in times])
    pnl = value_grid(leg_arrays(position), spots, T, sigma, r, q)
    payoff = expiry_payoff(position, sigma, r, q, close_of)
    pop = math.nan
    if em is not None:
        pop = probability_of_profit(payoff, spot, em.atm_iv, em.T, r, q)
    return RiskGraph(spots, times, pnl, float(spot), float(iv_shift), payoff, em, pop)


def _rows(position: Position, now: datetime, dates: Sequence[date | datetime], close_of: CloseOf
          ) -> tuple[datetime, ...]:
    end = front_close(position, close_of)
    chosen = sorted({d if isinstance(d, datetime) else close_of(d) for d in dates} - {now, end})
    for t in chosen:
        if t < now or (end is not None and t > end):
            last = f" and before the front expiry ({end:%b %d, %Y})" if end else ""
            raise ValueError(f"Pick dates after now{last}: {t:%b %d, %Y %H:%M} is outside.")
    rows = (now, *chosen, *((end,) if end is not None and end > now else ()))
    if len(rows) > MAX_ROWS:
        raise ValueError(f"A risk graph shows at most {MAX_ROWS} dates, today and expiry included "
                         f"({MAX_ROWS - 2} chosen dates).")
    return rows


def _one_sigma(position: Position, spot: float, sigma: np.ndarray, atm_iv: float | None, now: datetime,
               close_of: CloseOf) -> ExpectedMove | None:
    """The 1σ move to the front expiry (``ExpectedMove.one_sigma``: S·IV·√T); the IV is
    ``atm_iv`` or the front leg's nearest the money."""
    end = front_close(position, close_of)
    if end is None:
        return None
    front = [i for i, leg in enumerate(position.legs) if leg.expiry == position.expiries[0]]
    nearest = min(front, key=lambda i: abs(position.legs[i].strike - spot))
    iv = float(atm_iv) if atm_iv is not None else float(sigma[nearest])
    T = year_fraction(now, end)
    if not (math.isfinite(iv) and iv > 0 and T > 0):
        return None
    return ExpectedMove(position.expiries[0], T, float(position.legs[nearest].strike), math.nan,
                        float(spot * iv * math.sqrt(T)), iv)


def _spots(position: Position, spot: float, em: ExpectedMove | None, span: float | None, points: int
           ) -> np.ndarray:
    if points < 2:
        raise ValueError("A risk graph needs at least 2 spot points.")
    if span is None:
        strikes = [leg.strike for leg in position.legs if leg.is_option]
        far = max((abs(k / spot - 1.0) for k in strikes), default=0.0)
        band = 2.0 * em.one_sigma / spot if em is not None else 0.0
        span = min(max(0.10, 1.2 * far, 1.2 * band), 0.95)
    if not (0 < span < 1):
        raise ValueError("The spot band is a fraction between 0 and 1 (0.15 = ±15 %).")
    return np.linspace(spot * (1.0 - span), spot * (1.0 + span), int(points))
