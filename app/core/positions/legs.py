"""Between the analytics' legs and the store's records: one place that converts them."""

from __future__ import annotations

from dataclasses import asdict

from analytics.positions import Leg, Position
from data.store.records import LegFill, LegRecord, PositionRecord


def to_record(leg: Leg) -> LegRecord:
    return LegRecord(**asdict(leg))


def to_leg(record: LegRecord) -> Leg:
    return Leg(**asdict(record))


def opening_fill(leg: Leg) -> LegFill:
    """The fill that opens ``leg`` at its open price (its details travel with it)."""
    return LegFill(leg.symbol, leg.quantity, leg.open_price, leg.fees, to_record(leg))


def to_position(record: PositionRecord) -> Position:
    return Position(record.id, record.underlying, record.strategy, tuple(to_leg(x) for x in record.legs),
                    record.opened_at, record.status, record.notes)
