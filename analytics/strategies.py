"""Strategy templates: the legs of a strategy from a live chain and the trader's choices.

Each template takes the chain of one underlying, the expiry (or near and far expiries), the
strikes, a quantity of 1 or more (the direction is in the template's name: ``short_put`` sells)
and ``today``; open prices default to each contract's mid in the chain, ``prices`` overrides
them leg by leg (in the order the legs are returned, None keeps the mid). What a trader gets
wrong — strikes in the wrong order, a strike or expiry that is not listed, an expired expiry,
a quantity of 0, a contract with no quote to price it — raises ``StrategyError`` with a message
meant for the trader ("6525 is not listed for Dec 18; nearest 6520 and 6530").

When one date lists two roots (SPX monthlies: AM-settled ``SPX`` and PM-settled ``SPXW``), the
PM-settled one is picked unless ``root`` says otherwise, as the chain panels show it.

``classify(legs)`` names any set of legs the way thinkorswim and OptionStrat do ("iron condor",
"bull put spread", "long strangle", "covered call", "calendar", "custom (3 legs)" …).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date
from functools import reduce
from itertools import pairwise

import numpy as np

from analytics.positions import OPTION_MULTIPLIER, Leg, option_leg, position_problem, stock_leg
from data.option_chain import OptionChain
from data.symbols import AM_SETTLED_ROOTS


class StrategyError(ValueError):
    """A strategy the trader cannot open as asked; the message is meant for the trader."""


# -- finding contracts ------------------------------------------------------------------------
def _day(d: date, today: date | None) -> str:
    return f"{d:%b %d}" if today is None or d.year == today.year else f"{d:%b %d, %Y}"


def _nearest(values: Sequence, target, fmt: Callable) -> str:
    below = [v for v in values if v < target]
    above = [v for v in values if v > target]
    near = ([fmt(max(below))] if below else []) + ([fmt(min(above))] if above else [])
    return " and ".join(near) if near else "none"


def _root_for(chain: OptionChain, expiry: date, root: str | None, today: date | None) -> str:
    roots = sorted({r for d, r in chain.listings if d == expiry})
    if not roots:
        dates = sorted({d for d, _r in chain.listings})
        raise StrategyError(f"{chain.underlying} has no {_day(expiry, today)} expiry; nearest "
                            f"{_nearest(dates, expiry, lambda d: _day(d, today))}.")
    if root is not None:
        if root not in roots:
            raise StrategyError(f"{root} lists no {_day(expiry, today)} expiry; that date has {', '.join(roots)}.")
        return root
    pm = [r for r in roots if r not in AM_SETTLED_ROOTS]
    return (pm or roots)[0]


def find_contract(chain: OptionChain, expiry: date, strike: float, is_call: bool, *, today: date | None,
                  root: str | None = None) -> int:
    """The chain row of one contract, or StrategyError saying what is listed instead."""
    if today is not None and expiry < today:
        raise StrategyError(f"The {_day(expiry, today)} expiry has expired; pick a later one.")
    root = _root_for(chain, expiry, root, today)
    rows = np.flatnonzero((chain.expiry == np.datetime64(expiry, "D")) & (chain.root == root)
                          & (chain.is_call == bool(is_call)))
    strikes = chain.strike[rows]
    hit = np.flatnonzero(np.isclose(strikes, strike, rtol=0.0, atol=1e-6))
    if hit.size == 0:
        listed = sorted(set(strikes.tolist()))
        other_type = (chain.expiry == np.datetime64(expiry, "D")) & (chain.root == root) & (chain.strike == strike)
        kind = f" for {'calls' if is_call else 'puts'}" if other_type.any() else ""  # the other type lists it
        raise StrategyError(f"{strike:g} is not listed for {_day(expiry, today)}{kind}; nearest "
                            f"{_nearest(listed, strike, lambda k: f'{k:g}')}.")
    row = int(rows[hit[0]])
    if chain.adjusted[row]:
        raise StrategyError(f"{chain.symbol[row]} has an adjusted deliverable; enter it by its OCC symbol.")
    return row


def listed_strikes(chain: OptionChain, expiry: date, is_call: bool = True, *, root: str | None = None) -> list[float]:
    """The strikes a template can use on ``expiry`` (the root picked as the templates pick it)."""
    root = _root_for(chain, expiry, root, None)
    rows = (chain.expiry == np.datetime64(expiry, "D")) & (chain.root == root) & (chain.is_call == bool(is_call))
    return sorted(set(chain.strike[rows].tolist()))


def _count(quantity) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int | np.integer):
        raise StrategyError(f"The quantity must be a whole number, not {quantity!r}.")
    if quantity == 0:
        raise StrategyError("A quantity of 0 opens nothing; enter 1 or more.")
    if quantity < 0:
        raise StrategyError("Enter the quantity as a positive number; the template says buy or sell.")
    return int(quantity)


def _build(chain: OptionChain, spec: Sequence[tuple[date, float, bool, int]], quantity, today: date,
           prices: Sequence[float | None] | None, root: str | None) -> tuple[Leg, ...]:
    """Legs for ``spec`` rows of (expiry, strike, is_call, ratio), ratio signed (+ buy, − sell)."""
    n = _count(quantity)
    if prices is not None and len(prices) != len(spec):
        raise StrategyError(f"This strategy has {len(spec)} legs; {len(prices)} prices were given.")
    legs = []
    for i, (expiry, strike, is_call, ratio) in enumerate(spec):
        row = find_contract(chain, expiry, strike, is_call, today=today, root=root)
        price = _price(chain, row, None if prices is None else prices[i])
        legs.append(option_leg(str(chain.symbol[row]), chain.underlying, expiry, is_call, float(chain.strike[row]),
                               ratio * n, price, multiplier=OPTION_MULTIPLIER))
    return _checked(chain.underlying, tuple(legs), today)


def _price(chain: OptionChain, row: int, given: float | None) -> float:
    if given is not None:
        if not (isinstance(given, int | float) and math.isfinite(given) and given >= 0):
            raise StrategyError(f"{chain.symbol[row]}: the open price must be a price of 0 or more, not {given!r}.")
        return float(given)
    mid = float(chain.mid[row])
    if not math.isfinite(mid):
        raise StrategyError(f"{chain.symbol[row]} has no two-sided quote to price it; enter the open price.")
    return round(mid, 4)


def _checked(underlying: str, legs: tuple[Leg, ...], today: date | None) -> tuple[Leg, ...]:
    if problem := position_problem(underlying, legs, today):
        raise StrategyError(problem)
    return legs


def _ordered(names: str, *strikes: float) -> None:
    """Strikes must rise strictly in the order the template names them."""
    if any(not (math.isfinite(a) and math.isfinite(b)) or a >= b for a, b in pairwise(strikes)):
        shown = " / ".join(f"{k:g}" for k in strikes)
        raise StrategyError(f"The strikes must rise ({names}); got {shown}.")


# -- templates --------------------------------------------------------------------------------
def long_call(chain, expiry, strike, quantity=1, *, today, prices=None, root=None):
    return _build(chain, [(expiry, strike, True, 1)], quantity, today, prices, root)


def short_call(chain, expiry, strike, quantity=1, *, today, prices=None, root=None):
    return _build(chain, [(expiry, strike, True, -1)], quantity, today, prices, root)


def long_put(chain, expiry, strike, quantity=1, *, today, prices=None, root=None):
    return _build(chain, [(expiry, strike, False, 1)], quantity, today, prices, root)


def short_put(chain, expiry, strike, quantity=1, *, today, prices=None, root=None):
    return _build(chain, [(expiry, strike, False, -1)], quantity, today, prices, root)


def vertical(chain, expiry, lower, upper, is_call, bullish, quantity=1, *, today, prices=None, root=None):
    """Two strikes of one type and expiry: bullish buys the lower strike and sells the upper."""
    _ordered("lower, then upper", lower, upper)
    sign = 1 if bullish else -1
    return _build(chain, [(expiry, lower, is_call, sign), (expiry, upper, is_call, -sign)], quantity, today,
                  prices, root)


def bull_call_spread(chain, expiry, lower, upper, quantity=1, *, today, prices=None, root=None):
    """Debit: buy the lower call, sell the upper."""
    return vertical(chain, expiry, lower, upper, True, True, quantity, today=today, prices=prices, root=root)


def bear_call_spread(chain, expiry, lower, upper, quantity=1, *, today, prices=None, root=None):
    """Credit: sell the lower call, buy the upper."""
    return vertical(chain, expiry, lower, upper, True, False, quantity, today=today, prices=prices, root=root)


def bull_put_spread(chain, expiry, lower, upper, quantity=1, *, today, prices=None, root=None):
    """Credit: buy the lower put, sell the upper."""
    return vertical(chain, expiry, lower, upper, False, True, quantity, today=today, prices=prices, root=root)


def bear_put_spread(chain, expiry, lower, upper, quantity=1, *, today, prices=None, root=None):
    """Debit: sell the lower put, buy the upper."""
    return vertical(chain, expiry, lower, upper, False, False, quantity, today=today, prices=prices, root=root)


def straddle(chain, expiry, strike, quantity=1, *, long=True, today, prices=None, root=None):
    """A put and a call on one strike (put first), both bought or both sold."""
    sign = 1 if long else -1
    return _build(chain, [(expiry, strike, False, sign), (expiry, strike, True, sign)], quantity, today, prices, root)


def strangle(chain, expiry, put_strike, call_strike, quantity=1, *, long=True, today, prices=None, root=None):
    """A lower put and a higher call (put first), both bought or both sold."""
    _ordered("put, then call", put_strike, call_strike)
    sign = 1 if long else -1
    return _build(chain, [(expiry, put_strike, False, sign), (expiry, call_strike, True, sign)], quantity, today,
                  prices, root)


def iron_condor(chain, expiry, long_put, short_put, short_call, long_call, quantity=1, *, short=True, today,
                prices=None, root=None):
    """Four strikes, rising: bought put, sold put, sold call, bought call (a credit); ``short=False``
    turns every side round (a reverse iron condor, a debit)."""
    _ordered("long put, short put, short call, long call", long_put, short_put, short_call, long_call)
    s = 1 if short else -1
    spec = [(expiry, long_put, False, s), (expiry, short_put, False, -s), (expiry, short_call, True, -s),
            (expiry, long_call, True, s)]
    return _build(chain, spec, quantity, today, prices, root)


def iron_butterfly(chain, expiry, long_put, center, long_call, quantity=1, *, short=True, today, prices=None,
                   root=None):
    """A short straddle at ``center`` with a bought put below and a bought call above (a credit)."""
    _ordered("long put, center, long call", long_put, center, long_call)
    s = 1 if short else -1
    spec = [(expiry, long_put, False, s), (expiry, center, False, -s), (expiry, center, True, -s),
            (expiry, long_call, True, s)]
    return _build(chain, spec, quantity, today, prices, root)


def butterfly(chain, expiry, lower, center, upper, is_call=True, quantity=1, *, long=True, today, prices=None,
              root=None):
    """One type and expiry, 1 × lower, −2 × center, 1 × upper (long: a debit); wings may differ
    (a broken-wing butterfly)."""
    _ordered("lower, center, upper", lower, center, upper)
    s = 1 if long else -1
    spec = [(expiry, lower, is_call, s), (expiry, center, is_call, -2 * s), (expiry, upper, is_call, s)]
    return _build(chain, spec, quantity, today, prices, root)


def calendar(chain, near, far, strike, is_call=True, quantity=1, *, long=True, today, prices=None, root=None):
    """One strike on two expiries: sell the near, buy the far (long: a debit)."""
    return diagonal(chain, near, far, strike, strike, is_call, quantity, long=long, today=today, prices=prices,
                    root=root)


def diagonal(chain, near, far, near_strike, far_strike, is_call=True, quantity=1, *, long=True, today, prices=None,
             root=None):
    """Sell ``near_strike`` on the near expiry, buy ``far_strike`` on the far one (long)."""
    if not near < far:
        raise StrategyError(f"The near expiry ({_day(near, today)}) must come before the far one "
                            f"({_day(far, today)}).")
    s = 1 if long else -1
    spec = [(near, near_strike, is_call, -s), (far, far_strike, is_call, s)]
    return _build(chain, spec, quantity, today, prices, root)


def covered_call(chain, expiry, strike, quantity=1, *, share_price, today, prices=None, root=None):
    """100 shares per contract bought at ``share_price`` (the spot, as a rule) and one call sold per
    100 shares; ``prices`` covers the call only."""
    call = _build(chain, [(expiry, strike, True, -1)], quantity, today, prices, root)
    stock = shares(chain.underlying, call[0].quantity * -call[0].multiplier, share_price)
    return _checked(chain.underlying, (*stock, *call), today)


def shares(underlying, quantity, price):
    """Shares of ``underlying`` (negative ``quantity``: sold short) at ``price`` per share."""
    if isinstance(quantity, bool) or not isinstance(quantity, int | np.integer) or quantity == 0:
        raise StrategyError("Enter a whole number of shares other than 0 (negative to sell short).")
    if not (isinstance(price, int | float) and math.isfinite(price) and price > 0):
        raise StrategyError(f"Shares need the price they were bought or sold at, not {price!r}.")
    return _checked(underlying, (stock_leg(underlying, int(quantity), float(price)),), None)


# the dialog's list: name shown -> template
TEMPLATES: dict[str, Callable[..., tuple[Leg, ...]]] = {
    "long call": long_call, "short call": short_call, "long put": long_put, "short put": short_put,
    "bull call spread": bull_call_spread, "bear call spread": bear_call_spread,
    "bull put spread": bull_put_spread, "bear put spread": bear_put_spread,
    "straddle": straddle, "strangle": strangle, "iron condor": iron_condor, "iron butterfly": iron_butterfly,
    "butterfly": butterfly, "calendar": calendar, "diagonal": diagonal, "covered call": covered_call,
    "shares": shares,
}


# -- naming any set of legs -------------------------------------------------------------------
def classify(legs: Sequence[Leg]) -> str:
    """The strategy's name from its legs alone ("custom (n legs)" when no pattern fits)."""
    legs = tuple(legs)
    if not legs:
        return "no legs"
    options = [leg for leg in legs if leg.is_option]
    stock = [leg for leg in legs if not leg.is_option]
    name = _with_stock(stock, options) if stock else _options_only(options)
    return name or f"custom ({len(legs)} legs)"


def _options_only(options: list[Leg]) -> str | None:
    unit = reduce(math.gcd, (abs(leg.quantity) for leg in options))
    ratios = [leg.quantity // unit for leg in options]
    namer = {1: _one, 2: _two, 3: _three, 4: _four}.get(len(options))
    return namer(options, ratios) if namer else None


def _side(q: int) -> str:
    return "long" if q > 0 else "short"


def _kind(leg: Leg) -> str:
    return "call" if leg.is_call else "put"


def _one(legs, ratios):
    return f"{_side(ratios[0])} {_kind(legs[0])}"


def _two(legs, ratios):
    (a, b), (ra, rb) = legs, ratios
    if a.is_call == b.is_call:
        if ra * rb > 0:
            return None
        if abs(ra) != abs(rb):
            return f"{_kind(a)} ratio spread" if a.expiry == b.expiry else None
        if a.expiry == b.expiry:
            return _vertical(a, b)
        near, far = sorted((a, b), key=lambda leg: leg.expiry)
        base = "calendar" if near.strike == far.strike else "diagonal"
        return base if far.quantity > 0 else f"reverse {base}"
    if a.expiry != b.expiry or ra != rb:
        return None
    put, call = (a, b) if b.is_call else (b, a)
    shape = "straddle" if put.strike == call.strike else "strangle" if put.strike < call.strike else "guts"
    return f"{_side(ra)} {shape}"


def _vertical(a: Leg, b: Leg) -> str | None:
    lower, upper = sorted((a, b), key=lambda leg: leg.strike)
    if lower.strike == upper.strike:
        return None
    if a.is_call:
        return "bull call spread" if lower.quantity > 0 else "bear call spread"
    return "bear put spread" if upper.quantity > 0 else "bull put spread"


def _three(legs, ratios):
    if len({leg.expiry for leg in legs}) != 1 or len({leg.is_call for leg in legs}) != 1:
        return None
    order = sorted(range(3), key=lambda i: legs[i].strike)
    (lo, mid, hi), r = (legs[i] for i in order), [ratios[i] for i in order]
    if r not in ([1, -2, 1], [-1, 2, -1]) or not lo.strike < mid.strike < hi.strike:
        return None
    broken = "" if math.isclose(mid.strike - lo.strike, hi.strike - mid.strike) else "broken-wing "
    return f"{_side(r[0])} {broken}{_kind(lo)} butterfly"


def _four(legs, ratios):
    if len({leg.expiry for leg in legs}) != 1 or {abs(r) for r in ratios} != {1}:
        return None
    puts = sorted((leg for leg in legs if not leg.is_call), key=lambda leg: leg.strike)
    calls = sorted((leg for leg in legs if leg.is_call), key=lambda leg: leg.strike)
    if len(puts) != 2 or len(calls) != 2:
        return None
    (p1, p2), (c1, c2) = puts, calls
    if not (p1.strike < p2.strike <= c1.strike < c2.strike):
        return None
    signs = [1 if leg.quantity > 0 else -1 for leg in (p1, p2, c1, c2)]
    base = "iron butterfly" if p2.strike == c1.strike else "iron condor"
    if signs == [1, -1, -1, 1]:
        return base
    return f"reverse {base}" if signs == [-1, 1, 1, -1] else None


def _with_stock(stock: list[Leg], options: list[Leg]) -> str | None:
    if len(stock) != 1:
        return None
    held = stock[0].quantity
    if not options:
        return "shares" if held > 0 else "short shares"
    calls = [leg for leg in options if leg.is_call]
    puts = [leg for leg in options if not leg.is_call]
    covered = len(calls) == 1 and calls[0].quantity < 0 and -calls[0].quantity * calls[0].multiplier <= held
    protected = len(puts) == 1 and puts[0].quantity > 0 and puts[0].quantity * puts[0].multiplier <= held
    if len(options) == 1:
        return "covered call" if covered else "protective put" if protected else None
    return "collar" if len(options) == 2 and covered and protected else None
