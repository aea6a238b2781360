"""Action tools: they only propose. The result says what the card's button will do; the card
carries the button (``CardAction``); nothing happens until the trader clicks it."""

from __future__ import annotations

from app.core.coach import tool_base as fmt
from app.core.coach.tool_base import SYMBOL, Result, ToolEnv, ToolError, ToolSpec, params, symbol_of
from data.coach import Card, CardAction

PRICE = {"type": "number", "minimum": 0, "description": "A price on the underlying"}
CONDITIONS = ("above", "below", "crosses")


def _proposed(what: str) -> dict:
    return {"proposed": what, "needs_click": True}


async def show_on_chart(env: ToolEnv, symbol: str) -> Result:
    sym = symbol_of(symbol)
    return (_proposed(f"Show {sym} on the chart") | {"symbol": sym},
            Card("action", f"Show {sym} on the chart", (), (CardAction("Show on chart", "show_on_chart",
                                                                       {"symbol": sym}),)))


async def open_chain_at_strike(env: ToolEnv, symbol: str, strike: float, expiry: str | None = None) -> Result:
    sym = symbol_of(symbol)
    value = strike
    if expiry is not None:
        from datetime import date

        try:
            date.fromisoformat(expiry)
        except ValueError:
            raise ToolError(f"'{expiry}' is not a date (YYYY-MM-DD).") from None
    p = {"symbol": sym, "strike": float(value)} | ({"expiry": expiry} if expiry else {})
    label = f"Open {sym} chain at {fmt.strike(value)}" + (f" ({expiry})" if expiry else "")
    return (_proposed(label) | p, Card("action", label, (("Strike", fmt.strike(value)),) + (
        (("Expiry", expiry),) if expiry else ()), (CardAction("Open chain", "open_chain", p),)))


async def set_alert(env: ToolEnv, symbol: str, price: float, condition: str = "crosses") -> Result:
    sym = symbol_of(symbol)
    value = float(price)
    p = {"symbol": sym, "price": round(value, 2), "condition": condition}
    label = f"Alert when {sym} {condition} {fmt.price(value)}"
    return (_proposed(label) | p, Card("action", label, (("Price", fmt.price(value)), ("Condition", condition)),
                                       (CardAction("Set alert", "set_alert", p),)))


async def track_setup(env: ToolEnv, symbol: str, direction: str, entry: float, stop: float,
                      targets: list[float]) -> Result:
    sym = symbol_of(symbol)
    if not targets:
        raise ToolError("Give at least one target.")
    long = direction == "long"
    if (stop >= entry) if long else (stop <= entry):
        raise ToolError(f"A {direction} setup's stop must be {'below' if long else 'above'} its entry.")
    if any((t <= entry) if long else (t >= entry) for t in targets):
        raise ToolError(f"A {direction} setup's targets must be {'above' if long else 'below'} its entry.")
    p = {"symbol": sym, "direction": direction, "entry": round(entry, 2), "stop": round(stop, 2),
         "targets": [round(t, 2) for t in targets]}
    risk = abs(entry - stop)
    label = f"Track {sym} {direction} from {fmt.price(entry)}"
    lines = (("Entry", fmt.price(entry)), ("Stop", fmt.price(stop)),
             ("Targets", ", ".join(fmt.price(t) for t in targets)),
             ("R to first target", f"{abs(targets[0] - entry) / risk:.2f}R"))
    result = _proposed(label) | p | {"r_to_first_target": round(abs(targets[0] - entry) / risk, 2)}
    return result, Card("action", label, lines, (CardAction("Track setup", "track_setup", p),))


TOOLS = (
    ToolSpec("show_on_chart", "Propose showing a symbol on the chart (the trader clicks to do it).",
             params({"symbol": SYMBOL}, ("symbol",)), show_on_chart),
    ToolSpec("open_chain_at_strike", "Propose opening the options chain of a symbol near a strike.",
             params({"symbol": SYMBOL, "strike": PRICE, "expiry": {"type": "string", "description": "YYYY-MM-DD"}},
                    ("symbol", "strike")), open_chain_at_strike),
    ToolSpec("set_alert", "Propose a price alert (the trader confirms it).",
             params({"symbol": SYMBOL, "price": PRICE, "condition": {"type": "string", "enum": list(CONDITIONS)}},
                    ("symbol", "price", "condition")), set_alert),
    ToolSpec("track_setup", "Propose tracking a trade setup with entry, stop and targets.",
             params({"symbol": SYMBOL, "direction": {"type": "string", "enum": ["long", "short"]}, "entry": PRICE,
                     "stop": PRICE, "targets": {"type": "array", "items": PRICE, "maxItems": 5}},
                    ("symbol", "direction", "entry", "stop", "targets")), track_setup),
)
