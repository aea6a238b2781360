"""The tracked-setup lifecycle as pure rules: which plans are valid and what a price does to a setup.

States::

    active ──price reaches entry──▶ triggered ──first target──▶ target_hit
       │                                ├──────stop──────────▶ stopped
       │                                └──the session ends──▶ closed (at the last price, its R)
       ├──stop before entry / the session ends untriggered──▶ invalidated
    any ──archive──▶ archived ──reopen──▶ active          (invalidated, stopped, target_hit: reopen too)

* **Reaching entry** is read from the side the price started on (``reference``, the price when
  the setup was made): from below, a price at or above entry; from above, at or below. A setup
  made at its entry (a detection enters at its bar's close) triggers on the first price at or
  beyond entry in the trade's direction (a long at or above it).
* **Stop before entry**: while active, a price at or through the stop (a long's at or below it)
  invalidates the setup — the idea failed before it was taken. Only when the setup started on
  the entry's side of its stop: a trader's breakout plan made below its own stop (price 600,
  buy 610, stop 605) waits for entry through it (the session's end still invalidates it).
* **Start** (``start_problem``): a setup made *from a detection* whose price is already through
  its stop, or past its first target, is refused — the detection has played out.
* **Target / stop** once triggered: the first target reached closes it as ``target_hit``, the
  stop as ``stopped``. One price can do one transition; the next price does the next (a gap
  through entry and target in one print triggers, then hits the target on the following one).
* At the session's end an untriggered setup is invalidated and a triggered one is **closed** at
  the last price, with its result in R — an intraday setup is judged by the close, as the
  ``ai-coach detect`` track record and the hit rates beside detections judge it.
Prices are compared exactly (no tolerance): the tracker sees every quote the stream carries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

ACTIVE, TRIGGERED, TARGET_HIT, STOPPED, CLOSED, INVALIDATED, ARCHIVED = (
    "active", "triggered", "target_hit", "stopped", "closed", "invalidated", "archived")
STATUSES = (ACTIVE, TRIGGERED, TARGET_HIT, STOPPED, CLOSED, INVALIDATED, ARCHIVED)
LIVE = (ACTIVE, TRIGGERED)  # evaluated on every quote
DIRECTIONS = ("long", "short")
STATUS_TITLES = {ACTIVE: "Active", TRIGGERED: "Triggered", TARGET_HIT: "Target hit", STOPPED: "Stopped",
                 CLOSED: "Closed at the bell", INVALIDATED: "Invalidated", ARCHIVED: "Archived"}


@dataclass(frozen=True, slots=True)
class SetupPlan:
    direction: str  # "long" or "short"
    entry: float
    stop: float
    targets: tuple[float, ...]  # one or two, nearest first

    @property
    def sign(self) -> float:
        return 1.0 if self.direction == "long" else -1.0

    @property
    def risk(self) -> float:
        return abs(self.entry - self.stop)

    @property
    def risk_reward(self) -> float:
        return abs(self.targets[0] - self.entry) / self.risk if self.targets and self.risk > 0 else math.nan


@dataclass(frozen=True, slots=True)
class Transition:
    status: str  # the new status
    reason: str  # plain words for the event log and the notification


def plan_problem(plan: SetupPlan) -> str | None:
    """Why ``plan`` cannot be tracked (a message for the trader), or None when it can."""
    if plan.direction not in DIRECTIONS:
        return f"Direction must be long or short, not '{plan.direction}'."
    prices = (plan.entry, plan.stop, *plan.targets)
    if not all(isinstance(p, int | float) and math.isfinite(p) and p > 0 for p in prices):
        return "Entry, stop and targets must be positive prices."
    if not 1 <= len(plan.targets) <= 2:
        return "A setup has one or two targets."
    side = "below" if plan.direction == "long" else "above"
    if plan.sign * (plan.entry - plan.stop) <= 0:
        return f"A {plan.direction}'s stop must be {side} its entry ({plan.stop:,.2f} vs entry {plan.entry:,.2f})."
    other = "above" if plan.direction == "long" else "below"
    for target in plan.targets:
        if plan.sign * (target - plan.entry) <= 0:
            return f"A {plan.direction}'s target must be {other} its entry ({target:,.2f} vs entry {plan.entry:,.2f})."
    if len(plan.targets) == 2 and plan.sign * (plan.targets[1] - plan.targets[0]) <= 0:
        return "The second target must be further from entry than the first."
    return None


def start_problem(plan: SetupPlan, reference: float) -> str | None:
    """Why a detection's setup cannot start watching at ``reference`` (the price now): it played out."""
    if not (math.isfinite(reference) and reference > 0):
        return None  # no price yet: the first quote decides
    if plan.sign * (reference - plan.stop) <= 0:
        return (f"The price {reference:,.2f} is already through the stop {plan.stop:,.2f}: "
                "this setup failed before it could be tracked.")
    if plan.sign * (reference - plan.targets[0]) >= 0:
        return (f"The price {reference:,.2f} is already past the target {plan.targets[0]:,.2f}: "
                "the move this setup plans for has happened.")
    return None


def on_price(status: str, plan: SetupPlan, reference: float, price: float) -> Transition | None:
    """What ``price`` does to a setup in ``status`` made when the price was ``reference``."""
    if not (math.isfinite(price) and price > 0):
        return None
    s = plan.sign
    if status == ACTIVE:
        if s * (reference - plan.stop) > 0 and s * (price - plan.stop) <= 0:
            return Transition(INVALIDATED, f"stop {plan.stop:,.2f} hit before entry (at {price:,.2f})")
        if _reaches_entry(plan, reference, price):
            return Transition(TRIGGERED, f"entry {plan.entry:,.2f} reached (at {price:,.2f})")
        return None
    if status == TRIGGERED:
        if s * (price - plan.targets[0]) >= 0:
            return Transition(TARGET_HIT, f"target {plan.targets[0]:,.2f} reached (at {price:,.2f})")
        if s * (price - plan.stop) <= 0:
            return Transition(STOPPED, f"stop {plan.stop:,.2f} hit (at {price:,.2f})")
    return None


def _reaches_entry(plan: SetupPlan, reference: float, price: float) -> bool:
    if reference < plan.entry:
        return price >= plan.entry
    if reference > plan.entry:
        return price <= plan.entry
    return plan.sign * (price - plan.entry) >= 0


def at_session_end(status: str, plan: SetupPlan | None = None, last_price: float | None = None) -> Transition | None:
    """What the session's close does: an untriggered setup is invalidated, a triggered one closed
    at ``last_price`` (its R said when the price is known); finished ones are left alone."""
    if status == ACTIVE:
        return Transition(INVALIDATED, "the session ended before entry")
    if status != TRIGGERED:
        return None
    if plan is None or last_price is None or not math.isfinite(last_price) or plan.risk <= 0:
        return Transition(CLOSED, "the session ended: closed at the bell")
    r = plan.sign * (last_price - plan.entry) / plan.risk
    return Transition(CLOSED, f"the session ended: closed at {last_price:,.2f} ({r:+.2f} R)")


def can_archive(status: str) -> bool:
    return status != ARCHIVED


def can_reopen(status: str) -> bool:
    """Archived and finished setups can be watched again from entry (a triggered one is still live)."""
    return status in (ARCHIVED, INVALIDATED, STOPPED, TARGET_HIT, CLOSED)
