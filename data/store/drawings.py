"""Chart drawings: the lines, boxes and notes a trader draws, per symbol and timeframe family."""

from __future__ import annotations

import json
import math
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.store.records import ChartDrawing
from data.store.schema import ChartDrawingRow
from data.symbols import normalize_symbol

KINDS = {"hline": 1, "trend": 2, "rect": 2, "text": 1}  # kind -> how many points it has
FAMILIES = ("intraday", "daily")
MAX_TEXT = 500


class DrawingError(ValueError):
    """A drawing that cannot be stored as given; message for the trader."""


def _model(row: ChartDrawingRow) -> ChartDrawing:
    points = tuple((float(t), float(p)) for t, p in json.loads(row.points))
    return ChartDrawing(row.id, row.symbol, row.family, row.kind, points, row.text, bool(row.extend))


def _checked(drawing: ChartDrawing) -> str:
    if drawing.kind not in KINDS:
        raise DrawingError(f"Unknown drawing '{drawing.kind}' (use {', '.join(KINDS)}).")
    if drawing.family not in FAMILIES:
        raise DrawingError(f"Unknown timeframe family '{drawing.family}'.")
    if len(drawing.points) != KINDS[drawing.kind]:
        raise DrawingError(f"A {drawing.kind} has {KINDS[drawing.kind]} point(s), got {len(drawing.points)}.")
    if not all(math.isfinite(t) and math.isfinite(p) and p > 0 for t, p in drawing.points):
        raise DrawingError("A drawing's points need finite times and positive prices.")
    if len(drawing.text) > MAX_TEXT:
        raise DrawingError(f"A note is limited to {MAX_TEXT} characters.")
    return json.dumps([[t, p] for t, p in drawing.points])


def save(session: Session, drawing: ChartDrawing, at: datetime) -> ChartDrawing:
    """Store a new drawing (``id`` 0) or the moved/edited one; returns it as stored."""
    points = _checked(drawing)
    row = session.get(ChartDrawingRow, drawing.id) if drawing.id else None
    if drawing.id and row is None:
        raise DrawingError("That drawing no longer exists (deleted on another computer?).")
    if row is None:
        row = ChartDrawingRow(symbol=normalize_symbol(drawing.symbol), family=drawing.family, kind=drawing.kind,
                              created_at=at)
        session.add(row)
    row.points, row.text, row.extend, row.updated_at = points, drawing.text, drawing.extend, at
    session.flush()
    return _model(row)


def delete(session: Session, drawing_id: int) -> None:
    row = session.get(ChartDrawingRow, drawing_id)
    if row is not None:
        session.delete(row)


def for_symbol(session: Session, symbol: str, family: str) -> list[ChartDrawing]:
    query = (select(ChartDrawingRow).where(ChartDrawingRow.symbol == symbol, ChartDrawingRow.family == family)
             .order_by(ChartDrawingRow.id))
    return [_model(r) for r in session.scalars(query)]
