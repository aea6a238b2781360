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


def peek_layout(db_path: Path, name: str) -> SavedLayout | None:
    """Read one saved layout with plain sqlite3, read-only, before the store is opened.

    The window restores its geometry before its first paint, when importing SQLAlchemy and
    Alembic (about a second) would delay it; any problem just means "no saved layout".
    """
    if not db_path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1.0)
        try:
            row = conn.execute("SELECT name, geometry, state FROM layouts WHERE name = ?", (name,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return SavedLayout(row[0], bytes(row[1]), bytes(row[2])) if row else None


def peek_preference(db_path: Path, key: str) -> Any:
    """One stored preference value (decoded JSON) or None; same rules as ``peek_layout``."""
    if not db_path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1.0)
        try:
            row = conn.execute("SELECT value FROM preferences WHERE key = ?", (key,)).fetchone()
        finally:
            conn.close()
        return json.loads(row[0]) if row else None
    except (sqlite3.Error, ValueError):
        return None
