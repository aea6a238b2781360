"""What happens to a leg when its expiry passes: the stored events a broker statement would show.

At the leg's last moment (``analytics.payoff.leg_close``: the expiry day's close, 09:30 ET for
AM-settled index monthlies), with the underlying's settlement price:

* out of the money (intrinsic value under half a cent): **expired** worthless, closed at 0;
* in the money on a cash-settled index (SPX, NDX, XSP, RUT …): **expired**, closed at its
  intrinsic value (the cash it settles for);
* in the money on shares: a long is **exercised**, a short **assigned** — the contract closes at 0
  and the shares arrive at the strike (a call: bought; a put: sold; × the multiplier), into the
  position's shares leg if it has one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime

from analytics.payoff import leg_close
from app.core.positions.legs import to_leg
from data.store.records import LegFill, LegRecord, PositionRecord
from data.symbols import INDEX_SYMBOLS

ITM_FLOOR = 0.005  # intrinsic value per share below which a contract is out of the money


def settlements(record: PositionRecord, now: datetime, prices: Mapping[str, float],
                close_of: Callable[[date], datetime]) -> list[tuple[str, list[LegFill], str]]:
    """(kind, fills, reason) for each event the legs past their expiry need; none without a price."""
    due = [x for x in record.legs if x.kind == "option" and (end := leg_close(to_leg(x), close_of)) and now >= end]
    price = prices.get(record.underlying)
    if not due or price is None or not price > 0:
        return []
    expired, delivered, notes = [], [], []
    for leg in due:
        value = max(0.0, (price - leg.strike) if leg.is_call else (leg.strike - price))
        if value < ITM_FLOOR:
            expired.append(LegFill(leg.symbol, -leg.quantity, 0.0))
            notes.append(f"{leg.symbol} expired worthless")
        elif record.underlying in INDEX_SYMBOLS:
            expired.append(LegFill(leg.symbol, -leg.quantity, round(value, 2)))
            notes.append(f"{leg.symbol} cash-settled at {value:,.2f}")
        else:
            delivered.append(leg)
    events = [("expired", expired, f"{'; '.join(notes)} (settlement {price:,.2f})")] if expired else []
    return events + [_delivery(record, leg, price) for leg in delivered]


def _delivery(record: PositionRecord, leg: LegRecord, price: float) -> tuple[str, list[LegFill], str]:
    shares = leg.quantity * leg.multiplier * (1 if leg.is_call else -1)
    held = next((x for x in record.legs if x.kind == "stock"), None)
    details = None if held is not None else LegRecord("stock", record.underlying, record.underlying, 0, 0.0)
    kind = "exercised" if leg.quantity > 0 else "assigned"
    side = "bought" if shares > 0 else "sold"
    fills = [LegFill(leg.symbol, -leg.quantity, 0.0),
             LegFill(record.underlying, shares, float(leg.strike), 0.0, details)]
    return kind, fills, (f"{leg.symbol} {kind} at {price:,.2f}: {abs(shares):,} shares {side} at the "
                         f"{leg.strike:,.2f} strike")
