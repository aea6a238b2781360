"""Earnings, positions and journal tools: the earnings calendar and one symbol's analysis, open
positions with their P&L and exit advice, the journal's insights over 7, 30 or 90 days."""

from __future__ import annotations

from app.core.coach.tool_base import (
    SYMBOL,
    SYMBOLS,
    Result,
    ToolEnv,
    ToolError,
    ToolSpec,
    dollars,
    finite,
    params,
    pct,
    price,
    rnd,
    symbol_of,
)
from data.coach import Card, CardAction

MAX_EVENTS = 15
MAX_POSITIONS = 8
MAX_ADVICE = 3
MAX_INSIGHTS = 6


def _event(e) -> dict:
    return {"symbol": e.symbol, "date": e.report_date.isoformat(), "timing": e.timing,
            "estimate_eps": rnd(e.estimate_eps), "period": e.fiscal_period or None}


async def earnings_calendar(env: ToolEnv, symbols: list[str] | None = None, days: int = 14) -> Result:
    from app.core.earnings.calendar import EarningsCalendarService

    wanted = [symbol_of(s) for s in symbols] if symbols else env.watchlist()
    if not wanted:
        raise ToolError("No symbols: the watchlist is empty.")
    view = await env.service(EarningsCalendarService).events(wanted, days)
    shown = view.events[:MAX_EVENTS]
    result = {"symbols": wanted, "days": days, "source": view.source, "count": len(view.events),
              "events": [_event(e) for e in shown], "note": view.note}
    if not shown and view.next_after is not None:
        result["next_after"] = _event(view.next_after)
    lines = tuple((f"{e.report_date:%a %b} {e.report_date.day}", f"{e.symbol} · {e.timing.upper()}") for e in shown)
    return result, Card("earnings", f"Earnings · next {days} days",
                        lines or (("Reports", view.note or f"None in the next {days} days"),))


async def earnings_analysis(env: ToolEnv, symbol: str) -> Result:
    from app.core.earnings.analysis import EarningsAnalysisService

    sym = symbol_of(symbol)
    a = await env.service(EarningsAnalysisService).analysis(sym)
    result: dict = {"symbol": sym, "spot": rnd(a.spot), "next_report": _event(a.event) if a.event else None,
                    "reaction_session": a.reaction.isoformat() if a.reaction else None}
    lines: list[tuple[str, str]] = []
    if a.event is not None:
        lines.append(("Next report", f"{a.event.report_date.isoformat()} {a.event.timing.upper()}"))
    if a.implied is not None:
        im = a.implied
        result["implied_move"] = {"expiry": im.expiry.isoformat(), "straddle": rnd(im.straddle),
                                  "straddle_pct": rnd(im.straddle_pct), "atm_iv_pct": rnd(im.atm_iv * 100)}
        lines.append(("Implied move", f"±{price(im.straddle)} ({pct(im.straddle_pct)})"))
    if a.summary is not None:
        s = a.summary
        result["history"] = {"reports": s.count, "mean_abs_move_pct": rnd(s.mean_abs_close_pct),
                             "median_abs_move_pct": rnd(s.median_abs_close_pct),
                             "max_abs_move_pct": rnd(s.max_abs_close_pct), "closed_up": s.up,
                             "exceeded_implied": s.exceeded, "compared": s.compared}
        lines.append(("Past moves", f"avg {pct(s.mean_abs_close_pct)} · max {pct(s.max_abs_close_pct)} · "
                                    f"{s.up}/{s.count} up"))
    result["last_moves_pct"] = [rnd(m.close_pct) for m in a.history[:4]] if a.history else []
    result["ideas"] = [{"name": i.name, "expiry": i.expiry.isoformat(), "net": rnd(i.net),
                        "max_risk": rnd(i.max_risk), "max_reward": rnd(i.max_reward)} for i in a.ideas[:4]]
    lines += [(i.name, f"net {dollars(i.net)} · risk {dollars(i.max_risk)}") for i in a.ideas[:4]]
    if a.reason:
        result["missing"] = a.reason
        lines.append(("Missing", a.reason))
    actions = tuple(CardAction(f"Open chain: {i.name}", "open_chain", {"symbol": sym, "strike": float(i.strike),
                                                                       "expiry": i.expiry.isoformat()})
                    for i in a.ideas[:1])
    return result, Card("earnings", f"{sym} earnings", tuple(lines) or (("Earnings", "No data"),), actions)


def _position(v) -> dict:
    val = v.value
    return {"id": v.position.id, "underlying": val.underlying, "strategy": val.strategy, "pnl": rnd(val.pnl),
            "pnl_pct": rnd(val.pnl_pct), "day_pnl": rnd(val.day_pnl), "dte": val.dte,
            "delta_dollars": rnd(val.delta_dollars, 0), "theta": rnd(val.theta),
            "pop_pct": rnd(v.probability_of_profit * 100) if finite(v.probability_of_profit) else None,
            "stop": rnd(v.stop_level), "advice": [{"severity": a.severity, "title": a.title}
                                                  for a in v.advice[:MAX_ADVICE]],
            **({"problem": v.problem} if v.problem else {})}


async def position_advice(env: ToolEnv, position_id: int | None = None) -> Result:
    from app.core.positions.tracker import PositionTrackerService

    tracker = env.service(PositionTrackerService)
    views = tracker.views
    if position_id is not None:
        one = tracker.view_of(int(position_id))
        if one is None:
            raise ToolError(f"No open position #{position_id}.")
        views = (one,)
    shown = views[:MAX_POSITIONS]
    total = sum(v.value.pnl for v in views if finite(v.value.pnl))
    result = {"open_positions": len(views), "total_pnl": rnd(total), "positions": [_position(v) for v in shown]}
    lines = tuple((f"#{v.position.id} {v.value.underlying} {v.value.strategy}",
                   f"{dollars(v.value.pnl)} ({pct(v.value.pnl_pct, 1, signed=True)})"
                   + (f" · {v.advice[0].title}" if v.advice else "")) for v in shown)
    actions = tuple(CardAction(f"Show #{v.position.id}", "show_position", {"position_id": v.position.id})
                    for v in shown[:3])
    return result, Card("position_advice", f"Open positions · {dollars(total)}",
                        lines or (("Positions", "No open positions."),), actions)


async def journal_insights(env: ToolEnv, days: int = 30) -> Result:
    from app.core.journal.coaching import JournalCoaching

    found = await env.service(JournalCoaching).insights(days)
    shown = found[:MAX_INSIGHTS]
    result = {"days": days, "count": len(found),
              "insights": [{"title": i.title, "message": i.message[:240], "severity": i.severity,
                            "trades": len(i.trade_ids)} for i in shown]}
    lines = tuple((i.title, i.message[:160]) for i in shown)
    ids = sorted({t for i in shown for t in i.trade_ids})[:50]
    actions = (CardAction("Show these trades", "show_trades", {"trade_ids": ids}),) if ids else ()
    return result, Card("journal_insights", f"Journal insights · last {days} days",
                        lines or (("Insights", f"Nothing stands out over the last {days} days."),), actions)


TOOLS = (
    ToolSpec("get_earnings_calendar", "Upcoming earnings reports (date, before/after the market) for symbols "
             "(default: the watchlist).", params({"symbols": SYMBOLS, "days": {
                 "type": "integer", "minimum": 1, "maximum": 92, "description": "Days ahead (14)"}}),
             earnings_calendar),
    ToolSpec("get_earnings_analysis", "One symbol's next report: implied move, past earnings moves, strategy "
             "ideas priced on the chain.", params({"symbol": SYMBOL}, ("symbol",)), earnings_analysis),
    ToolSpec("get_position_advice", "Open positions with P&L, greeks and the exit advice for each (or one "
             "position by id).", params({"position_id": {"type": "integer", "minimum": 1}}), position_advice),
    ToolSpec("get_journal_insights", "Patterns in the trader's closed trades over the last 7, 30 or 90 days.",
             params({"days": {"type": "integer", "enum": [7, 30, 90]}}), journal_insights),
)
