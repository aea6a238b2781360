"""The app's own positions as journal executions: every fill of every position event (broker "app"),
so closed positions and their lifecycle events become trades beside the imported ones."""

from __future__ import annotations

from data.store.records import Execution, LegFill, PositionEvent, PositionRecord
from data.symbols import SymbolError, parse_option_symbol

KINDS = {"expired": "expiration", "assigned": "assignment", "exercised": "exercise"}
CLOSING = ("partly_closed", "closed", "expired", "assigned", "exercised")


def executions_from_positions(positions: tuple[PositionRecord, ...] | list[PositionRecord]) -> list[Execution]:
    out: list[Execution] = []
    for position in positions:
        for event in position.events:
            out.extend(_fill(position, event, i, fill) for i, fill in enumerate(event.fills))
    return out


def _fill(position: PositionRecord, event: PositionEvent, i: int, fill: LegFill) -> Execution:
    option = _contract(fill.symbol)
    kind = KINDS.get(event.kind, "trade") if option is not None else "trade"
    multiplier = fill.leg.multiplier if fill.leg is not None else (100 if option is not None else 1)
    return Execution(
        broker="app", account="", exec_id=f"{position.id}:{event.id}:{i}", time=event.at, symbol=position.underlying,
        side="buy" if fill.quantity > 0 else "sell", quantity=float(abs(fill.quantity)), price=fill.price,
        fees=fill.fees, instrument="option" if option is not None else "stock",
        occ=fill.symbol if option is not None else None, expiry=option.expiry if option else None,
        is_call=option.is_call if option else None, strike=option.strike if option else None, multiplier=multiplier,
        effect="close" if event.kind in CLOSING else "open" if event.kind == "opened" else None, kind=kind,
        order_id=f"{position.id}:{event.id}")


def _contract(symbol: str):
    try:
        return parse_option_symbol(symbol)
    except SymbolError:
        return None
