"""Roll a premium seller: out in time and, for a tested side, further away — priced on the chain.

Triggers on a credit position (option legs of one expiry) when a short strike is tested — spot
through it or within ``roll_tested_pct`` % of it — or at ≤ ``manage_dte``. The roll closes
every option leg at the touch (buy the shorts at the ask, sell the longs at the bid) and opens
the same structure at a later expiry: the nearest with ≥ ``roll_min_dte`` days first (up to
``roll_max_expiries``), same strikes first, then the tested side moved 1..``roll_max_steps``
listed strikes away (all its legs by the same dollars, so widths stay). The first candidate for
a net credit wins; with none, the same-strikes roll to the nearest expiry is shown as a
"debit roll" [tastytrade: roll for a credit, or call it what it is].

Roll net = credit of the new legs − cost of closing the old; cumulative credit = the original
credit + roll net (per share of one unit); a single short option's breakeven is K ∓ cumulative;
the new max loss is the whole trade's (realized on the old legs plus the new structure's worst).
"""

from __future__ import annotations

from datetime import date

import numpy as np

from analytics.exit_rules.context import Context, cash, close_legs, expiry_range, leg_root, premium, unit
from analytics.exit_rules.model import ActionLeg, Advice, SuggestedAction
from analytics.positions import Leg
from data.symbols import AM_SETTLED_ROOTS


def _tested(ctx: Context, shorts: tuple[Leg, ...]) -> dict[bool, Leg]:
    """Tested short legs by side (True: calls), the one nearest spot per side."""
    x = ctx.params.roll_tested_pct / 100
    out: dict[bool, Leg] = {}
    for leg in sorted(shorts, key=lambda g: abs(g.strike - ctx.spot), reverse=True):
        hit = ctx.spot >= leg.strike * (1 - x) if leg.is_call else ctx.spot <= leg.strike * (1 + x)
        if hit:
            out[bool(leg.is_call)] = leg
    return out


def _expiries(ctx: Context, current: date) -> list[date]:
    later = [d for d in ctx.chain.expirations() if d > current and (d - ctx.today).days >= ctx.params.roll_min_dte]
    return later[: ctx.params.roll_max_expiries]


def _row(ctx: Context, leg: Leg, expiry: date, strike: float) -> int | None:
    c = ctx.chain
    ok = (c.expiry == np.datetime64(expiry, "D")) & (c.is_call == bool(leg.is_call)) & ~c.adjusted \
        & np.isclose(c.strike, strike) & np.isfinite(c.bid) & np.isfinite(c.ask) & (c.ask >= c.bid) & (c.ask > 0)
    rows = np.flatnonzero(ok)
    if not len(rows):
        return None
    root = leg_root(leg)  # the same root (SPXW stays SPXW), else a PM-settled one, else any
    ranked = sorted(rows, key=lambda i: (c.root[i] != root, c.root[i] in AM_SETTLED_ROOTS))
    return int(ranked[0])


def _shifts(ctx: Context, expiry: date, side: Leg | None) -> list[float]:
    if side is None:
        return [0.0]
    c = ctx.chain
    listed = np.unique(c.strike[(c.expiry == np.datetime64(expiry, "D")) & (c.is_call == bool(side.is_call))])
    away = listed[listed > side.strike + 1e-9] if side.is_call else listed[listed < side.strike - 1e-9][::-1]
    return [0.0, *(abs(float(k) - side.strike) for k in away[: ctx.params.roll_max_steps])]


def _open(ctx: Context, legs: tuple[Leg, ...], expiry: date, shift: float, side: Leg | None) -> tuple | None:
    orders = []
    for leg in legs:
        moved = side is not None and leg.is_call == side.is_call
        strike = leg.strike + (shift if leg.is_call else -shift) * moved
        row = _row(ctx, leg, expiry, strike)
        if row is None:
            return None
        c = ctx.chain
        sell = leg.quantity < 0
        price = float(c.bid[row] if sell else c.ask[row])
        orders.append(ActionLeg(str(c.symbol[row]), "sell" if sell else "buy", abs(leg.quantity), price, "open",
                                expiry, leg.is_call, float(c.strike[row])))
    return tuple(orders)


def roll(ctx: Context) -> list[Advice]:
    legs = ctx.option_legs
    shorts = tuple(leg for leg in legs if leg.quantity < 0)
    if not shorts or premium(legs) >= 0 or len(ctx.position.expiries) != 1 or ctx.dte(shorts[0]) < 0:
        return []
    if not (ctx.chain_ok and ctx.spot_ok and ctx.usable(legs)):
        return []
    tested = _tested(ctx, shorts)
    dte = min(ctx.dte(leg) for leg in shorts)
    if not tested and dte > ctx.params.manage_dte:
        return []
    side = next(iter(tested.values())) if len(tested) == 1 else None
    closing = close_legs(ctx, legs, at="touch")
    multipliers = tuple(leg.multiplier for leg in legs)
    first = None
    for expiry in _expiries(ctx, legs[0].expiry):
        for shift in _shifts(ctx, expiry, side):
            opening = _open(ctx, legs, expiry, shift, side)
            if opening is None:
                continue
            net = cash(closing, multipliers) + cash(opening, multipliers)
            first = first or (opening, net, shift)
            if net > 1e-9:
                return [_advice(ctx, closing, opening, net, shift, tested, dte)]
    return [] if first is None else [_advice(ctx, closing, first[0], first[1], first[2], tested, dte)]


def _advice(ctx: Context, closing, opening, net: float, shift: float, tested: dict, dte: int) -> Advice:
    legs = ctx.option_legs
    m, u = legs[0].multiplier, unit(legs)
    per_share = net / (m * u)
    cumulative = -premium(legs) / (m * u) + per_share
    realized = cash(closing, tuple(leg.multiplier for leg in legs)) - premium(legs)
    new = [(o.is_call, o.strike, leg.quantity, o.price, leg.multiplier) for o, leg in zip(opening, legs, strict=True)]
    new += [(None, 0.0, leg.quantity, leg.open_price, leg.multiplier) for leg in ctx.position.legs if not leg.is_option]
    low, high = expiry_range(new)
    max_loss = max(-(low + realized), 0.0)
    expiry = opening[0].expiry
    numbers = {"roll_net_usd": net, "roll_net_per_share": per_share, "cumulative_credit_per_share": cumulative,
               "new_dte_days": float((expiry - ctx.today).days), "dte_days": float(dte), "shift_usd": shift,
               "new_max_loss_usd": max_loss, "spot": ctx.spot}
    for is_call, leg in tested.items():
        numbers[f"tested_{'call' if is_call else 'put'}_strike"] = leg.strike
    if len(legs) == 1:
        k = opening[0].strike
        numbers["new_breakeven"] = k + cumulative if legs[0].is_call else k - cumulative
    credit = net > 1e-9
    what = f"for a {per_share:.2f} credit" if credit else f"— a debit roll of {-per_share:.2f}"
    moved = f", {shift:g} further away" if shift else ""
    title = f"Roll out to {expiry:%b %d}{moved} {what} (cumulative credit {cumulative:.2f})"
    action = SuggestedAction("roll", closing + opening, per_share, net, max_loss, high + realized)
    return Advice("roll", "act" if tested else "warn", title, ctx.position.id, numbers, action,
                  "credit" if credit else "debit")
