"""The move an earnings report is priced for: the implied move and the event's own variance.

**Which expiry.** The report moves the stock in its *reaction session*: the report date itself
for a report before the open (BMO), the next trading day for one after the close (AMC; an
unknown time is treated as AMC and says so). The front expiry that spans the event is the
first one on or after the reaction session (it is still alive when the stock reacts).

**Implied move** of that expiry, two ways, both labelled: the ATM straddle's mid ("straddle",
the market's price of the move; ≈ 0.8 × the 1σ move, E|X| = σ·√(2/π)) and S·σ·√T from the ATM
IV ("1σ from IV"); in dollars and in percent of spot.

**Event variance from the term structure.** With two expiries T1 < T2 both after the event
(IVs σ1, σ2, T in years from now), and the event treated as one lump of variance v_e that
both expiries carry on top of a common ex-event vol σ_ex:

    σ_ex² = (σ2²·T2 − σ1²·T1) / (T2 − T1)        v_e = T1·(σ1² − σ_ex²)

The event's 1σ move is √v_e (a return), and the IV of expiry 1 once the event is past is
≈ σ_ex. A term structure that cannot hold a lump (σ_ex² ≤ 0, or v_e ≤ 0: the later expiry is
not cheaper per day) falls back to the straddle, with the reason in words.

**Post-event IV per expiry** (the crush simulator's default): an expiry that spans the event
loses the lump, σ_i,post² = (σ_i²·T_i − v_e) / T_i (σ_ex for both expiries the lump was read
from); an expiry that ends before the reaction session keeps its IV.

Percent fields (``*_pct``) are in percent (5.55 = 5.55 %); IVs and variances are decimals.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from analytics.expected_move import ExpectedMove, expected_moves
from data.option_chain import OptionChain

STRADDLE, ONE_SIGMA = "straddle", "1σ from IV"
TERM_STRUCTURE = "term structure"
AMC, BMO, UNKNOWN = "amc", "bmo", "unknown"


def reaction_day(report_date: date, timing: str, next_session: Callable[[date], date]) -> date:
    """The session the report moves the stock in: BMO the report date (or the next session when
    it is not one), AMC and unknown the session after it. ``next_session(d)`` is the first
    session strictly after ``d``."""
    if timing == BMO:
        return next_session(report_date - timedelta(days=1))
    return next_session(report_date)


def timing_note(timing: str) -> str:
    """What the timing means for the reaction, in words ("" when the timing is known)."""
    if timing in (AMC, BMO):
        return ""
    return "report time unknown: treated as after the close (reaction the next session)"


@dataclass(frozen=True, slots=True)
class ImpliedMove:
    expiry: date  # the front expiry that spans the event
    T: float  # years from the chain's time to that expiry
    spot: float
    atm_strike: float
    atm_iv: float  # decimal; NaN when unknown
    straddle: float  # $: ATM call mid + put mid
    one_sigma: float  # $: S·σ·√T (NaN without an ATM IV)

    @property
    def straddle_pct(self) -> float:
        return 100.0 * self.straddle / self.spot

    @property
    def one_sigma_pct(self) -> float:
        return 100.0 * self.one_sigma / self.spot


def spanning_expiries(expiries: Sequence[date], reaction: date) -> list[date]:
    """Expiries on or after the reaction session, nearest first."""
    return sorted(e for e in expiries if e >= reaction)


def implied_move(chain: OptionChain, spot: float, T: np.ndarray, atm_ivs: Mapping[date, float],
                 reaction: date) -> ImpliedMove | None:
    """The implied move of the first expiry on or after ``reaction`` with a quoted ATM straddle
    (``T`` years per chain row, ``atm_ivs`` per expiry); None when no expiry spans the event."""
    moves: list[ExpectedMove] = expected_moves(chain, spot, T, dict(atm_ivs))
    for m in sorted(moves, key=lambda m: m.expiry):
        if m.expiry >= reaction:
            return ImpliedMove(m.expiry, m.T, float(spot), m.atm_strike, m.atm_iv, m.straddle, m.one_sigma)
    return None


@dataclass(frozen=True, slots=True)
class EventVol:
    method: str  # TERM_STRUCTURE, or STRADDLE on the fallback
    move_pct: float  # the event's 1σ move in percent (√v_e), or the straddle's % on the fallback
    event_variance: float  # v_e (NaN on the fallback)
    ex_event_vol: float  # σ_ex: expiry 1's IV once the event is past (NaN on the fallback)
    expiry1: date | None = None
    expiry2: date | None = None
    sigma1: float = math.nan
    sigma2: float = math.nan
    T1: float = math.nan
    T2: float = math.nan
    reason: str = ""  # why the fallback was taken ("" for the term-structure read)

    @property
    def post_event_iv(self) -> float:
        return self.ex_event_vol


def event_vol(sigma1: float, T1: float, sigma2: float, T2: float, *, straddle_pct: float = math.nan,
              expiry1: date | None = None, expiry2: date | None = None) -> EventVol:
    """The event's variance from two expiries after it (module doc); the straddle's % when the
    term structure cannot hold an event."""
    ids = {"expiry1": expiry1, "expiry2": expiry2, "sigma1": sigma1, "sigma2": sigma2, "T1": T1, "T2": T2}
    values = (sigma1, T1, sigma2, T2)
    if not all(math.isfinite(v) and v > 0 for v in values):
        return _fallback(straddle_pct, "the two expiries after the event have no IV to read the event from", ids)
    if T2 <= T1:
        return _fallback(straddle_pct, "the second expiry must end after the first", ids)
    ex_var = (sigma2 * sigma2 * T2 - sigma1 * sigma1 * T1) / (T2 - T1)
    if ex_var <= 0:
        return _fallback(straddle_pct, "the later expiry carries less total variance than the front one "
                                       "(no ex-event volatility fits)", ids)
    v_e = T1 * (sigma1 * sigma1 - ex_var)
    if v_e <= 0:
        return _fallback(straddle_pct, "the front expiry is not richer than the ex-event volatility "
                                       "(no event premium in the term structure)", ids)
    return EventVol(TERM_STRUCTURE, 100.0 * math.sqrt(v_e), v_e, math.sqrt(ex_var), **ids)


def _fallback(straddle_pct: float, why: str, ids: dict) -> EventVol:
    return EventVol(STRADDLE, straddle_pct, math.nan, math.nan, reason=f"Event move from the straddle: {why}.", **ids)


def term_event_vol(points: Sequence, reaction: date, straddle_pct: float = math.nan) -> EventVol:
    """``event_vol`` from the first two expiries on or after ``reaction`` with an ATM IV;
    ``points`` have ``expiry``, ``T`` and ``atm_iv`` (``analytics.volatility.ExpiryVol``)."""
    after = sorted((p for p in points if p.expiry >= reaction and math.isfinite(p.atm_iv) and p.T > 0),
                   key=lambda p: p.T)
    if len(after) < 2:
        return _fallback(straddle_pct, "fewer than two expiries after the event have an ATM IV", {})
    a, b = after[0], after[1]
    return event_vol(a.atm_iv, a.T, b.atm_iv, b.T, straddle_pct=straddle_pct, expiry1=a.expiry, expiry2=b.expiry)


def post_event_ivs(ivs: Mapping[date, tuple[float, float]], event_variance: float, reaction: date
                   ) -> dict[date, float]:
    """IV per expiry once the event is past: ``ivs`` maps expiry → (T, IV now). Expiries before
    ``reaction`` keep theirs; the others lose the event's lump (module doc). NaN where the lump
    is more than the expiry's variance, or the event variance is unknown."""
    out = {}
    for expiry, (t, iv) in ivs.items():
        if expiry < reaction:
            out[expiry] = float(iv)
            continue
        var = (iv * iv * t - event_variance) / t if t > 0 else math.nan
        out[expiry] = math.sqrt(var) if math.isfinite(var) and var > 0 else math.nan
    return out

