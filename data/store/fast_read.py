"""Reads that must not wait for SQLAlchemy/Alembic to import (plain sqlite3, read-only)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

DB_FILENAME = "ai-coach.sqlite3"


class SavedLayout(NamedTuple):  # (not a dataclass: read before the first paint)
    name: str
    geometry: bytes
    state: bytes


_shared: dict[Path, sqlite3.Connection | None] = {}  # a path inside ``one_connection``: its connection once open


@contextmanager
def one_connection(db_path: Path) -> Iterator[None]:
    """The reads of ``db_path`` inside share one read-only connection (a start's provider, theme
    and layout: each new connection parses the schema again, ~2 ms). Closed on leaving, before
    the store opens the file."""
    _shared[db_path] = None
    try:
        yield
    finally:
        if (conn := _shared.pop(db_path, None)) is not None:
            conn.close()


def _read_row(db_path: Path, sql: str, params: tuple) -> tuple | None:
    """One row from a read-only connection; None when the file, table or row is missing."""
    conn = _shared.get(db_path)
    if conn is None:
        if not db_path.exists():
            return None
        try:
            conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1.0)
        except sqlite3.Error:
            return None
    try:
        cursor = conn.execute(sql, params)
        try:
            return cursor.fetchone()
        finally:
            cursor.close()  # (the statement reset: no read snapshot kept open)
    except sqlite3.Error:
        return None
    finally:
        if db_path in _shared:
            _shared[db_path] = conn
        else:
            conn.close()


def peek_layout(db_path: Path, name: str) -> SavedLayout | None:
    """Read one saved layout with plain sqlite3, read-only, before the store is opened.

    The window restores its geometry before its first paint, when importing SQLAlchemy and
    Alembic (about a second) would delay it; any problem just means "no saved layout".
    """
    row = _read_row(db_path, "SELECT name, geometry, state FROM layouts WHERE name = ?", (name,))
    return SavedLayout(row[0], bytes(row[1]), bytes(row[2])) if row else None


def peek_preference(db_path: Path, key: str) -> Any:
    """One stored preference value (decoded JSON) or None; same rules as ``peek_layout``."""
    row = _read_row(db_path, "SELECT value FROM preferences WHERE key = ?", (key,))
    try:
        return json.loads(row[0]) if row else None
    except ValueError:
        return None
