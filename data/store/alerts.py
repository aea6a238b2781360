"""Price alerts: validated create/update/delete, status changes and the trigger history."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.store.records import (
    ALERT_CONDITIONS,
    ALERT_STATUSES,
    KEY_LEVELS,
    LEVEL_CROSS,
    OPTION_LEVELS,
    PCT_MOVE,
    THRESHOLDS,
    TREND,
    VWAP_CROSS,
    Alert,
    AlertTrigger,
)
from data.store.schema import AlertRow, AlertTriggerRow
from data.symbols import normalize_symbol

MAX_NOTES = 2000


class AlertError(ValueError):
    """An alert that cannot be saved as given; message for the user."""


def _to_model(row: AlertRow) -> Alert:
    try:
        params = json.loads(row.params) if row.params else None
    except ValueError:
        params = None  # unreadable (another version's): the alert still lists, it just cannot fire
    return Alert(row.id, row.symbol, row.condition, row.price, row.repeat, row.status, row.source, row.notes,
                 row.created_at, row.triggered_at, params if isinstance(params, dict) else None)


def _params(condition: str, line: tuple[float, float, float, float] | None, level: str | None,
            reference: float | None) -> str | None:
    """What an alert beyond a price level needs, checked, as stored."""
    if condition == TREND:
        if line is None or len(line) != 4 or not all(math.isfinite(float(v)) for v in line):
            raise AlertError("A trend-line alert needs the line's two points.")
        t1, p1, t2, p2 = (float(v) for v in line)
        if p1 <= 0 or p2 <= 0 or t1 == t2:
            raise AlertError("A trend line needs two points at different times with positive prices.")
        return json.dumps({"line": [t1, p1, t2, p2]})
    if condition == LEVEL_CROSS:
        if level not in (*KEY_LEVELS, *OPTION_LEVELS):
            raise AlertError(f"Choose a key level ({', '.join((*KEY_LEVELS, *OPTION_LEVELS))}).")
        return json.dumps({"level": level})
    if condition == PCT_MOVE and reference is not None:
        return json.dumps({"reference": validate_price(reference)})
    return None


def validate_price(price: float) -> float:
    try:
        value = float(price)
    except (TypeError, ValueError):
        raise AlertError(f"'{price}' is not a price.") from None
    if not math.isfinite(value) or value <= 0:
        raise AlertError("An alert price must be a positive number.")
    return round(value, 6)


def _validate(condition: str, notes: str) -> None:
    if condition not in (*ALERT_CONDITIONS, TREND, VWAP_CROSS, LEVEL_CROSS, PCT_MOVE, *THRESHOLDS):
        raise AlertError(f"Unknown alert condition '{condition}' (use {', '.join(ALERT_CONDITIONS)}).")
    if len(notes) > MAX_NOTES:
        raise AlertError(f"Notes are limited to {MAX_NOTES} characters.")


def create(session: Session, symbol: str, condition: str, price: float, *, repeat: bool = False,
           source: str = "panel", notes: str = "", now: datetime | None = None,
           line: tuple[float, float, float, float] | None = None, level: str | None = None,
           reference: float | None = None) -> Alert:
    """Beyond a price level: ``line`` a trend alert's two points (``price`` its level when made), ``level``
    a key level's name, ``reference`` a percent move's base (else the prior close; ``price`` is the %)."""
    sym = normalize_symbol(symbol)  # SymbolError carries the user message
    _validate(condition, notes)
    row = AlertRow(symbol=sym, condition=condition, price=validate_price(price), repeat=bool(repeat),
                   status="active", source=source[:32], notes=notes, params=_params(condition, line, level, reference),
                   created_at=now or datetime.now(UTC))
    session.add(row)
    session.flush()
    return _to_model(row)


def _get(session: Session, alert_id: int) -> AlertRow:
    row = session.get(AlertRow, alert_id)
    if row is None:
        raise AlertError(f"Alert #{alert_id} no longer exists.")
    return row


def update(session: Session, alert_id: int, *, price: float | None = None, condition: str | None = None,
           repeat: bool | None = None, notes: str | None = None, status: str | None = None) -> Alert:
    """Change an alert; a new price, condition or an explicit "active" status re-arms it."""
    row = _get(session, alert_id)
    if condition is not None or notes is not None:
        _validate(condition or row.condition, notes if notes is not None else row.notes)
    if status is not None and status not in ALERT_STATUSES:
        raise AlertError(f"Unknown alert status '{status}'.")
    if price is not None:
        row.price = validate_price(price)
    if condition is not None:
        row.condition = condition
    if repeat is not None:
        row.repeat = bool(repeat)
    if notes is not None:
        row.notes = notes
    if status is not None:
        row.status = status
    elif price is not None or condition is not None:
        row.status = "active"
    return _to_model(row)


def delete(session: Session, alert_id: int) -> None:
    session.delete(_get(session, alert_id))


def list_alerts(session: Session, status: str | None = None, symbol: str | None = None) -> list[Alert]:
    query = select(AlertRow).order_by(AlertRow.id)
    if status:
        query = query.where(AlertRow.status == status)
    if symbol:
        query = query.where(AlertRow.symbol == symbol)
    return [_to_model(r) for r in session.scalars(query)]


def record_trigger(session: Session, alert_id: int, price: float, when: datetime) -> tuple[Alert, AlertTrigger]:
    """Store a firing; a one-shot alert becomes "triggered" (a repeating one stays active)."""
    row = _get(session, alert_id)
    row.triggered_at = when
    if not row.repeat:
        row.status = "triggered"
    trig = AlertTriggerRow(alert_id=alert_id, price=float(price), triggered_at=row.triggered_at)
    session.add(trig)
    session.flush()
    return _to_model(row), AlertTrigger(trig.id, alert_id, trig.price, trig.triggered_at)


def triggers(session: Session, alert_id: int | None = None, limit: int = 500) -> list[AlertTrigger]:
    query = select(AlertTriggerRow).order_by(AlertTriggerRow.id.desc()).limit(limit)
    if alert_id is not None:
        query = query.where(AlertTriggerRow.alert_id == alert_id)
    return [AlertTrigger(r.id, r.alert_id, r.price, r.triggered_at) for r in session.scalars(query)]
