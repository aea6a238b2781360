"""Rows a device derives itself from synced ones, made again after others' changes arrive."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection
from sqlalchemy.orm import Session


def _position_legs(conn: Connection, position_id: int) -> None:
    from data.store.positions import rebuild_legs

    with Session(bind=conn) as session:  # joins the caller's transaction
        rebuild_legs(session, position_id)
        session.flush()


REBUILDERS: dict[str, Callable[[Connection, int], None]] = {"position_events": _position_legs}


def rebuild(conn: Connection, wanted: set[tuple[str, int]]) -> None:
    for table, parent_id in sorted(wanted):
        REBUILDERS[table](conn, parent_id)
