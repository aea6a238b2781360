"""Live value, P&L and greeks of positions from contract marks, as a trader's tracker shows them.

Per leg (``LegValue``), in dollars unless said otherwise:

* **mark**: the mid of a two-sided quote, per share (shares without one fall back to the last
  trade; an option never does — its last print can be hours old). bid and ask come along.
* **value** = quantity × mark × multiplier (a short leg is worth minus what closing it costs).
* **cost** = quantity × open price × multiplier + fees (negative: a credit received).
* **P&L** = value − cost; **P&L %** = P&L / |cost| × 100. For a credit trade the basis is the
  credit received (net of fees): +50 % means half the credit is kept, −100 % that closing now
  costs twice the credit.
* **today's P&L** = quantity × multiplier × (mark − previous close); for a position opened today
  (market date, ET) it is the P&L since the open instead (thinkorswim's "P/L Day").
* **greeks** × quantity × multiplier: delta in shares and in dollars (× the underlying price),
  gamma in shares of delta per $1, theta in $ per calendar day, vega in $ per vol point; a share
  leg has delta 1 per share and no other greek.
* **DTE**: calendar days to expiry (None for shares).
* **missing**: no usable mark (none at all, or no two-sided quote for an option); **stale**: the
  mark is older than ``stale_after_s`` on the market clock. Either way the leg's value, P&L and
  greeks are NaN, never 0.

Totals (``PositionValue``) add the legs that have a value; ``partial`` says some leg is missing
or stale, and then P&L % is NaN (a percentage of part of a trade means nothing). A total with no
valued leg is NaN. Everything is computed on arrays of all the legs of all the positions at
once (``value_positions``), so revaluing hundreds of positions per chain snapshot is cheap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import NamedTuple

import numpy as np

from analytics.position_marks import chain_rows, marks_for, marks_from_chain, share_mark
from analytics.positions import ContractMark, Position
from data.market_calendar import ET

__all__ = ["LegValue", "PositionValue", "chain_rows", "marks_for", "marks_from_chain", "share_mark",
           "value_position", "value_positions"]

_NAN = math.nan
_NO_MARK = (_NAN,) * 11


class LegValue(NamedTuple):
    symbol: str
    quantity: int
    multiplier: int
    bid: float
    ask: float
    mark: float  # per share
    underlying_price: float
    value: float
    cost: float
    pnl: float
    pnl_pct: float
    day_pnl: float
    delta_shares: float
    delta_dollars: float
    gamma: float
    theta: float  # $ per calendar day
    vega: float  # $ per vol point
    iv: float
    dte: int | None
    missing: bool
    stale: bool


class PositionValue(NamedTuple):
    position_id: int
    underlying: str
    strategy: str
    legs: tuple[LegValue, ...]
    underlying_price: float
    value: float
    cost: float  # dollars paid to open, fees included (negative: a credit)
    pnl: float
    pnl_pct: float  # against |cost|: for a credit trade, the share of the credit kept
    day_pnl: float
    delta_shares: float
    delta_dollars: float
    gamma: float
    theta: float
    vega: float
    dte: int | None  # the nearest expiry's
    is_credit: bool
    net_premium: float  # dollars paid (+) or received (−) at the open, before fees
    missing: bool  # some leg has no mark
    stale: bool  # some leg's mark is stale
    partial: bool  # missing or stale: the totals leave those legs out


def value_position(position: Position, marks: Mapping[str, ContractMark], today: date, now: datetime,
                   stale_after_s: float) -> PositionValue:
    """One position's live value (see the module doc for every figure's meaning and units)."""
    return value_positions((position,), marks, today, now, stale_after_s)[0]


def value_positions(positions: Sequence[Position], marks: Mapping[str, ContractMark], today: date,
                    now: datetime, stale_after_s: float) -> list[PositionValue]:
    """Every position's value in one pass over the arrays of all their legs."""
    positions = list(positions)
    if not positions:
        return []
    if any(not p.legs for p in positions):
        raise ValueError("a position without legs cannot be valued")
    legs = [leg for p in positions for leg in p.legs]
    counts = [len(p.legs) for p in positions]
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    cols = _leg_columns(positions, legs, counts, marks, today, now, stale_after_s)
    totals = _totals(cols, starts, counts)
    leg_rows = _leg_rows(legs, cols)
    out = []
    for i, p in enumerate(positions):
        lo = int(starts[i])
        out.append(PositionValue(p.id, p.underlying, p.strategy, tuple(leg_rows[lo:lo + counts[i]]),
                                 *(t[i] for t in totals)))
    return out


def _mark_rows(legs, marks, now: datetime) -> tuple[np.ndarray, np.ndarray]:
    """Per leg: the mark's numbers (NaN row when absent) and whether a mark exists."""
    t_now = now.timestamp()
    seen: dict[str, tuple] = {}
    rows = []
    for leg in legs:
        row = seen.get(leg.symbol)
        if row is None:
            m = marks.get(leg.symbol)
            row = _NO_MARK if m is None else (m.bid, m.ask, m.last, m.underlying_price, t_now - m.asof.timestamp(),
                                              m.iv, m.delta, m.gamma, m.theta, m.vega, m.prev_close)
            seen[leg.symbol] = row
        rows.append(row)
    data = np.array(rows, dtype=float).reshape(len(legs), 11)
    present = np.array([leg.symbol in marks for leg in legs], dtype=bool)
    return data, present


def _leg_columns(positions, legs, counts, marks, today, now, stale_after_s) -> dict[str, np.ndarray]:
    m, present = _mark_rows(legs, marks, now)
    bid, ask, last, und, age, iv, delta, gamma, theta, vega, prev = m.T
    q, mult, open_price, fees, option, expiry = np.array(
        [(leg.quantity, leg.multiplier, leg.open_price, leg.fees, leg.is_option,
          leg.expiry.toordinal() if leg.expiry is not None else _NAN) for leg in legs], dtype=float).T
    option = option.astype(bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        two_sided = np.isfinite(bid) & np.isfinite(ask) & (bid >= 0) & (bid <= ask) & (ask > 0)
        mid = np.where(two_sided, 0.5 * (bid + ask), _NAN)
        mark = np.where(option | np.isfinite(mid), mid, last)
        missing = ~present | ~np.isfinite(mark)
        stale = present & ~missing & ~(age <= stale_after_s)
        ok = ~missing & ~stale
        mark = np.where(ok, mark, _NAN)
        und = np.where(option, und, mark)
        size = q * mult
        value = size * mark
        cost = size * open_price + fees
        pnl = value - cost
        opened_today = np.repeat([p.opened_at.astimezone(ET).date() >= today for p in positions], counts)
        day = np.where(opened_today, pnl, size * (mark - prev))
        delta = np.where(option, delta, 1.0)
        greek = ok | ~option  # a share's delta needs no quote
        cols = {
            "bid": bid, "ask": ask, "mark": mark, "und": und, "value": value, "cost": cost, "pnl": pnl,
            "pnl_pct": np.where(cost != 0, pnl / np.abs(cost) * 100.0, _NAN), "day": day,
            "delta_sh": np.where(greek, size * delta, _NAN),
            "delta_usd": np.where(greek, size * delta, _NAN) * und,
            "gamma": np.where(option, np.where(ok, size * gamma, _NAN), 0.0),
            "theta": np.where(option, np.where(ok, size * theta, _NAN), 0.0),
            "vega": np.where(option, np.where(ok, size * vega, _NAN), 0.0),
            "iv": np.where(option & ok, iv, _NAN), "dte": expiry - today.toordinal(),
            "missing": missing, "stale": stale, "premium": size * open_price,
        }
    return cols


def _sum(x: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Segment sums of the finite values; NaN for a segment with none."""
    finite = np.isfinite(x)
    total = np.add.reduceat(np.where(finite, x, 0.0), starts)
    return np.where(np.add.reduceat(finite.astype(np.int64), starts) > 0, total, _NAN)


def _totals(c: dict[str, np.ndarray], starts: np.ndarray, counts: list[int]) -> list[list]:
    """Columns of the PositionValue fields after ``legs``, one entry per position."""
    missing = np.logical_or.reduceat(c["missing"], starts)
    stale = np.logical_or.reduceat(c["stale"], starts)
    partial = missing | stale
    cost = np.add.reduceat(c["cost"], starts)
    pnl = _sum(c["pnl"], starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        pnl_pct = np.where(~partial & (cost != 0), pnl / np.abs(cost) * 100.0, _NAN)
        und = np.fmax.reduceat(c["und"], starts)
        dte = np.fmin.reduceat(c["dte"], starts)
    premium = np.add.reduceat(c["premium"], starts)
    columns = [und, _sum(c["value"], starts), cost, pnl, pnl_pct, _sum(c["day"], starts)]
    columns += [_sum(c[k], starts) for k in ("delta_sh", "delta_usd", "gamma", "theta", "vega")]
    out = [col.tolist() for col in columns]
    out.append([None if math.isnan(d) else int(d) for d in dte.tolist()])
    out += [(premium < 0).tolist(), premium.tolist(), missing.tolist(), stale.tolist(), partial.tolist()]
    return out


def _leg_rows(legs, c: dict[str, np.ndarray]) -> list[LegValue]:
    names = ("bid", "ask", "mark", "und", "value", "cost", "pnl", "pnl_pct", "day", "delta_sh", "delta_usd",
             "gamma", "theta", "vega", "iv")
    numbers = zip(*(c[k].tolist() for k in names), strict=True)
    dtes = [None if math.isnan(d) else int(d) for d in c["dte"].tolist()]
    return [LegValue(leg.symbol, leg.quantity, leg.multiplier, *nums, dte, miss, st)
            for leg, nums, dte, miss, st in zip(legs, numbers, dtes, c["missing"].tolist(), c["stale"].tolist(),
                                                strict=True)]
