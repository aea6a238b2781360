"""Market tools: quote, recent bars summary, key levels, the setup scanner, macro events and how
a symbol moved on past event days."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import numpy as np

from app.core.coach.tool_base import (
    SYMBOL,
    SYMBOLS,
    Result,
    ToolEnv,
    ToolError,
    ToolSpec,
    finite,
    params,
    pct,
    price,
    rnd,
    signed,
    symbol_of,
)
from data.coach import Card, CardAction

BAR_LOOKBACK = {"1m": timedelta(days=4), "5m": timedelta(days=10), "15m": timedelta(days=20),
                "1h": timedelta(days=45), "4h": timedelta(days=120), "1D": timedelta(days=400)}
MAX_DETECTIONS = 6
MAX_EVENTS = 12


async def _provider_call(coro, what: str):
    from app.core.logging_setup import redact
    from data.providers.errors import ProviderError

    try:
        return await coro
    except ProviderError as exc:
        raise ToolError(f"No {what}: {redact(str(exc))}") from None


async def quote(env: ToolEnv, symbol: str) -> Result:
    from app.core.market_data import MarketDataService

    sym = symbol_of(symbol)
    try:
        q = env.service(MarketDataService).last_quotes.get(sym)
    except LookupError:
        q = None
    if q is None:
        q = await _provider_call(env.market().get_quote(sym), f"{sym} quote")
    if not (finite(q.last) and q.last > 0):
        raise ToolError(f"No valid price for {sym} right now.")
    change_pct = q.change / q.prev_close * 100 if finite(q.prev_close) and q.prev_close else None
    result = {"symbol": sym, "last": rnd(q.last), "bid": rnd(q.bid), "ask": rnd(q.ask),
              "prev_close": rnd(q.prev_close), "change": rnd(q.change), "change_pct": rnd(change_pct),
              "volume": int(q.day_volume) if finite(q.day_volume) else None}
    lines = (("Last", price(q.last)), ("Change", f"{signed(q.change)} ({pct(change_pct, signed=True)})"),
             ("Bid / ask", f"{price(q.bid)} / {price(q.ask)}"), ("Prev close", price(q.prev_close)))
    show = CardAction("Show on chart", "show_on_chart", {"symbol": sym})
    return result, Card("quote", f"{sym} quote", lines, (show,))


def _bars_summary(bars, count: int) -> dict:
    close, high, low, vol = bars.close[-count:], bars.high[-count:], bars.low[-count:], bars.volume[-count:]
    typical = (high + low + close) / 3
    vwap = float(np.sum(typical * vol) / np.sum(vol)) if np.sum(vol) > 0 else float("nan")
    first, last = float(bars.open[-count:][0]), float(close[-1])
    slope = float(np.polyfit(np.arange(len(close)), close, 1)[0]) if len(close) >= 3 else 0.0
    span = float(np.max(high) - np.min(low)) or 1.0
    drift = slope * len(close) / span  # the fitted move across the window, in ranges
    trend = "up" if drift > 0.25 else "down" if drift < -0.25 else "sideways"
    return {"bars": len(close), "first_open": rnd(first), "last": rnd(last), "change": rnd(last - first),
            "change_pct": rnd((last / first - 1) * 100) if first else None, "high": rnd(float(np.max(high))),
            "low": rnd(float(np.min(low))), "vwap": rnd(vwap), "volume": int(np.sum(vol)), "trend": trend,
            "from": _ts(bars.ts[-count:][0]), "to": _ts(bars.ts[-1])}


def _ts(ts) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(int(ts), UTC).isoformat(timespec="minutes")


async def recent_bars(env: ToolEnv, symbol: str, timeframe: str = "5m", count: int = 78) -> Result:
    from data.models import Timeframe

    sym = symbol_of(symbol)
    tf = Timeframe.parse(timeframe)
    provider, now = env.market(), env.now()
    bars = await _provider_call(provider.get_bars(sym, tf, now - BAR_LOOKBACK[tf.value], now), f"{sym} bars")
    if not len(bars):
        raise ToolError(f"No {sym} {tf.value} bars.")
    n = min(count, len(bars))
    s = await asyncio.to_thread(_bars_summary, bars, n)
    result = {"symbol": sym, "timeframe": tf.value} | s
    lines = (("Last", price(s["last"])), ("Change", f"{signed(s['change'])} ({pct(s['change_pct'], signed=True)})"),
             ("Range", f"{price(s['low'])} – {price(s['high'])}"), ("VWAP", price(s["vwap"])),
             ("Trend", s["trend"]), ("Bars", f"{n} × {tf.value}"))
    return result, Card("bars", f"{sym} last {n} {tf.value} bars", lines,
                        (CardAction("Show on chart", "show_on_chart", {"symbol": sym, "timeframe": tf.value}),))


LEVEL_FIELDS = (("prior_high", "Prior high"), ("prior_low", "Prior low"), ("prior_close", "Prior close"),
                ("premarket_high", "Pre-market high"), ("premarket_low", "Pre-market low"), ("pivot", "Pivot"),
                ("r1", "R1"), ("s1", "S1"), ("r2", "R2"), ("s2", "S2"))


async def key_levels(env: ToolEnv, symbol: str) -> Result:
    from app.core.brief.levels import symbol_levels

    sym = symbol_of(symbol)

    async def no_rank(_snap):
        return None

    line = await symbol_levels(env.market(), env.cal(), sym, env.now(), no_rank, with_options=False)
    levels = {key: rnd(getattr(line, key)) for key, _ in LEVEL_FIELDS}
    result = {"symbol": sym, "last": rnd(line.last), "gap_pct": rnd(line.gap_pct)} | levels
    drawn = [{"label": label, "price": levels[key]} for key, label in LEVEL_FIELDS if levels[key] is not None]
    try:
        snap = await env.snapshot(sym)
        gex = {"gex_flip": snap.gex.flip, "call_wall": snap.gex.call_wall, "put_wall": snap.gex.put_wall}
        result |= {k: rnd(v) for k, v in gex.items()}
        drawn += [{"label": k.replace("_", " ").replace("gex", "Gamma").capitalize(), "price": rnd(v)}
                  for k, v in gex.items() if finite(v)]
    except ToolError as exc:
        result["options_note"] = str(exc)
    if line.note:
        result["note"] = line.note
    if not drawn:
        raise ToolError(line.note or f"No key levels for {sym}.")
    lines = tuple((d["label"], price(d["price"])) for d in drawn)
    return result, Card("levels", f"{sym} key levels", (("Last", price(line.last)), *lines),
                        (CardAction("Show on chart", "chart_levels", {"symbol": sym, "levels": drawn}),))


async def scan(env: ToolEnv, symbols: list[str] | None = None) -> Result:
    from app.core.setups.scanner import ScannerService

    wanted = [symbol_of(s) for s in symbols] if symbols else env.watchlist()
    if not wanted:
        raise ToolError("No symbols to scan: the watchlist is empty.")
    found = await env.service(ScannerService).scan(wanted)
    top = found.detections[:MAX_DETECTIONS]
    result = {"scanned": list(found.scanned), "found": len(found.detections), "note": found.note,
              "setups": [{"id": d.id, "symbol": d.symbol, "setup": d.detector, "direction": d.direction,
                          "entry": rnd(d.entry), "stop": rnd(d.stop), "targets": [rnd(t) for t in d.targets[:3]],
                          "confidence": rnd(d.confidence)} for d in top],
              "problems": [f"{s}: {p}" for s, p in found.problems][:5]}
    lines = tuple((f"{d.symbol} {d.detector}", f"{d.direction} @ {price(d.entry)} · stop {price(d.stop)} · "
                   f"conf {d.confidence:.2f}") for d in top) or (("Found", found.note or "No setups in play."),)
    actions = tuple(CardAction(f"Track {d.symbol} {d.detector}", "track_setup",
                               {"symbol": d.symbol, "direction": d.direction, "entry": rnd(d.entry),
                                "stop": rnd(d.stop), "targets": [rnd(t) for t in d.targets[:3]],
                                "detection_id": d.id}) for d in top[:3])
    return result, Card("scan", f"Scanner · {len(found.scanned)} symbols", lines, actions)


async def macro_events(env: ToolEnv, days: int = 7) -> Result:
    from app.core.macro.calendar import MacroCalendarService
    from data.market_calendar import ET

    view = await env.service(MacroCalendarService).coming(days)
    shown = [e for e in view.events if e.impact in ("high", "medium")][:MAX_EVENTS] or list(view.events[:MAX_EVENTS])
    result = {"from": view.start.isoformat(), "to": view.end.isoformat(), "count": len(view.events),
              "events": [{"title": e.title, "kind": e.kind, "at_et": e.at.astimezone(ET).strftime("%Y-%m-%d %H:%M"),
                          "impact": e.impact} for e in shown], "note": view.note}
    lines = tuple((e.at.astimezone(ET).strftime("%a %b %d %H:%M"), f"{e.title} ({e.impact})") for e in shown)
    return result, Card("macro", f"Macro events · next {days} days", lines or (("Events", view.note or "None"),))


async def macro_impact(env: ToolEnv, symbol: str) -> Result:
    from app.core.macro.calendar import MacroCalendarService

    sym = symbol_of(symbol)
    view = await _provider_call(env.service(MacroCalendarService).impact(sym), f"{sym} daily bars")
    rows = [*view.rows, *([view.ordinary] if view.ordinary else [])]
    result = {"symbol": sym, "sessions": view.sessions, "since": view.since.isoformat() if view.since else None,
              "note": view.note,
              "rows": [{"kind": r.kind, "days": r.n, "mean_abs_open_close_pct": rnd(r.mean_oc),
                        "mean_abs_close_close_pct": rnd(r.mean_cc), "vs_ordinary": rnd(r.ratio_cc)} for r in rows]}
    lines = tuple((r.kind, f"{pct(r.mean_cc)} avg |close→close| · {r.n} days"
                   + (f" · ×{r.ratio_cc:.2f}" if finite(r.ratio_cc) else "")) for r in rows)
    return result, Card("macro", f"{sym} on macro days", lines or (("Impact", view.note or "No data"),))


TF = {"type": "string", "enum": list(BAR_LOOKBACK), "description": "Bar size (default 5m)"}
TOOLS = (
    ToolSpec("get_quote", "Latest quote of a symbol: last, bid/ask, change from the prior close.",
             params({"symbol": SYMBOL}, ("symbol",)), quote),
    ToolSpec("get_recent_bars", "Summary of a symbol's recent bars (not the raw bars): last, change, range, "
             "VWAP, trend.", params({"symbol": SYMBOL, "timeframe": TF, "count": {
                 "type": "integer", "minimum": 2, "maximum": 500, "description": "Bars to summarise (default 78)"}},
                 ("symbol",)), recent_bars),
    ToolSpec("get_key_levels", "Key price levels: prior day high/low/close, pre-market high/low, floor pivots, "
             "and gamma flip and walls where options exist.", params({"symbol": SYMBOL}, ("symbol",)), key_levels),
    ToolSpec("scan_opportunities", "Run the setup scanner (opening range breaks, VWAP reclaims …) over symbols; "
             "returns the setups in play with entry, stop, targets, confidence.",
             params({"symbols": SYMBOLS}), scan),
    ToolSpec("get_macro_events", "Upcoming macro releases (FOMC, CPI, NFP …) with their ET time and impact.",
             params({"days": {"type": "integer", "minimum": 0, "maximum": 30, "description": "Days ahead (7)"}}),
             macro_events),
    ToolSpec("get_macro_impact", "How a symbol moved on past days of each macro event kind vs ordinary days.",
             params({"symbol": SYMBOL}, ("symbol",)), macro_impact),
)
