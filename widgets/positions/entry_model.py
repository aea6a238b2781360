"""The new-position dialog's logic, without Qt: the strategies it offers, strikes defaulted around
the spot, the expiries with their DTE, typed OCC lines turned into legs, and the preview's numbers.

Every problem is a ``StrategyError`` with a message for the trader (the engine's own messages from
``analytics.strategies``, ``data.symbols`` and ``analytics.positions``), never a silent default.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import numpy as np

from analytics.payoff import expiry_payoff
from analytics.positions import OPTION_MULTIPLIER, Leg, Position, option_leg, position_problem, stock_leg
from analytics.strategies import TEMPLATES, StrategyError, find_contract
from data.option_chain import OptionChain
from data.symbols import AM_SETTLED_ROOTS, SymbolError, parse_option_symbol

DEFAULT_FEE = 0.65  # dollars per contract, the usual retail commission
FALLBACK_MOVE = 0.02  # of the spot, when the chain has no IV to size an expected move
TARGET_DTE = 30  # a new position (no contract given) opens on the expiry nearest this


@dataclass(frozen=True, slots=True)
class Slot:
    """One strike the trader picks: its label, calls or puts, the default distance from the spot
    in expected moves, and whether the template buys (+1) or sells (-1) there."""

    label: str
    is_call: bool
    offset: float
    sign: int


@dataclass(frozen=True, slots=True)
class Choice:
    """A line of the strategy chooser: the template it calls and how."""

    title: str
    template: str  # a key of TEMPLATES; "" for typed OCC symbols
    slots: tuple[Slot, ...] = ()
    kwargs: dict = field(default_factory=dict)
    far: bool = False  # a second (far) expiry: calendars and diagonals
    ordered: bool = True  # the strikes must rise in slot order


def _c(label, offset, sign):
    return Slot(label, True, offset, sign)


def _p(label, offset, sign):
    return Slot(label, False, offset, sign)


CUSTOM = "Custom / OCC symbols"
CHOICES: tuple[Choice, ...] = (
    Choice("Long call", "long call", (_c("Strike", 0, 1),)),
    Choice("Short call", "short call", (_c("Strike", 0.5, -1),)),
    Choice("Long put", "long put", (_p("Strike", 0, 1),)),
    Choice("Short put", "short put", (_p("Strike", -0.5, -1),)),
    Choice("Bull call spread (debit)", "bull call spread", (_c("Buy call", 0, 1), _c("Sell call", 0.5, -1))),
    Choice("Bear call spread (credit)", "bear call spread", (_c("Sell call", 0.5, -1), _c("Buy call", 1, 1))),
    Choice("Bull put spread (credit)", "bull put spread", (_p("Buy put", -1, 1), _p("Sell put", -0.5, -1))),
    Choice("Bear put spread (debit)", "bear put spread", (_p("Sell put", -0.5, -1), _p("Buy put", 0, 1))),
    Choice("Long straddle", "straddle", (_p("Strike", 0, 1),), {"long": True}),
    Choice("Short straddle", "straddle", (_p("Strike", 0, -1),), {"long": False}),
    Choice("Long strangle", "strangle", (_p("Put", -1, 1), _c("Call", 1, 1)), {"long": True}),
    Choice("Short strangle", "strangle", (_p("Put", -1, -1), _c("Call", 1, -1)), {"long": False}),
    Choice("Iron condor (credit)", "iron condor", (_p("Buy put", -1.5, 1), _p("Sell put", -1, -1),
                                                   _c("Sell call", 1, -1), _c("Buy call", 1.5, 1))),
    Choice("Iron butterfly (credit)", "iron butterfly", (_p("Buy put", -1, 1), _p("Sell put + call", 0, -1),
                                                         _c("Buy call", 1, 1))),
    Choice("Long call butterfly", "butterfly", (_c("Buy call", -0.5, 1), _c("Sell 2 calls", 0, -1),
                                                _c("Buy call", 0.5, 1)), {"is_call": True}),
    Choice("Long put butterfly", "butterfly", (_p("Buy put", -0.5, 1), _p("Sell 2 puts", 0, -1),
                                               _p("Buy put", 0.5, 1)), {"is_call": False}),
    Choice("Call calendar", "calendar", (_c("Strike", 0, 1),), {"is_call": True}, far=True),
    Choice("Put calendar", "calendar", (_p("Strike", 0, 1),), {"is_call": False}, far=True),
    Choice("Call diagonal", "diagonal", (_c("Sell near call", 0.5, -1), _c("Buy far call", 0, 1)),
           {"is_call": True}, far=True, ordered=False),
    Choice("Put diagonal", "diagonal", (_p("Sell near put", -0.5, -1), _p("Buy far put", 0, 1)),
           {"is_call": False}, far=True, ordered=False),
    Choice("Covered call (100 shares + 1 call)", "covered call", (_c("Sell call", 0.5, -1),)),
    Choice("Shares", "shares"),
    Choice(CUSTOM, ""),
)
assert {c.template for c in CHOICES} - {""} == set(TEMPLATES), "every template has a line in the chooser"


# -- expiries and strikes -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Expiry:
    expiry: date
    root: str
    dte: int

    @property
    def label(self) -> str:
        am = f" · {self.root} AM-settled" if self.root in AM_SETTLED_ROOTS else ""
        year = "" if self.expiry.year == (self.expiry - timedelta(days=self.dte)).year else f" '{self.expiry:%y}"
        return f"{self.expiry:%b %d}{year} · {self.dte} DTE{am}"


def expiries(chain: OptionChain, today: date) -> list[Expiry]:
    """The chain's listed (expiry, root) pairs from ``today`` on, PM-settled first on a shared date."""
    found = [Expiry(d, r, (d - today).days) for d, r in chain.listings if d >= today]
    return sorted(found, key=lambda e: (e.expiry, e.root in AM_SETTLED_ROOTS))


def default_expiry(choices: list[Expiry], wanted: date | None = None, root: str | None = None) -> int:
    """The index of ``wanted`` (its ``root``), else of the expiry nearest TARGET_DTE."""
    for i, e in enumerate(choices):
        if e.expiry == wanted and (root is None or e.root == root):
            return i
    return min(range(len(choices)), key=lambda i: abs(choices[i].dte - TARGET_DTE)) if choices else -1


def default_far(choices: list[Expiry], near: int) -> int:
    """A far expiry about a month after the near one (the next listed when none is that far)."""
    if near < 0 or near + 1 >= len(choices):
        return near
    later = [i for i in range(near + 1, len(choices)) if choices[i].expiry > choices[near].expiry]
    if not later:
        return near
    return min(later, key=lambda i: abs((choices[i].expiry - choices[near].expiry).days - 28))


def expected_move(chain: OptionChain, ivs: np.ndarray | None, spot: float, expiry: Expiry) -> float:
    """One standard deviation of the spot by ``expiry``: the ATM IV × √(years), 2 % without an IV."""
    rows = np.flatnonzero((chain.expiry == np.datetime64(expiry.expiry, "D")) & (chain.root == expiry.root))
    iv = math.nan
    if ivs is not None and len(rows):
        atm = rows[np.argsort(np.abs(chain.strike[rows] - spot))[:2]]
        finite = ivs[atm][np.isfinite(ivs[atm]) & (ivs[atm] > 0)]
        iv = float(finite.mean()) if finite.size else math.nan
    years = max(expiry.dte, 1) / 365.0
    return spot * iv * math.sqrt(years) if math.isfinite(iv) else spot * FALLBACK_MOVE * math.sqrt(years * 12)


def default_strikes(choice: Choice, listed: list[list[float]], spot: float, move: float,
                    anchor: tuple[bool, int, float] | None = None) -> list[float]:
    """A listed strike per slot, ``offset`` expected moves from ``spot``; ``anchor`` (is_call, sign,
    strike): the contract the dialog was opened on takes the first slot it fits. Rising strikes stay
    rising (a collision moves the later slot up one listed strike)."""
    picked: list[float] = []
    used_anchor = False
    for slot, strikes in zip(choice.slots, listed, strict=True):
        if not strikes:
            picked.append(math.nan)
            continue
        target = spot + slot.offset * move
        if anchor and not used_anchor and (anchor[0], anchor[1]) == (slot.is_call, slot.sign):
            target, used_anchor = anchor[2], True
        k = min(strikes, key=lambda s: abs(s - target))
        if choice.ordered and picked and math.isfinite(picked[-1]) and k <= picked[-1]:
            k = next((s for s in strikes if s > picked[-1]), k)
        picked.append(k)
    return picked


# -- legs ---------------------------------------------------------------------------------------
def template_legs(choice: Choice, chain: OptionChain, near: Expiry, far: Expiry | None, strikes: list[float],
                  quantity: int, today: date, spot: float, prices: list[float | None] | None) -> tuple[Leg, ...]:
    """The template's legs (StrategyError says what is wrong with the choices)."""
    build, kw = TEMPLATES[choice.template], dict(choice.kwargs)
    if choice.template == "shares":
        return build(chain.underlying, quantity, prices[0] if prices and prices[0] is not None else spot)
    if choice.template == "covered call":
        kw["share_price"] = prices[0] if prices and prices[0] is not None else spot
        prices = prices[1:] if prices else None
    dates = (near.expiry, far.expiry) if choice.far else (near.expiry,)
    if choice.far and far is None:
        raise StrategyError("Pick the far expiry.")
    return build(chain, *dates, *strikes, quantity=quantity, today=today, prices=prices, root=near.root, **kw)


_LINE = re.compile(r"^(?P<symbol>.+?)\s+(?P<qty>[+-]?\s*\S+)(?:\s*@\s*(?P<price>\S*))?\s*$")


def parse_lines(text: str, underlying: str, chain: OptionChain | None, today: date | None) -> tuple[Leg, ...]:
    """Legs typed one a line: ``SPXW 261218P06500000 +1 @ 4.10`` (OCC symbol, signed quantity,
    optional price: the chain's mid without one) or ``SPX +100 @ 6512.5`` for shares."""
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        raise StrategyError("Type one leg a line: an OCC symbol, a signed quantity and a price, "
                            "e.g. SPXW 261218P06500000 -1 @ 4.10.")
    legs = tuple(_parse_line(n, line, underlying, chain, today) for n, line in lines)
    if problem := position_problem(underlying, legs, today):
        raise StrategyError(problem)
    return legs


def _parse_line(n: int, line: str, underlying: str, chain: OptionChain | None, today: date | None) -> Leg:
    match = _LINE.match(line)
    if not match:
        raise StrategyError(f"Line {n}: write the symbol, then the quantity (+ to buy, - to sell), "
                            "then @ and the price.")
    quantity = _quantity(n, match["qty"])
    price = _number(n, match["price"])
    if match["symbol"].strip().upper() == underlying:
        if price is None:
            raise StrategyError(f"Line {n}: shares need the price they were bought or sold at (@ price).")
        return stock_leg(underlying, quantity, price)
    return _option_line(n, match["symbol"], quantity, price, underlying, chain, today)


def _quantity(n: int, text: str) -> int:
    text = text.replace(" ", "")
    if not re.fullmatch(r"[+-]?\d+", text):
        raise StrategyError(f"Line {n}: the quantity '{text}' is not a whole number (+1 buys one, -1 sells one).")
    if int(text) == 0:
        raise StrategyError(f"Line {n}: a quantity of 0 opens nothing; +1 buys one, -1 sells one.")
    return int(text)


def _number(n: int, text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise StrategyError(f"Line {n}: the price '{text}' is not a number.") from None
    if not (math.isfinite(value) and value >= 0):
        raise StrategyError(f"Line {n}: the price must be 0 or more, not {text}.")
    return value


def _option_line(n: int, text: str, quantity: int, price: float | None, underlying: str,
                 chain: OptionChain | None, today: date | None) -> Leg:
    try:
        occ = parse_option_symbol(text)
    except SymbolError as exc:
        raise StrategyError(f"Line {n}: {exc}") from None
    if occ.underlying != underlying:
        raise StrategyError(f"Line {n}: {occ.root} options are on {occ.underlying}, not {underlying}.")
    if today is not None and occ.expiry < today:  # (no chain yet: the engine checks it when recording)
        raise StrategyError(f"Line {n}: this contract expired on {occ.expiry:%b %d, %Y}.")
    symbol = occ.occ.replace(" ", "")
    if chain is not None:
        try:
            row = find_contract(chain, occ.expiry, occ.strike, occ.is_call, today=today, root=occ.root)
        except StrategyError as exc:
            raise StrategyError(f"Line {n}: {exc}") from None
        symbol = str(chain.symbol[row])
        if price is None:
            price = float(chain.mid[row])
    if price is None or not math.isfinite(price):
        raise StrategyError(f"Line {n}: no quote for {symbol} to price it; add @ and the price.")
    return option_leg(symbol, underlying, occ.expiry, occ.is_call, occ.strike, quantity, price,
                      multiplier=OPTION_MULTIPLIER)


def with_fees(legs: tuple[Leg, ...], per_contract: float) -> tuple[Leg, ...]:
    """``per_contract`` dollars on every option contract (shares: none)."""
    return tuple(replace(x, fees=round(per_contract * abs(x.quantity), 2)) if x.is_option else x for x in legs)


# -- the preview's numbers ----------------------------------------------------------------------
def _money(value: float) -> str:
    if math.isinf(value):
        return "unlimited"
    return f"${abs(value):,.2f}"


_UNOPENED = datetime.fromtimestamp(0, UTC)  # a position being typed has no open time (the payoff reads none)


def summary(underlying: str, legs: tuple[Leg, ...], ivs: dict[str, float]) -> str:
    """Net debit or credit, fees, max profit / loss and break-evens at the (front) expiry."""
    premium = sum(x.quantity * x.open_price * x.multiplier for x in legs)
    fees = sum(x.fees for x in legs)
    head = f"Net {'debit' if premium > 0 else 'credit'} {_money(premium)} · fees {_money(fees)}"
    try:
        p = expiry_payoff(Position(0, underlying, "", legs, _UNOPENED), ivs)
    except (ValueError, ZeroDivisionError, FloatingPointError):
        return head
    if not (math.isfinite(p.max_loss) or math.isinf(p.max_loss)):
        return head
    profit = _money(p.max_profit)
    loss = _money(p.max_loss) if p.max_loss < 0 else "none"
    evens = ", ".join(f"{b:,.2f}" for b in p.break_evens) or "none"
    plural = "s" if len(p.break_evens) > 1 else ""
    when = "At expiry" if p.exact else "At the near expiry (the far legs by Black-Scholes)"
    return f"{head}\n{when}: max profit {profit} · max loss {loss} · break-even{plural} {evens}"
