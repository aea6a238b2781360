"""Earnings trade ideas from the live chain: long straddle, long strangle, iron condor, calendar.

All four are built on the front expiry that spans the event (``analytics.event_vol``), priced at
each contract's **mid** (a fill at the mid is the best case; the note says so), with the legs'
OCC symbols from the chain rows (``analytics.strategies`` templates):

* **long straddle**: the ATM call and put (the strike nearest spot listed for both);
* **long strangle**: the put and call nearest spot ∓ the expected move;
* **iron condor** (short): short put and call at the expected move, long wings ``wing_steps``
  listed strikes further out;
* **calendar**: sell the front event expiry's ATM call, buy the next expiry's at the same strike.

Max risk, max reward and break-evens are the expiry payoff's (``analytics.payoff``): exact for the
one-expiry ideas; for the calendar a **model estimate** at the front expiry's close, the back
leg valued by Black–Scholes at its **post-event IV** (the crush has happened by then). Money in
dollars for one of each; ``max_reward`` is ``math.inf`` when unlimited.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np

from analytics import strategies as st
from analytics.payoff import expiry_payoff
from analytics.positions import Leg, Position
from data.option_chain import OptionChain

PRICED_AT = "priced at mids"
CALENDAR_ESTIMATE = "max risk/reward and break-evens estimated at the front expiry with the post-event IV"


@dataclass(frozen=True, slots=True)
class StrategyIdea:
    name: str
    expiry: date  # the front (event) expiry
    strike: float  # the strike a chain view should open near (ATM, or the short put's)
    legs: tuple[Leg, ...]
    net: float  # $: positive a debit paid, negative a credit received
    max_risk: float  # $ lost at worst (positive); math.inf when unlimited
    max_reward: float  # $ made at best; math.inf when unlimited
    break_evens: tuple[float, ...]
    note: str  # PRICED_AT, plus CALENDAR_ESTIMATE for the calendar

    @property
    def is_credit(self) -> bool:
        return self.net < 0


def atm_strike(chain: OptionChain, expiry: date, spot: float) -> float | None:
    """The strike nearest ``spot`` listed as both a call and a put on ``expiry``."""
    both = sorted(set(st.listed_strikes(chain, expiry, True)) & set(st.listed_strikes(chain, expiry, False)))
    return min(both, key=lambda k: (abs(k - spot), k)) if both else None


def _nearest(strikes: list[float], target: float) -> float:
    return min(strikes, key=lambda k: (abs(k - target), k))


def _idea(name: str, legs: tuple[Leg, ...], strike: float, ivs: Mapping[str, float] | None, r: float, q: float,
          note: str = PRICED_AT) -> StrategyIdea:
    position = Position(0, legs[0].underlying, name, legs, datetime(1970, 1, 1, tzinfo=UTC))
    payoff = expiry_payoff(position, ivs, r, q)
    return StrategyIdea(name, position.expiries[0], float(strike), legs, round(position.cost, 2),
                        -payoff.max_loss, payoff.max_profit, payoff.break_evens, note)


def long_straddle(chain, spot, expiry, *, today, r=0.0, q=0.0) -> StrategyIdea:
    k = atm_strike(chain, expiry, spot)
    if k is None:
        raise st.StrategyError(f"No strike on {expiry:%b %d} lists both a call and a put.")
    return _idea("long straddle", st.straddle(chain, expiry, k, today=today), k, None, r, q)


def long_strangle(chain, spot, expiry, move, *, today, r=0.0, q=0.0) -> StrategyIdea:
    """The put and call nearest spot ∓ ``move`` ($), at least one strike either side of spot."""
    puts = [k for k in st.listed_strikes(chain, expiry, False) if k < spot]
    calls = [k for k in st.listed_strikes(chain, expiry, True) if k > spot]
    if not puts or not calls:
        raise st.StrategyError(f"{expiry:%b %d} lists no strikes on both sides of {spot:g}.")
    kp, kc = _nearest(puts, spot - move), _nearest(calls, spot + move)
    return _idea("long strangle", st.strangle(chain, expiry, kp, kc, today=today), kp, None, r, q)


def iron_condor(chain, spot, expiry, move, *, today, wing_steps: int = 2, r=0.0, q=0.0) -> StrategyIdea:
    """Short strikes nearest spot ∓ ``move`` (outside spot), wings ``wing_steps`` strikes beyond."""
    puts = st.listed_strikes(chain, expiry, False)
    calls = st.listed_strikes(chain, expiry, True)
    below, above = [k for k in puts if k < spot], [k for k in calls if k > spot]
    if not below or not above:
        raise st.StrategyError(f"{expiry:%b %d} lists no strikes on both sides of {spot:g}.")
    sp, sc = _nearest(below, spot - move), _nearest(above, spot + move)
    ip, ic = puts.index(sp) - wing_steps, calls.index(sc) + wing_steps
    if ip < 0 or ic >= len(calls):
        raise st.StrategyError(f"{expiry:%b %d} lists too few strikes beyond the expected move for the wings.")
    legs = st.iron_condor(chain, expiry, puts[ip], sp, sc, calls[ic], today=today)
    return _idea("iron condor", legs, sp, None, r, q)


def calendar(chain, spot, front, back, post_iv: float, *, today, r=0.0, q=0.0) -> StrategyIdea:
    """Sell ``front``'s ATM call, buy ``back``'s at that strike; the back leg's value at the front
    expiry uses ``post_iv`` (its IV once the event is past)."""
    common = sorted(set(st.listed_strikes(chain, front, True)) & set(st.listed_strikes(chain, back, True)))
    if not common:
        raise st.StrategyError(f"No call strike is listed on both {front:%b %d} and {back:%b %d}.")
    if not (math.isfinite(post_iv) and post_iv > 0):
        raise st.StrategyError("No post-event IV for the back month: the calendar cannot be estimated.")
    k = _nearest(common, spot)
    legs = st.calendar(chain, front, back, k, True, today=today)
    back_leg = next(leg for leg in legs if leg.expiry == back)
    return _idea("calendar", legs, k, {back_leg.symbol: post_iv}, r, q, f"{PRICED_AT}; {CALENDAR_ESTIMATE}")


def earnings_ideas(chain: OptionChain, spot: float, front: date, back: date | None, move: float,
                   back_post_iv: float, *, today: date, wing_steps: int = 2, r: float = 0.0, q: float = 0.0
                   ) -> tuple[list[StrategyIdea], list[str]]:
    """The four ideas that can be built (``move``: the expected move in $), and why the others
    cannot ("calendar: …")."""
    builders = {
        "long straddle": lambda: long_straddle(chain, spot, front, today=today, r=r, q=q),
        "long strangle": lambda: long_strangle(chain, spot, front, move, today=today, r=r, q=q),
        "iron condor": lambda: iron_condor(chain, spot, front, move, today=today, wing_steps=wing_steps, r=r, q=q),
        "calendar": lambda: _calendar_or_reason(chain, spot, front, back, back_post_iv, today, r, q),
    }
    ideas, problems = [], []
    for name, build in builders.items():
        try:
            ideas.append(build())
        except (st.StrategyError, ValueError) as exc:
            problems.append(f"{name}: {exc}")
    return ideas, problems


def _calendar_or_reason(chain, spot, front, back, post_iv, today, r, q) -> StrategyIdea:
    if back is None:
        raise st.StrategyError("no later expiry to buy.")
    return calendar(chain, spot, front, back, post_iv, today=today, r=r, q=q)


def expiries_after(chain: OptionChain, day: date) -> list[date]:
    """The chain's expiries on or after ``day``, nearest first."""
    return sorted(d for d in (x.item() for x in np.unique(chain.expiry)) if d >= day)
