"""Options tools: gamma exposure, today's 0DTE expected move, implied volatility. The active
symbol's numbers come from the options panels' own snapshot (``OptionChainService.latest``), so
the GEX card shows what the GEX panel shows."""

from __future__ import annotations

import math
from datetime import date

import numpy as np

from app.core.coach.tool_base import (
    SYMBOL,
    Result,
    ToolEnv,
    ToolError,
    ToolSpec,
    finite,
    params,
    pct,
    price,
    rnd,
    strike,
    symbol_of,
)
from data.coach import Card, CardAction
from data.dollars import compact_dollars

TOP_STRIKES = 5


def _levels(gex, extra: tuple[tuple[str, float | None], ...] = ()) -> list[dict]:
    named = (("Gamma flip", gex.flip), ("Call wall", gex.call_wall), ("Put wall", gex.put_wall), *extra)
    return [{"label": label, "price": round(float(p), 2)} for label, p in named if finite(p)]


async def gamma_exposure(env: ToolEnv, symbol: str) -> Result:
    sym = symbol_of(symbol)
    snap = await env.snapshot(sym)
    gex = snap.gex
    net = gex.by_strike.net
    order = np.argsort(-np.abs(net))[:TOP_STRIKES] if len(net) else []
    top = [{"strike": rnd(gex.by_strike.strike[i]), "net": rnd(net[i], 0)} for i in order]
    result = {"symbol": sym, "spot": rnd(snap.spot), "regime": gex.regime, "total": rnd(gex.total, 0),
              "units": gex.units, "flip": rnd(gex.flip), "call_wall": rnd(gex.call_wall),
              "put_wall": rnd(gex.put_wall), "abs_gamma_strike": rnd(gex.abs_gamma_strike),
              "top_strikes": top, "asof": snap.chain.asof.isoformat(timespec="seconds")}
    if gex.flip is None and gex.flip_note:
        result["flip_note"] = gex.flip_note
    lines = (("Regime", gex.regime), ("Total", f"{compact_dollars(gex.total)} per 1% move"),
             ("Spot", price(snap.spot)), ("Gamma flip", strike(gex.flip) if gex.flip is not None else gex.flip_note
                                          or "—"),
             ("Call wall", strike(gex.call_wall)), ("Put wall", strike(gex.put_wall)),
             ("Top strikes", ", ".join(f"{strike(t['strike'])} {compact_dollars(t['net'])}" for t in top) or "—"))
    action = CardAction("Show on chart", "chart_levels", {"symbol": sym, "levels": _levels(gex)})
    return result, Card("gex", f"{sym} gamma exposure", lines, (action,))


async def zero_dte(env: ToolEnv, symbol: str) -> Result:
    from app.core.zero_dte import ZeroDteService

    sym = symbol_of(symbol)
    snap = await env.snapshot(sym)
    view = await env.service(ZeroDteService).summary(snap)
    if view is None:
        raise ToolError(f"No {sym} options snapshot yet.")
    now = snap.chain.asof
    to_close = max(0.0, (view.close - now).total_seconds() / 60) if view.close is not None else None
    result: dict = {"symbol": sym, "spot": rnd(snap.spot), "note": view.note,
                    "minutes_to_close": round(to_close) if to_close is not None else None}
    lines: list[tuple[str, str]] = [("Spot", price(snap.spot))]
    s = view.summary
    if s is not None:
        m = s.move
        result |= {"expiry": s.expiry.isoformat(), "atm_strike": rnd(m.atm_strike), "straddle": rnd(m.straddle),
                   "straddle_pct": rnd(m.straddle / snap.spot * 100), "one_sigma": rnd(m.one_sigma),
                   "atm_iv_pct": rnd(m.atm_iv * 100), "open": rnd(snap.open_price)}
        lines += [("Expected move (straddle)", f"±{price(m.straddle)} ({pct(m.straddle / snap.spot * 100)})"),
                  ("ATM IV", pct(m.atm_iv * 100))]
        if s.day is not None:
            d = s.day
            result |= {"move_at_open": rnd(d.at_open), "used": rnd(d.used), "used_pct": rnd(d.used_fraction * 100),
                       "remaining": rnd(d.remaining)}
            lines += [("Used of the open's 1σ", f"{price(d.used)} of {price(d.at_open)} "
                                                 f"({pct(d.used_fraction * 100, 1)})"),
                      ("Remaining (1σ)", f"±{price(d.remaining)}")]
    if to_close is not None:
        lines.append(("To the close", f"{int(to_close) // 60}h {int(to_close) % 60:02d}m"))
    lines.append(("Note", view.note))
    actions = ()
    if s is not None:
        actions = (CardAction("Open chain at ATM", "open_chain",
                              {"symbol": sym, "strike": float(s.move.atm_strike), "expiry": s.expiry.isoformat()}),)
    return result, Card("zero_dte", f"{sym} 0DTE", tuple(lines), actions)


def _skew_of(snap) -> dict | None:
    """The 25Δ skew of the term point nearest 30 days."""
    points, skews = snap.iv.term.points, snap.iv.skews
    best = None
    for pt, (s25, _s10) in zip(points, skews, strict=False):
        if s25 is not None and (best is None or abs(pt.T - 30 / 365) < abs(best[0].T - 30 / 365)):
            best = (pt, s25)
    if best is None:
        return None
    s = best[1]
    return {"expiry": s.expiry.isoformat(), "put_25d_iv_pct": rnd(s.put_iv * 100), "call_25d_iv_pct":
            rnd(s.call_iv * 100), "risk_reversal_pts": rnd(s.risk_reversal), "reading": s.reading}


async def iv_analysis(env: ToolEnv, symbol: str) -> Result:
    from app.core.iv_rank import IvRankService

    sym = symbol_of(symbol)
    snap = await env.snapshot(sym)
    ranked = await env.service(IvRankService).rank(snap)
    term = snap.iv.term
    pts = [p for p in term.points if finite(p.atm_iv)]
    picks = pts if len(pts) <= 6 else [pts[i] for i in np.linspace(0, len(pts) - 1, 6).round().astype(int)]
    result = {"symbol": sym, "atm_iv_30d_pct": rnd(snap.iv.atm_30d * 100), "term_shape": term.shape,
              "term_steepness_pts_per_30d": rnd(term.steepness),
              "term": [{"expiry": p.expiry.isoformat(), "atm_iv_pct": rnd(p.atm_iv * 100)} for p in picks],
              "skew_25d": _skew_of(snap)}
    rank_text = "—"
    if ranked is not None and ranked.rank is not None:
        r = ranked.rank
        result |= {"iv_rank": rnd(r.rank), "iv_percentile": rnd(r.percentile), "iv_rank_basis": r.basis}
        rank_text = f"{r.rank:.0f} ({r.basis})"
    elif ranked is not None:
        result["iv_rank_note"] = ranked.reason
        rank_text = ranked.reason or "—"
    skew = result["skew_25d"]
    lines = (("ATM IV 30d", pct(snap.iv.atm_30d * 100)), ("IV rank", rank_text),
             ("Term structure", f"{term.shape} ({term.steepness:+.2f} vol pts / 30d)".replace("-", "−")
              if math.isfinite(term.steepness) else term.shape),
             ("25Δ skew", f"{skew['risk_reversal_pts']:+.2f} pts · {skew['reading']}" if skew else "—"))
    return result, Card("iv", f"{sym} implied volatility", lines)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


TOOLS = (
    ToolSpec("get_gamma_exposure", "Dealer gamma exposure of a symbol's options: regime (positive/negative "
             "gamma), total $ per 1% move, gamma flip, call and put walls, the biggest strikes.",
             params({"symbol": SYMBOL}, ("symbol",)), gamma_exposure),
    ToolSpec("get_zero_dte_analysis", "Today's same-day-expiry (0DTE) options: expected move (ATM straddle), "
             "how much of the move priced at the open is used and what remains, time to the close.",
             params({"symbol": SYMBOL}, ("symbol",)), zero_dte),
    ToolSpec("get_iv_analysis", "Implied volatility: 30-day ATM IV, IV rank and percentile (with their basis), "
             "term structure shape, 25-delta skew.", params({"symbol": SYMBOL}, ("symbol",)), iv_analysis),
)
