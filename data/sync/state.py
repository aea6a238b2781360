"""The sync bookkeeping in the store: key/value state, record ids, merged records, value coding.

Everything here runs inside a caller's transaction on a SQLAlchemy ``Connection`` with plain
SQL: the synced tables are read and written by their raw SQLite values (text, integers, reals,
bytes, NULL), so a value travels between devices exactly as it was stored.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from data.sync.hlc import HybridClock

Stamp = tuple[str, str]  # (clock stamp, node)


def get_state(conn: Connection, key: str) -> str | None:
    row = conn.exec_driver_sql("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_state(conn: Connection, key: str, value: str) -> None:
    conn.exec_driver_sql("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)", (key, value))


def load_clock(conn: Connection, wall_ms=None) -> HybridClock:
    return HybridClock.from_stamp(get_state(conn, "clock"), wall_ms)


def save_clock(conn: Connection, clock: HybridClock) -> None:
    set_state(conn, "clock", clock.stamp)


def set_flag(conn: Connection, name: str, on: bool) -> None:
    if on:
        conn.exec_driver_sql("INSERT OR IGNORE INTO sync_flags (name) VALUES (?)", (name,))
    else:
        conn.exec_driver_sql("DELETE FROM sync_flags WHERE name = ?", (name,))


def encode(value: Any) -> Any:
    """A raw SQLite value as JSON (bytes, non-finite reals and text with a NUL tagged: JSONB
    refuses NaN and the NUL character)."""
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, str) and "\x00" in value:
        return {"t64": base64.b64encode(value.encode("utf-8", "surrogatepass")).decode("ascii")}
    if isinstance(value, float) and not math.isfinite(value):
        return {"real": repr(value)}
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "b64" in value:
            return base64.b64decode(value["b64"])
        if "t64" in value:
            return base64.b64decode(value["t64"]).decode("utf-8", "surrogatepass")
        if "real" in value:
            return float(value["real"])
        return json.dumps(value)  # not ours: keep it as text rather than fail
    if isinstance(value, list):
        return json.dumps(value)
    return value


def row_id_of(conn: Connection, table: str, record_id: str) -> int | None:
    row = conn.exec_driver_sql("SELECT row_id FROM sync_ids WHERE table_name = ? AND record_id = ?",
                               (table, record_id)).fetchone()
    return row[0] if row else None


def record_id_of(conn: Connection, table: str, row_id: int) -> str | None:
    row = conn.exec_driver_sql("SELECT record_id FROM sync_ids WHERE table_name = ? AND row_id = ?",
                               (table, row_id)).fetchone()
    return row[0] if row else None


@dataclass
class Record:
    """A record's merged state: ``fields[column] = [stamp, node, value]``; ``deleted = [stamp, node]``."""

    table: str
    record_id: str
    fields: dict[str, list] = field(default_factory=dict)
    deleted: list | None = None
    parked: bool = False
    known: bool = False  # already in sync_records

    def newest(self) -> Stamp | None:
        stamps = [(s, n) for s, n, _ in self.fields.values()]
        return max(stamps) if stamps else None

    @property
    def alive(self) -> bool:
        newest = self.newest()
        if newest is None:
            return False
        return self.deleted is None or newest > tuple(self.deleted)


def _record(table: str, record_id: str, fields: str, deleted: str | None, parked: int) -> Record:
    return Record(table, record_id, json.loads(fields), json.loads(deleted) if deleted else None, bool(parked), True)


def load_record(conn: Connection, table: str, record_id: str) -> Record:
    row = conn.exec_driver_sql("SELECT fields, deleted, parked FROM sync_records "
                               "WHERE table_name = ? AND record_id = ?", (table, record_id)).fetchone()
    return Record(table, record_id) if row is None else _record(table, record_id, *row)


def unparked_records(conn: Connection, table: str) -> list[Record]:
    """Every merged record of ``table`` that is written locally (not parked), in one read."""
    rows = conn.exec_driver_sql("SELECT record_id, fields, deleted, parked FROM sync_records "
                                "WHERE table_name = ? AND parked = 0", (table,)).fetchall()
    return [_record(table, *row) for row in rows]


def save_record(conn: Connection, record: Record) -> None:
    conn.exec_driver_sql(
        "INSERT OR REPLACE INTO sync_records (table_name, record_id, fields, deleted, parked) VALUES (?, ?, ?, ?, ?)",
        (record.table, record.record_id, json.dumps(record.fields, separators=(",", ":"), sort_keys=True),
         json.dumps(record.deleted) if record.deleted else None, int(record.parked)))
    record.known = True
