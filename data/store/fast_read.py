"""Reads that must not wait for SQLAlchemy/Alembic to import (plain sqlite3, read-only)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DB_FILENAME = "ai-coach.sqlite3"


@dataclass(frozen=True, slots=True)
class SavedLayout:
    name: str
    geometry: bytes
    state: bytes


def _read_row(db_path: Path, sql: str, params: tuple) -> tuple | None:
    """One row from a read-only connection; None when the file, table or row is missing."""
    if not db_path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1.0)
        try:
            return conn.execute(sql, params).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None


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
