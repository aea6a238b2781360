"""Time and event rules: 21 DTE, theta burn, the 0DTE close, gamma risk, assignment, earnings.

- ``manage_dte``: a premium seller (the option legs opened for a credit) whose nearest short leg
  has ≤ 21 DTE and that was opened with more than 21 DTE [tastytrade "45 & 21"].
- ``theta_decay``: long premium (a debit) losing ≥ 3 % of its value a day to theta
  (−Σ qty × theta × multiplier / value).
- ``zero_dte``: a leg on its last trading day (an AM-settled SPX monthly: the day before), from
  60 minutes before the close (15:00 ET; 12:00 on a 13:00 half day with the calendar's
  ``close_of``).
- ``gamma_risk``: a short strike with ≤ 2 DTE within 1 % of spot or within one expected daily
  move (spot × IV × √(1/252)).
- ``assignment``: a short ITM option on a physically settled underlying (not a cash-settled
  index) whose extrinsic value (mid − intrinsic) is below the next dividend with the ex-date
  before expiry (calls), or below 0.05 with ≤ 2 DTE.
- ``earnings``: an earnings date on or before the last expiry, within 7 days.
"""

from __future__ import annotations

import math
from datetime import datetime

from analytics.exit_rules.context import ET, Context, cash, close_action, close_legs, last_trading_day, premium
from analytics.exit_rules.model import Advice, SuggestedAction
from analytics.positions import Leg
from data.symbols import INDEX_SYMBOLS, OPTION_ROOT_UNDERLYING

CASH_SETTLED = INDEX_SYMBOLS | frozenset(OPTION_ROOT_UNDERLYING) | {"XSP"}
TRADING_DAYS = 252


def _shorts(ctx: Context) -> tuple[Leg, ...]:
    return tuple(leg for leg in ctx.option_legs if leg.quantity < 0 and ctx.dte(leg) >= 0)


def manage_dte(ctx: Context) -> list[Advice]:
    shorts, p = _shorts(ctx), ctx.params
    if not shorts or premium(ctx.option_legs) >= 0:
        return []
    dte = min(ctx.dte(leg) for leg in shorts)
    opened = ctx.position.opened_at.astimezone(ET).date()
    entry_dte = min(leg.dte(opened) for leg in shorts)
    if dte > p.manage_dte or entry_dte <= p.manage_dte:
        return []
    numbers = {"dte_days": float(dte), "threshold_dte_days": float(p.manage_dte), "entry_dte_days": float(entry_dte)}
    theta = sum(leg.quantity * ctx.greek(leg, "theta") * leg.multiplier for leg in ctx.option_legs)
    if math.isfinite(theta):
        numbers["theta_usd_per_day"] = theta
    title = (f"{dte} days to expiry: close or roll (managing at {p.manage_dte} DTE cut the outlier losses of "
             "SPY 16-delta strangles by 67 %, tastytrade 2005→)")
    return [Advice("manage_dte", "warn", title, ctx.position.id, numbers, close_action(ctx, ctx.option_legs))]


def theta_decay(ctx: Context) -> list[Advice]:
    legs, p = ctx.option_legs, ctx.params
    if not ctx.usable(legs) or premium(legs) <= 0:
        return []
    value = ctx.value(legs)
    theta = sum(leg.quantity * ctx.greek(leg, "theta") * leg.multiplier for leg in legs)
    if not (value > 0 and math.isfinite(theta)):
        return []
    pct = -theta / value * 100
    if pct < p.theta_decay_pct_per_day - 1e-9:
        return []
    title = f"Theta takes {pct:.1f} % of the value a day (${-theta:,.0f} of ${value:,.0f})"
    numbers = {"decay_pct_per_day": pct, "threshold_pct_per_day": p.theta_decay_pct_per_day,
               "theta_usd_per_day": theta, "value_usd": value}
    return [Advice("theta_decay", "warn", title, ctx.position.id, numbers, close_action(ctx, legs))]


def zero_dte(ctx: Context) -> list[Advice]:
    today = tuple(leg for leg in ctx.option_legs if last_trading_day(leg) == ctx.today)
    if not today:
        return []
    close: datetime = ctx.close_of(ctx.today)
    minutes = (close - ctx.now).total_seconds() / 60
    limit = ctx.params.zero_dte_minutes_before_close
    if minutes > limit + 1e-9 or minutes <= 0:
        return []
    short = any(leg.quantity < 0 for leg in today)
    title = f"Expires today, {minutes:.0f} minutes to the close: close it before expiration"
    if short and ctx.position.underlying not in CASH_SETTLED:
        title += " (a short option in the money at the close gets assigned)"
    numbers = {"minutes_to_close": minutes, "threshold_minutes": float(limit)}
    return [Advice("zero_dte", "act" if short else "warn", title, ctx.position.id, numbers,
                   close_action(ctx, today))]


def _daily_move(ctx: Context, leg: Leg) -> float:
    iv = ctx.greek(leg, "iv")
    return ctx.spot * iv * math.sqrt(1 / TRADING_DAYS) if math.isfinite(iv) and iv > 0 else math.nan


def gamma_risk(ctx: Context) -> list[Advice]:
    p = ctx.params
    if not ctx.spot_ok:
        return []
    out = []
    for leg in _shorts(ctx):
        dte = ctx.dte(leg)
        distance = abs(leg.strike - ctx.spot)
        pct = distance / ctx.spot * 100
        move = _daily_move(ctx, leg) if p.gamma_use_daily_move else math.nan
        near = pct <= p.gamma_distance_pct + 1e-9 or (math.isfinite(move) and distance <= move + 1e-9)
        if dte > p.gamma_dte or not near:
            continue
        numbers = {"distance_usd": distance, "distance_pct": pct, "threshold_pct": p.gamma_distance_pct,
                   "dte_days": float(dte), "threshold_dte_days": float(p.gamma_dte)}
        if math.isfinite(move):
            numbers["daily_move_usd"] = move
        gamma = ctx.greek(leg, "gamma")
        if math.isfinite(gamma):
            numbers["gamma_shares_per_usd"] = leg.quantity * gamma * leg.multiplier
        title = f"Short {leg.strike:g} {'call' if leg.is_call else 'put'} is {pct:.1f} % from spot with {dte} DTE"
        out.append(Advice("gamma_risk", "act" if dte == 0 else "warn", title, ctx.position.id, numbers,
                          close_action(ctx, (leg,)), leg.symbol))
    return out


def assignment(ctx: Context) -> list[Advice]:
    if not ctx.spot_ok or ctx.position.underlying in CASH_SETTLED:
        return []
    out = []
    for leg in _shorts(ctx):
        intrinsic = max(ctx.spot - leg.strike, 0.0) if leg.is_call else max(leg.strike - ctx.spot, 0.0)
        if intrinsic <= 0 or not ctx.usable((leg,)):
            continue
        extrinsic = ctx.mid(leg) - intrinsic
        numbers = {"intrinsic_per_share": intrinsic, "extrinsic_per_share": extrinsic, "dte_days": float(ctx.dte(leg))}
        variant = _assignment_case(ctx, leg, extrinsic, numbers)
        if variant is None:
            continue
        why = "the dividend" if variant == "dividend" else f"{ctx.params.assignment_min_extrinsic:.2f}"
        title = (f"Short {leg.strike:g} {'call' if leg.is_call else 'put'} is in the money with "
                 f"{extrinsic:.2f} of time value, below {why}: early assignment is likely")
        orders = close_legs(ctx, (leg,), at="touch")
        paid = cash(orders, (leg.multiplier,))
        action = SuggestedAction("close", orders, paid / (leg.multiplier * abs(leg.quantity)), paid)
        out.append(Advice("assignment", "act", title, ctx.position.id, numbers, action, variant))
    return out


def _assignment_case(ctx: Context, leg: Leg, extrinsic: float, numbers: dict[str, float]) -> str | None:
    p = ctx.params
    if leg.is_call and ctx.next_dividend is not None:
        ex_date, amount = ctx.next_dividend
        if ctx.today < ex_date <= leg.expiry and extrinsic < amount - 1e-9:
            numbers |= {"dividend_per_share": amount, "days_to_ex_dividend": float((ex_date - ctx.today).days)}
            return "dividend"
    if ctx.dte(leg) <= p.assignment_near_dte and extrinsic < p.assignment_min_extrinsic - 1e-9:
        numbers["threshold_extrinsic_per_share"] = p.assignment_min_extrinsic
        return "expiry"
    return None


def earnings(ctx: Context) -> list[Advice]:
    if ctx.earnings is None or not ctx.option_legs:
        return []
    last = max(leg.expiry for leg in ctx.option_legs)
    days = (ctx.earnings - ctx.today).days
    if not (0 <= days <= ctx.params.earnings_warn_days and ctx.earnings <= last):
        return []
    title = f"Earnings on {ctx.earnings:%b %d}, before the {last:%b %d} expiry: exit the day before or accept the move"
    numbers = {"days_to_earnings": float(days), "threshold_days": float(ctx.params.earnings_warn_days),
               "dte_days": float((last - ctx.today).days)}
    return [Advice("earnings", "act" if days <= 1 else "warn", title, ctx.position.id, numbers,
                   close_action(ctx, ctx.option_legs), f"{ctx.earnings:%Y-%m-%d}")]
