"""Positions: opened with their legs, changed only by events (fills at prices and times), never edited.

Every change is one event in one transaction: the fills it made (a contract or the shares,
bought + or sold −, at a price per share, with fees), the cash it moved and why. The open legs
are the running result: a fill in a leg's direction adds to it (its open price becomes the
average), one against it reduces it, one that would carry it through zero is refused, and a leg
at zero is gone. A position with no legs left is closed. So the event log alone rebuilds the
history the journal needs (opened, adjusted, rolled, partly closed, closed, expired, assigned).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from data.store.notes import MAX_NOTES, appended
from data.store.records import LegFill, LegRecord, PositionEvent, PositionRecord
from data.store.schema import PositionEventRow, PositionLegRow, PositionRow

EVENT_KINDS = ("opened", "adjusted", "rolled", "partly_closed", "closed", "expired", "assigned", "exercised",
               "stop_set", "noted")


class PositionError(ValueError):
    """A position change that cannot be stored as asked; message for the trader."""


# -- reading ----------------------------------------------------------------------------------------
def _leg(row: PositionLegRow) -> LegRecord:
    return LegRecord(row.kind, row.symbol, row.underlying, row.quantity, row.open_price, row.expiry, row.is_call,
                     row.strike, row.multiplier, row.fees)


def _fill_from_json(item: dict) -> LegFill:
    leg = item.get("leg")
    if leg is not None:
        leg = LegRecord(**{**leg, "expiry": date.fromisoformat(leg["expiry"]) if leg.get("expiry") else None})
    return LegFill(item["symbol"], int(item["quantity"]), float(item["price"]), float(item.get("fees", 0.0)), leg)


def _fill_to_json(fill: LegFill) -> dict:
    item = {"symbol": fill.symbol, "quantity": fill.quantity, "price": fill.price, "fees": fill.fees}
    if fill.leg is not None:
        leg = asdict(fill.leg)
        leg["expiry"] = fill.leg.expiry.isoformat() if fill.leg.expiry else None
        item["leg"] = leg
    return item


def _event(row: PositionEventRow) -> PositionEvent:
    fills = tuple(_fill_from_json(item) for item in json.loads(row.fills))
    return PositionEvent(row.id, row.position_id, row.kind, row.at, fills, row.cash, row.reason)


def _position(row: PositionRow) -> PositionRecord:
    return PositionRecord(row.id, row.underlying, row.strategy, row.status, tuple(_leg(x) for x in row.legs),
                          row.opened_at, row.closed_at, row.source, row.notes, row.stop_level,
                          tuple(_event(e) for e in row.events))


def _get(session: Session, position_id: int) -> PositionRow:
    row = session.get(PositionRow, position_id)
    if row is None:
        raise PositionError(f"Position #{position_id} no longer exists.")
    return row


def get_position(session: Session, position_id: int) -> PositionRecord:
    return _position(_get(session, position_id))


def list_positions(session: Session, status: str | None = None, limit: int = 2000) -> list[PositionRecord]:
    """Newest first, with legs and events."""
    query = (select(PositionRow).options(selectinload(PositionRow.legs), selectinload(PositionRow.events))
             .order_by(PositionRow.id.desc()).limit(limit))
    if status:
        query = query.where(PositionRow.status == status)
    return [_position(r) for r in session.scalars(query)]


# -- changing ---------------------------------------------------------------------------------------
def open_position(session: Session, *, underlying: str, strategy: str, fills: list[LegFill], at: datetime,
                  source: str = "manual", notes: str = "", reason: str = "") -> PositionRecord:
    """A new open position from its opening fills (each carries its ``leg`` details)."""
    if not fills:
        raise PositionError("A position needs at least one leg.")
    if any(f.leg is None for f in fills):
        raise PositionError("Each opening fill needs its contract's details.")
    if len(notes) > MAX_NOTES:
        raise PositionError(f"Notes are limited to {MAX_NOTES} characters.")
    row = PositionRow(underlying=underlying, strategy=strategy[:48], status="open", source=source[:16],
                      notes=notes, opened_at=at)
    session.add(row)
    session.flush()
    _apply(session, row, "opened", fills, at, reason or f"opened {strategy}")
    return _position(row)


def apply_fills(session: Session, position_id: int, kind: str, fills: list[LegFill], at: datetime,
                reason: str = "", strategy: str | None = None) -> PositionRecord:
    """Apply one event's fills to an open position (``PositionError`` says what is wrong; then
    nothing is stored)."""
    if kind not in EVENT_KINDS:
        raise PositionError(f"Unknown position event '{kind}'.")
    row = _get(session, position_id)
    if row.status != "open":
        raise PositionError(f"Position #{position_id} is closed.")
    if not fills:
        raise PositionError("Nothing to do: no contracts were given.")
    _apply(session, row, kind, fills, at, reason)
    if strategy is not None and row.legs:
        row.strategy = strategy[:48]
    return _position(row)


def _apply(session: Session, row: PositionRow, kind: str, fills: list[LegFill], at: datetime, reason: str) -> None:
    cash = 0.0
    stored: list[LegFill] = []
    for fill in fills:
        if fill.quantity == 0 or not (math.isfinite(fill.price) and fill.price >= 0):
            raise PositionError(f"{fill.symbol}: a fill needs a quantity other than 0 and a price of 0 or more.")
        leg = next((x for x in row.legs if x.symbol == fill.symbol), None)
        multiplier = leg.multiplier if leg is not None else (fill.leg.multiplier if fill.leg else None)
        if multiplier is None:
            raise PositionError(f"{fill.symbol} is not a leg of this position.")
        _fill_leg(row, leg, fill)
        cash -= fill.quantity * fill.price * multiplier + fill.fees
        stored.append(fill if fill.leg is None else replace(fill, leg=replace(fill.leg, quantity=fill.quantity,
                                                                               open_price=fill.price)))
    session.flush()
    row.events.append(PositionEventRow(kind=kind, at=at, fills=json.dumps([_fill_to_json(f) for f in stored]),
                                       cash=round(cash, 6), reason=reason))
    if not row.legs:
        row.status, row.closed_at = "closed", at
    session.flush()


def _fill_leg(row: PositionRow, leg: PositionLegRow | None, fill: LegFill) -> None:
    if leg is None:
        details = fill.leg
        row.legs.append(PositionLegRow(kind=details.kind, symbol=fill.symbol, underlying=details.underlying,
                                       quantity=fill.quantity, open_price=fill.price, expiry=details.expiry,
                                       is_call=details.is_call, strike=details.strike,
                                       multiplier=details.multiplier, fees=fill.fees))
        return
    after = leg.quantity + fill.quantity
    if after != 0 and (after > 0) != (leg.quantity > 0):
        raise PositionError(f"{fill.symbol}: {abs(fill.quantity)} is more than the {abs(leg.quantity)} open.")
    if abs(after) > abs(leg.quantity):  # adding: the open price becomes the average
        leg.open_price = (leg.quantity * leg.open_price + fill.quantity * fill.price) / after
        leg.fees += fill.fees
    if after == 0:
        row.legs.remove(leg)
    else:
        leg.quantity = after


def set_stop(session: Session, position_id: int, level: float | None, at: datetime, reason: str = "") -> PositionRecord:
    row = _get(session, position_id)
    if level is not None and not (math.isfinite(level) and level > 0):
        raise PositionError("A stop level must be a positive price.")
    row.stop_level = level
    row.events.append(PositionEventRow(kind="stop_set", at=at, fills="[]", cash=0.0,
                                       reason=reason or (f"stop at {level:,.2f}" if level else "stop removed")))
    session.flush()
    return _position(row)


def add_note(session: Session, position_id: int, text: str, at: datetime) -> PositionRecord:
    row = _get(session, position_id)
    notes, clean = appended(row.notes, text, PositionError)
    row.notes = notes
    row.events.append(PositionEventRow(kind="noted", at=at, fills="[]", cash=0.0, reason=clean[:200]))
    session.flush()
    return _position(row)


def rebuild_legs(session: Session, position_id: int) -> None:
    """Make a position's legs (and open/closed) again from its events, oldest first — after events
    made on another device arrived. A close that finds less open than it closes (both devices
    closed the same contract) closes what is open instead of failing: the events are kept as made."""
    row = session.get(PositionRow, position_id)
    if row is None:
        return
    row.legs.clear()
    session.flush()
    events = sorted(row.events, key=lambda e: (e.at, e.id))
    for event in events:
        for fill in map(_fill_from_json, json.loads(event.fills)):
            leg = next((x for x in row.legs if x.symbol == fill.symbol), None)
            if leg is None and fill.leg is None:
                continue  # closes a leg that is no longer open
            if leg is not None and (leg.quantity + fill.quantity) * leg.quantity < 0:
                fill = replace(fill, quantity=-leg.quantity)
            _fill_leg(row, leg, fill)
    if row.legs:
        row.status, row.closed_at = "open", None
    elif row.status == "open" and events:
        row.status, row.closed_at = "closed", events[-1].at
    session.flush()
