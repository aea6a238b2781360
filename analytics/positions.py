"""Positions as a trader holds them: legs of shares or OCC option contracts, with signed quantities.

A **leg** is shares of the underlying (multiplier 1) or one OCC contract (multiplier 100 unless
the contract's deliverable is adjusted), bought (+) or sold (−) at an open price per share, with
its fees in dollars. A **position** is one or more legs on one underlying, opened together and
managed together (a vertical, an iron condor, a covered call …); its strategy name is told from
its legs (``analytics.strategies.classify``). Money: a leg's cost is quantity × open price ×
multiplier (positive: paid, a debit; negative: received, a credit) plus fees.

Pure data and validation; the store keeps them (``data.store.positions``), valuation and
advice read them (``analytics.position_value``, ``analytics.exit_advice``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

STOCK, OPTION = "stock", "option"
OPTION_MULTIPLIER = 100
MAX_QUANTITY = 100_000  # contracts or shares in one leg: a typo guard, not a limit on real size


@dataclass(frozen=True, slots=True)
class Leg:
    kind: str  # "stock" or "option"
    symbol: str  # the ticker for shares, the compact OCC symbol (no spaces) for a contract
    underlying: str
    quantity: int  # signed: + long, − short (shares or contracts)
    open_price: float  # per share: the stock price, or the option's premium per share
    expiry: date | None = None  # options only
    is_call: bool | None = None
    strike: float | None = None
    multiplier: int = 1  # 1 for shares, 100 for a standard contract
    fees: float = 0.0  # dollars paid to open (commissions, exchange fees), >= 0

    @property
    def is_option(self) -> bool:
        return self.kind == OPTION

    @property
    def cost(self) -> float:
        """Dollars paid to open (negative: a credit received), fees included."""
        return self.quantity * self.open_price * self.multiplier + self.fees

    def dte(self, today: date) -> int | None:
        """Calendar days to expiry (0 on the expiry day), None for shares."""
        return (self.expiry - today).days if self.expiry is not None else None


@dataclass(frozen=True, slots=True)
class Position:
    id: int
    underlying: str
    strategy: str  # e.g. "iron condor", "bull call spread", "long call", "covered call", "shares"
    legs: tuple[Leg, ...]
    opened_at: datetime  # aware UTC, market time
    status: str = "open"  # open / closed
    notes: str = ""

    @property
    def cost(self) -> float:
        return sum(leg.cost for leg in self.legs)

    @property
    def is_credit(self) -> bool:
        """Opened for a net credit (premium received), before fees."""
        return sum(leg.quantity * leg.open_price * leg.multiplier for leg in self.legs) < 0

    @property
    def expiries(self) -> tuple[date, ...]:
        return tuple(sorted({leg.expiry for leg in self.legs if leg.expiry is not None}))


@dataclass(frozen=True, slots=True)
class ContractMark:
    """A leg's instrument as the market has it now, per share; NaN where unknown (never 0 for
    unknown). For shares: the stock's quote, delta 1 and no other greeks."""

    symbol: str
    bid: float
    ask: float
    last: float
    underlying_price: float
    asof: datetime  # market time of the quote (its age tells stale from live)
    iv: float = math.nan
    delta: float = math.nan  # per share, as analytics.pricing
    gamma: float = math.nan
    theta: float = math.nan  # per calendar day
    vega: float = math.nan  # per vol point
    prev_close: float = math.nan  # the previous session's close (today's P&L), NaN when unknown

    @property
    def mid(self) -> float:
        """The mid of a two-sided quote, else NaN (a one-sided or crossed quote is no mark)."""
        if math.isfinite(self.bid) and math.isfinite(self.ask) and 0 <= self.bid <= self.ask and self.ask > 0:
            return (self.bid + self.ask) / 2
        return math.nan


def stock_leg(symbol: str, quantity: int, open_price: float, fees: float = 0.0) -> Leg:
    return Leg(STOCK, symbol, symbol, int(quantity), float(open_price), multiplier=1, fees=float(fees))


def option_leg(occ: str, underlying: str, expiry: date, is_call: bool, strike: float, quantity: int,
               open_price: float, fees: float = 0.0, multiplier: int = OPTION_MULTIPLIER) -> Leg:
    return Leg(OPTION, occ, underlying, int(quantity), float(open_price), expiry, bool(is_call), float(strike),
               int(multiplier), float(fees))


def leg_problem(leg: Leg, today: date | None = None) -> str | None:
    """Why ``leg`` cannot be held (a message for the trader), or None."""
    name = leg.symbol or "this leg"
    if leg.kind not in (STOCK, OPTION):
        return f"{name}: a leg is shares or an option contract, not '{leg.kind}'."
    if not isinstance(leg.quantity, int) or leg.quantity == 0:
        return f"{name}: the quantity must be a whole number other than 0 (negative to sell)."
    if abs(leg.quantity) > MAX_QUANTITY:
        return f"{name}: {abs(leg.quantity):,} is more than {MAX_QUANTITY:,} in one leg — a typo?"
    if not (math.isfinite(leg.open_price) and leg.open_price >= 0):
        return f"{name}: the open price must be a price of 0 or more."
    if leg.kind == STOCK and leg.open_price == 0:
        return f"{name}: shares need the price they were bought or sold at."
    if not (math.isfinite(leg.fees) and leg.fees >= 0):
        return f"{name}: fees are dollars paid, 0 or more."
    if leg.kind == OPTION:
        return _option_problem(leg, name, today)
    return None


def _option_problem(leg: Leg, name: str, today: date | None) -> str | None:
    if leg.expiry is None or leg.is_call is None or leg.strike is None:
        return f"{name}: an option leg needs its expiry, call or put, and strike."
    if not (math.isfinite(leg.strike) and leg.strike > 0):
        return f"{name}: the strike must be a positive price."
    if leg.multiplier <= 0:
        return f"{name}: the contract multiplier must be positive (100 for a standard contract)."
    if today is not None and leg.expiry < today:
        return f"{name}: this contract expired on {leg.expiry:%b %d, %Y}."
    return None


def position_problem(underlying: str, legs: tuple[Leg, ...], today: date | None = None) -> str | None:
    """Why these legs cannot make one position, or None."""
    if not legs:
        return "A position needs at least one leg."
    if len(legs) > 8:
        return "A position has at most 8 legs; split it into positions you manage separately."
    for leg in legs:
        if problem := leg_problem(leg, today):
            return problem
        if leg.underlying != underlying:
            return f"{leg.symbol} is on {leg.underlying}, not {underlying}: one position, one underlying."
    symbols = [leg.symbol for leg in legs]
    if len(set(symbols)) != len(symbols):
        return "The same contract appears twice: combine it into one leg with the total quantity."
    return None
