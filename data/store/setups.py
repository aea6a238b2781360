"""Detections and tracked setups: saved once, every lifecycle step stored with its price and time.

A status change is a compare-and-set (``move`` names the status it expects), so a transition
evaluated twice — two quotes racing, a restart re-reading a quote — is stored once.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session, selectinload

from data.store.notes import MAX_NOTES, appended
from data.store.records import DetectionRecord, SetupEvent, TrackedSetup
from data.store.schema import DetectionRow, SetupEventRow, TrackedSetupRow
from data.symbols import normalize_symbol

DETECTION_FIELDS = ("symbol", "detector", "direction", "decided_at", "entry", "stop", "targets", "confidence",
                    "parts", "evidence", "levels", "hit_cases", "hit_hits")


class SetupError(ValueError):
    """A setup that cannot be saved or changed as asked; message for the user."""


# -- detections ----------------------------------------------------------------------------------
def _detection(row: DetectionRow) -> DetectionRecord:
    return DetectionRecord(row.id, row.symbol, row.detector, row.direction, row.decided_at, row.entry, row.stop,
                           tuple(json.loads(row.targets)), row.confidence,
                           tuple((str(n), float(v), float(w)) for n, v, w in json.loads(row.parts)),
                           row.evidence, dict(json.loads(row.levels)), row.hit_cases, row.hit_hits,
                           row.recorded_at)


def save_detections(session: Session, records: list[DetectionRecord], now: datetime) -> list[DetectionRecord]:
    """Store the detections not stored yet (one per symbol, detector, direction and bar); returns
    every one as stored (with its id; one stored before keeps its first record), in the order given."""
    out = []
    for r in records:
        values = {"symbol": r.symbol, "detector": r.detector, "direction": r.direction, "decided_at": r.decided_at,
                  "entry": r.entry, "stop": r.stop, "targets": json.dumps(list(r.targets)),
                  "confidence": r.confidence, "parts": json.dumps([list(p) for p in r.parts]),
                  "evidence": r.evidence, "levels": json.dumps(r.levels), "hit_cases": r.hit_cases,
                  "hit_hits": r.hit_hits, "recorded_at": now}
        session.execute(insert(DetectionRow).values(**values).on_conflict_do_nothing())
        row = session.scalars(select(DetectionRow).where(
            DetectionRow.symbol == r.symbol, DetectionRow.detector == r.detector,
            DetectionRow.direction == r.direction, DetectionRow.decided_at == r.decided_at)).one()
        out.append(_detection(row))
    return out


def recent_detections(session: Session, since: datetime | None = None, symbol: str | None = None,
                      limit: int = 500) -> list[DetectionRecord]:
    """Newest first."""
    query = select(DetectionRow).order_by(DetectionRow.decided_at.desc(), DetectionRow.id.desc()).limit(limit)
    if since is not None:
        query = query.where(DetectionRow.decided_at >= since)
    if symbol:
        query = query.where(DetectionRow.symbol == symbol)
    return [_detection(r) for r in session.scalars(query)]


# -- tracked setups ------------------------------------------------------------------------------
def _event(row: SetupEventRow) -> SetupEvent:
    return SetupEvent(row.id, row.setup_id, row.status, row.price, row.at, row.reason)


def _setup(row: TrackedSetupRow) -> TrackedSetup:
    return TrackedSetup(row.id, row.detection_id, row.symbol, row.detector, row.direction, row.entry, row.stop,
                        tuple(json.loads(row.targets)), row.reference, row.status, row.source, row.notes,
                        row.session_day, row.created_at, row.updated_at, tuple(_event(e) for e in row.events))


def create_setup(session: Session, *, symbol: str, detector: str, direction: str, entry: float, stop: float,
                 targets: tuple[float, ...], reference: float, source: str, session_day: date, now: datetime,
                 detection_id: int | None = None, notes: str = "") -> TrackedSetup:
    """Store a new active setup (the plan is checked by the caller: ``analytics.setup_lifecycle``)."""
    if len(notes) > MAX_NOTES:
        raise SetupError(f"Notes are limited to {MAX_NOTES} characters.")
    row = TrackedSetupRow(symbol=normalize_symbol(symbol), detector=detector[:48], direction=direction,
                          entry=float(entry), stop=float(stop), targets=json.dumps([float(t) for t in targets]),
                          reference=float(reference), status="active", source=source[:16], notes=notes,
                          session_day=session_day, created_at=now, updated_at=now, detection_id=detection_id)
    session.add(row)
    session.flush()
    row.events.append(SetupEventRow(status="active", price=float(reference), at=now, reason=f"tracked ({source})"))
    session.flush()
    return _setup(row)


def _get(session: Session, setup_id: int) -> TrackedSetupRow:
    row = session.get(TrackedSetupRow, setup_id)
    if row is None:
        raise SetupError(f"Setup #{setup_id} no longer exists.")
    return row


def get_setup(session: Session, setup_id: int) -> TrackedSetup:
    return _setup(_get(session, setup_id))


def move(session: Session, setup_id: int, expected: str | None, status: str, price: float | None, at: datetime,
         reason: str, session_day: date | None = None) -> TrackedSetup | None:
    """Move a setup to ``status`` if it is in ``expected`` (None: any status); None when it was not
    (already moved, or deleted): nothing is stored then."""
    row = session.get(TrackedSetupRow, setup_id)
    if row is None or (expected is not None and row.status != expected):
        return None
    row.status, row.updated_at = status, at
    if session_day is not None:
        row.session_day = session_day
    row.events.append(SetupEventRow(status=status, price=price, at=at, reason=reason))
    session.flush()
    return _setup(row)


def add_note(session: Session, setup_id: int, text: str, at: datetime) -> TrackedSetup:
    row = _get(session, setup_id)
    notes, clean = appended(row.notes, text, SetupError)
    row.notes, row.updated_at = notes, at
    row.events.append(SetupEventRow(status="noted", price=None, at=at, reason=clean[:200]))
    session.flush()
    return _setup(row)


def delete_setup(session: Session, setup_id: int) -> None:
    _get(session, setup_id)
    session.execute(sql_delete(TrackedSetupRow).where(TrackedSetupRow.id == setup_id))


def list_setups(session: Session, statuses: tuple[str, ...] | None = None, symbol: str | None = None,
                limit: int = 1000) -> list[TrackedSetup]:
    """Newest first, with their events."""
    query = (select(TrackedSetupRow).options(selectinload(TrackedSetupRow.events))
             .order_by(TrackedSetupRow.id.desc()).limit(limit))
    if statuses:
        query = query.where(TrackedSetupRow.status.in_(statuses))
    if symbol:
        query = query.where(TrackedSetupRow.symbol == symbol)
    return [_setup(r) for r in session.scalars(query)]


def last_auto_tracked(session: Session, symbol: str) -> datetime | None:
    """When the newest auto-tracked setup of ``symbol`` was made (the once-per-5-minutes rule)."""
    query = (select(TrackedSetupRow.created_at).where(TrackedSetupRow.symbol == symbol,
                                                      TrackedSetupRow.source == "auto")
             .order_by(TrackedSetupRow.created_at.desc()).limit(1))
    return session.scalars(query).first()
