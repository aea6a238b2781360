"""What every exit rule reads: the position, its marks and their quality, the chain, the clock.

A leg's mark is **usable** for a money rule when it is present, two-sided, fresh (younger than
``max_mark_age_seconds`` at ``now``), not in the first ``skip_minutes_after_open`` of the
session, and not too wide (bid/ask spread at most
``max_spread_pct_of_mid`` % of the mid, or ``min_spread_allowed`` per share). A rule that needs
money numbers stays silent unless every leg it values is usable: a missing or stale mark gives
no advice, never a wrong number.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import numpy as np

from analytics.chain_greeks import ChainGreeks
from analytics.exit_rules.model import ActionLeg, ExitParams, SuggestedAction, UnderlyingStop, finite
from analytics.option_time import default_close
from analytics.positions import ContractMark, Leg, Position
from data.option_chain import OptionChain
from data.symbols import AM_SETTLED_ROOTS, SymbolError, parse_option_symbol

ET = ZoneInfo("America/New_York")
OK, MISSING, STALE, WIDE, OPENING = "ok", "missing", "stale", "wide", "opening"
SESSION_OPEN = time(9, 30)


@dataclass(frozen=True, eq=False)
class Context:
    position: Position
    marks: dict[str, ContractMark]
    chain: OptionChain | None
    greeks: ChainGreeks | None
    spot: float
    now: datetime
    params: ExitParams
    earnings: date | None = None
    next_dividend: tuple[date, float] | None = None
    stop: UnderlyingStop | None = None
    close_of: Callable[[date], datetime] = default_close

    @cached_property
    def today(self) -> date:
        return self.now.astimezone(ET).date()

    @cached_property
    def in_opening_minutes(self) -> bool:
        opened = datetime.combine(self.today, SESSION_OPEN, ET)
        return opened <= self.now < opened + timedelta(minutes=self.params.skip_minutes_after_open)

    @cached_property
    def option_legs(self) -> tuple[Leg, ...]:
        return tuple(leg for leg in self.position.legs if leg.is_option)

    @property
    def spot_ok(self) -> bool:
        return finite(self.spot) and self.spot > 0

    def quality(self, leg: Leg) -> str:
        mark = self.marks.get(leg.symbol)
        if mark is None or not math.isfinite(mark.mid):
            return MISSING
        if (self.now - mark.asof).total_seconds() > self.params.max_mark_age_seconds:
            return STALE
        if self.in_opening_minutes:
            return OPENING
        width = mark.ask - mark.bid
        if width > max(self.params.max_spread_pct_of_mid / 100 * mark.mid, self.params.min_spread_allowed) + 1e-12:
            return WIDE
        return OK

    def usable(self, legs: tuple[Leg, ...]) -> bool:
        return bool(legs) and all(self.quality(leg) == OK for leg in legs)

    def mid(self, leg: Leg) -> float:
        return self.marks[leg.symbol].mid

    def value(self, legs: tuple[Leg, ...]) -> float:
        """Dollars the legs are worth at the mids now (negative: it costs that to close)."""
        return sum(leg.quantity * self.mid(leg) * leg.multiplier for leg in legs)

    def dte(self, leg: Leg) -> int:
        return leg.dte(self.today)

    @cached_property
    def chain_ok(self) -> bool:
        c = self.chain
        return c is not None and len(c) > 0 and \
            (self.now - c.asof).total_seconds() <= self.params.max_chain_age_seconds

    @cached_property
    def rows(self) -> dict[str, int]:
        if self.chain is None:
            return {}
        return {str(s): i for i, s in enumerate(self.chain.symbol.tolist())}

    def row_delta(self, i: int) -> float:
        if self.greeks is not None and math.isfinite(self.greeks.delta[i]):
            return float(self.greeks.delta[i])
        return float(self.chain.delta[i])

    def greek(self, leg: Leg, name: str) -> float:
        """A leg's per-share greek: the mark's, else the chain's greeks row, else NaN."""
        mark = self.marks.get(leg.symbol)
        value = getattr(mark, name) if mark is not None else math.nan
        if not math.isfinite(value) and self.greeks is not None and leg.symbol in self.rows:
            value = float(getattr(self.greeks, name)[self.rows[leg.symbol]])
        return value


def leg_root(leg: Leg) -> str | None:
    """The OCC root of an option leg (``SPXW``, ``SPX``…), None when its symbol does not parse."""
    try:
        return parse_option_symbol(leg.symbol).root
    except SymbolError:
        return None


def last_trading_day(leg: Leg) -> date:
    """AM-settled index monthlies (root SPX, NDX…) stop trading the day before their expiry date
    (a holiday on that day is not looked up); everything else trades on the expiry date."""
    return leg.expiry - timedelta(days=1) if leg_root(leg) in AM_SETTLED_ROOTS else leg.expiry


def premium(legs: tuple[Leg, ...]) -> float:
    """Net premium paid to open, dollars, before fees (negative: a credit received)."""
    return sum(leg.quantity * leg.open_price * leg.multiplier for leg in legs)


def close_legs(ctx: Context, legs: tuple[Leg, ...], at: str = "mid") -> tuple[ActionLeg, ...]:
    """Orders that close ``legs``: at the mid, or ``at="touch"`` (buy at the ask, sell at the bid)."""
    out = []
    for leg in legs:
        mark = ctx.marks.get(leg.symbol)
        side = "sell" if leg.quantity > 0 else "buy"
        price = None
        if mark is not None and ctx.quality(leg) in (OK, WIDE, OPENING):
            price = mark.mid if at == "mid" else (mark.bid if side == "sell" else mark.ask)
        out.append(ActionLeg(leg.symbol, side, abs(leg.quantity), price, "close", leg.expiry, leg.is_call, leg.strike))
    return tuple(out)


def close_action(ctx: Context, legs: tuple[Leg, ...]) -> SuggestedAction:
    """Close every leg at its mid: net_amount = the legs' value (+ a credit to close a debit trade)."""
    orders = close_legs(ctx, legs)
    net = ctx.value(legs) if ctx.usable(legs) else None
    same = len({leg.multiplier for leg in legs}) == 1
    per_share = net / (legs[0].multiplier * unit(legs)) if net is not None and same else None
    return SuggestedAction("close", orders, per_share, net)


def cash(legs: tuple[ActionLeg, ...], multipliers: tuple[int, ...]) -> float | None:
    """Dollars the orders bring in (+) or cost (−); None if one has no price."""
    if any(leg.price is None for leg in legs):
        return None
    return sum((1 if leg.side == "sell" else -1) * leg.quantity * leg.price * m for leg, m in zip(legs, multipliers,
                                                                                                   strict=True))


def unit(legs: tuple[Leg, ...]) -> int:
    """Contracts in one unit of the structure (the gcd of the legs' sizes)."""
    return math.gcd(*(abs(leg.quantity) for leg in legs)) if legs else 1


def expiry_range(legs: list[tuple[bool | None, float, int, float, int]]) -> tuple[float, float]:
    """Lowest and highest P&L in dollars at one expiry, over every spot price (±inf when unlimited).

    Each leg: (is_call, or None for shares; strike, or 0 for shares; signed quantity; open price
    per share; multiplier). P&L is piecewise linear in spot, so its extremes sit at 0, at a
    strike, or at infinity (when the slope above the top strike is not 0).
    """
    strikes = sorted({k for c, k, *_ in legs if c is not None})
    points = np.array([0.0, *strikes], dtype=float)
    pnl = np.zeros_like(points)
    slope = 0.0
    for is_call, k, q, price, m in legs:
        if is_call is None:
            pnl += q * m * (points - price)
            slope += q * m
        else:
            pnl += q * m * (np.maximum(points - k, 0) if is_call else np.maximum(k - points, 0)) - q * m * price
            slope += q * m if is_call else 0.0
    low, high = float(pnl.min()), float(pnl.max())
    if slope < 0:
        low = -math.inf
    elif slope > 0:
        high = math.inf
    return low, high


def undefined_risk(legs: tuple[Leg, ...]) -> bool:
    """True when a short call is not covered by a long call or shares, or short puts outnumber long puts
    (one expiry: the simple count tastytrade's "undefined risk" means)."""
    calls = sum(leg.quantity * leg.multiplier for leg in legs if leg.is_option and leg.is_call)
    shares = sum(leg.quantity for leg in legs if not leg.is_option)
    puts = sum(leg.quantity for leg in legs if leg.is_option and not leg.is_call)
    return calls + shares < 0 or puts < 0
