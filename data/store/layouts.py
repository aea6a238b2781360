"""Named window layouts: Qt's saveGeometry()/saveState() bytes kept per name."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.store import records
from data.store.fast_read import SavedLayout
from data.store.schema import LayoutRow


class LayoutError(ValueError):
    """A layout name or operation that cannot be used; message for the user."""


def clean_name(name: str) -> str:
    return records.clean_name(name, "layout", LayoutError)


def save(session: Session, name: str, geometry: bytes, state: bytes) -> None:
    name = clean_name(name)
    row = session.get(LayoutRow, name)
    now = datetime.now(UTC)
    if row is None:
        session.add(LayoutRow(name=name, geometry=geometry, state=state, updated_at=now))
    else:
        row.geometry, row.state, row.updated_at = geometry, state, now


def load(session: Session, name: str) -> SavedLayout | None:
    row = session.get(LayoutRow, name)
    return SavedLayout(row.name, row.geometry, row.state) if row else None


def names(session: Session) -> list[str]:
    return list(session.scalars(select(LayoutRow.name).order_by(LayoutRow.name)))


def delete(session: Session, name: str) -> None:
    row = session.get(LayoutRow, name)
    if row is None:
        raise LayoutError(f"There is no layout named '{name}'.")
    session.delete(row)

