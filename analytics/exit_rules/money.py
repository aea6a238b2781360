"""Profit taking, loss management and the underlying stop: rules on the position's value.

The option legs are valued at their mids (a covered call's shares are left out, so its short
call is managed on its own premium). Credit trades: max profit = the credit received, profit %
= (credit − cost to close) / credit [tastytrade: take 50 %]; loss = cost to close − credit, a
card at 2× the credit. Debit trades: profit and loss as % of the debit paid (+100 % / −50 %).
Fees are left out of the percentages (they are dollars, the thresholds are per-share premium).
"""

from __future__ import annotations

from analytics.exit_rules.context import OK, WIDE, Context, close_action, premium, undefined_risk
from analytics.exit_rules.model import Advice, SuggestedAction


def _band(value: float, first: float, more: tuple[float, ...]) -> float | None:
    reached = [b for b in (first, *more) if value >= b - 1e-9]
    return max(reached) if reached else None


def take_profit(ctx: Context) -> list[Advice]:
    legs, p = ctx.option_legs, ctx.params
    paid = premium(legs)
    if not ctx.usable(legs) or paid == 0:
        return []
    pnl = ctx.value(legs) - paid
    basis = abs(paid)
    pct = pnl / basis * 100
    credit = paid < 0
    band = _band(pct, p.take_profit_credit_pct, p.take_profit_credit_bands) if credit else \
        _band(pct, p.take_profit_debit_pct, p.take_profit_debit_bands)
    if band is None:
        return []
    if credit:
        title = f"{pct:.0f} % of the max profit is in: the credit was ${basis:,.0f}, closing costs ${basis - pnl:,.0f}"
        numbers = {"profit_pct_of_max": pct, "threshold_pct": band, "credit_usd": basis,
                   "cost_to_close_usd": basis - pnl, "profit_usd": pnl}
    else:
        title = f"Up {pct:.0f} % on the debit of ${basis:,.0f}: take the profit"
        numbers = {"profit_pct_of_debit": pct, "threshold_pct": band, "debit_usd": basis,
                   "value_usd": basis + pnl, "profit_usd": pnl}
    numbers["dte_days"] = float(min(ctx.dte(leg) for leg in legs))
    return [Advice("take_profit", "warn", title, ctx.position.id, numbers, close_action(ctx, legs), f"{band:g}")]


def stop_loss(ctx: Context) -> list[Advice]:
    legs, p = ctx.option_legs, ctx.params
    paid = premium(legs)
    if not ctx.usable(legs) or paid == 0:
        return []
    loss = paid - ctx.value(legs)  # dollars lost so far (negative: a profit)
    if paid < 0:
        credit = -paid
        if p.stop_loss_credit_undefined_only and not undefined_risk(ctx.position.legs):
            return []
        if len(legs) != len(ctx.position.legs):
            return []  # a covered call's short call loses as the shares gain: no credit stop on it alone
        multiple = loss / credit
        if multiple < p.stop_loss_credit_multiple - 1e-9:
            return []
        title = f"The loss is {multiple:.1f}× the credit of ${credit:,.0f}: cut it"
        numbers = {"loss_usd": loss, "loss_multiple_of_credit": multiple,
                   "threshold_multiple": p.stop_loss_credit_multiple, "credit_usd": credit}
    else:
        pct = loss / paid * 100
        if pct < p.stop_loss_debit_pct - 1e-9:
            return []
        title = f"Down {pct:.0f} % of the ${paid:,.0f} debit: cut the loss"
        numbers = {"loss_usd": loss, "loss_pct_of_debit": pct, "threshold_pct": p.stop_loss_debit_pct,
                   "debit_usd": paid}
    return [Advice("stop_loss", "act", title, ctx.position.id, numbers, close_action(ctx, legs))]


def underlying_stop(ctx: Context) -> list[Advice]:
    stop = ctx.stop
    if stop is None or not ctx.spot_ok:
        return []
    crossed = ctx.spot <= stop.level if stop.direction == "below" else ctx.spot >= stop.level
    if not crossed:
        return []
    legs = ctx.position.legs
    title = f"{ctx.position.underlying} at {ctx.spot:,.2f} is through the stop at {stop.level:,.2f}: close"
    numbers = {"spot": ctx.spot, "stop_level": stop.level}
    action = close_action(ctx, legs)
    return [Advice("underlying_stop", "act", title, ctx.position.id, numbers,
                   SuggestedAction("close", action.legs, action.net_price, action.net_amount, stop_level=stop.level))]


def quote_too_wide(ctx: Context) -> list[Advice]:
    """An info card (no action) when every mark is fresh but one is too wide to trust: the money
    rules are holding off. Missing or stale marks give nothing."""
    legs = ctx.position.legs
    states = [ctx.quality(leg) for leg in legs]
    if any(s != OK and s != WIDE for s in states) or all(s == OK for s in states):
        return []
    widest = max((ctx.marks[leg.symbol].ask - ctx.marks[leg.symbol].bid) / ctx.mid(leg) * 100 for leg in legs)
    return [Advice("quote_too_wide", "info", "A quote is too wide to judge: profit and loss rules are holding off",
                   ctx.position.id, {"widest_spread_pct_of_mid": widest,
                                     "max_spread_pct_of_mid": ctx.params.max_spread_pct_of_mid})]
