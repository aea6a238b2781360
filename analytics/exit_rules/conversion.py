"""Spread conversion: a long call or put that gained enough becomes a vertical.

Bought K1 for D (per share); sell a further-OTM K2 of the same expiry at its bid C. Cost basis
B = D − C; min P&L = −B (a locked-in profit when B < 0), max P&L = |K2 − K1| − B, breakeven
K1 + B (call) or K1 − B (put) while B > 0 [wave2-references 2.2]. K2 is the strike nearest
``convert_width`` dollars away when that is set, else the one whose |delta| is nearest
``convert_delta``; it must be listed with a bid on a fresh chain.
"""

from __future__ import annotations

import math

import numpy as np

from analytics.exit_rules.context import Context, expiry_range
from analytics.exit_rules.model import ActionLeg, Advice, SuggestedAction
from analytics.positions import Leg


def _candidates(ctx: Context, leg: Leg) -> np.ndarray:
    c = ctx.chain
    further = c.strike > leg.strike if leg.is_call else c.strike < leg.strike
    quoted = np.isfinite(c.bid) & (c.bid > 0) & np.isfinite(c.ask) & (c.ask >= c.bid)
    same = (c.expiry == np.datetime64(leg.expiry, "D")) & (c.is_call == bool(leg.is_call)) & ~c.adjusted
    return np.flatnonzero(same & further & quoted)


def _pick(ctx: Context, leg: Leg, rows: np.ndarray) -> int | None:
    c, p = ctx.chain, ctx.params
    if p.convert_width is not None:
        target = leg.strike + (p.convert_width if leg.is_call else -p.convert_width)
        score = np.abs(c.strike[rows] - target)
    else:
        deltas = np.array([ctx.row_delta(int(i)) for i in rows], dtype=float)
        score = np.abs(np.abs(deltas) - p.convert_delta)
    ok = np.isfinite(score)
    if not ok.any():
        return None
    order = np.lexsort((np.abs(c.strike[rows] - leg.strike), np.where(ok, score, np.inf)))
    return int(rows[order[0]])


def spread_conversion(ctx: Context) -> list[Advice]:
    legs, p = ctx.position.legs, ctx.params
    if len(legs) != 1 or not legs[0].is_option or legs[0].quantity <= 0 or not ctx.chain_ok:
        return []
    leg = legs[0]
    if not ctx.usable(legs) or leg.open_price <= 0 or ctx.dte(leg) < 0:
        return []
    gain = (ctx.mid(leg) - leg.open_price) / leg.open_price * 100
    rows = _candidates(ctx, leg)
    if gain < p.convert_gain_pct - 1e-9 or not len(rows):
        return []
    row = _pick(ctx, leg, rows)
    if row is None:
        return []
    return [_advice(ctx, leg, row, gain)]


def _advice(ctx: Context, leg: Leg, row: int, gain: float) -> Advice:
    c, q, m = ctx.chain, leg.quantity, leg.multiplier
    k2, credit = float(c.strike[row]), float(c.bid[row])
    basis = leg.open_price - credit
    low, high = expiry_range([(leg.is_call, leg.strike, q, leg.open_price, m), (leg.is_call, k2, -q, credit, m)])
    kind = "call" if leg.is_call else "put"
    numbers = {"gain_pct": gain, "threshold_pct": ctx.params.convert_gain_pct, "short_strike": k2,
               "credit_per_share": credit, "cost_basis_per_share": basis, "new_max_loss_usd": max(-low, 0.0),
               "new_max_profit_usd": high, "locked_in_profit_usd": max(low, 0.0)}
    if basis > 0:
        numbers["breakeven"] = leg.strike + basis if leg.is_call else leg.strike - basis
    delta = ctx.row_delta(row)
    if math.isfinite(delta):
        numbers["short_delta"] = delta
    if low >= 0:
        title = (f"Selling the {k2:g} {kind} for {credit:.2f} turns this into a {leg.strike:g}/{k2:g} {kind} spread "
                 f"that can no longer lose money; you give up gains beyond {k2:g}")
    else:
        title = (f"Selling the {k2:g} {kind} for {credit:.2f} cuts the risk to ${-low:,.0f}; "
                 f"you give up gains beyond {k2:g}")
    order = ActionLeg(str(c.symbol[row]), "sell", q, credit, "open", leg.expiry, leg.is_call, k2)
    action = SuggestedAction("convert", (order,), credit, credit * q * m, max(-low, 0.0), high, max(low, 0.0))
    return Advice("spread_conversion", "info", title, ctx.position.id, numbers, action)
