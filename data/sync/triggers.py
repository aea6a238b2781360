"""Change capture by SQLite triggers: every insert, update and delete of a synced table, whatever
code made it, is noted in ``sync_outbox`` inside the writing transaction — so a write and its
note commit together or not at all, and a process killed at any moment loses neither.

The triggers act only while the device is signed in (the ``recording`` flag) and stay silent
while others' changes are applied (``applying``, set inside that transaction), so nothing echoes
back. They are made from ``data.sync.tables`` and installed when the store opens whenever the
running version's set differs from the file's (a hash kept in ``sync_state``).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection

from data.sync.tables import TABLES, SyncTable, row_filter, shape

RECORDING = "EXISTS (SELECT 1 FROM sync_flags WHERE name = 'recording')"
NOT_APPLYING = "NOT EXISTS (SELECT 1 FROM sync_flags WHERE name = 'applying')"
_VERSION_KEY = "triggers"


def record_id_sql(table: SyncTable, row: str) -> str:
    """SQL for the record id of ``row`` (NEW, OLD or the table's name)."""
    if table.mapped:
        return table.record_id.format(r=row)
    return "json_array(" + ", ".join(f"{row}.{c}" for c in shape(table.name).primary_key) + ")"


def _row_key(table: SyncTable, row: str) -> str:
    return "json_array(" + ", ".join(f"{row}.{c}" for c in shape(table.name).primary_key) + ")"


def _stored_id(table: SyncTable, row: str) -> str:
    if table.mapped:
        return f"(SELECT record_id FROM sync_ids WHERE table_name = '{table.name}' AND row_id = {row}.id)"
    return record_id_sql(table, row)


def _when(table: SyncTable, row: str, *conditions: str) -> str:
    extra = row_filter(table.name)
    parts = [*conditions, extra.format(r=row)] if extra else list(conditions)
    return " AND ".join(parts)


def _outbox(table: SyncTable, row: str, op: str, columns: str = "NULL") -> str:
    return (f"INSERT INTO sync_outbox (table_name, row_key, record_id, op, columns) VALUES "
            f"('{table.name}', {_row_key(table, row)}, {_stored_id(table, row)}, '{op}', {columns});")


def _insert_trigger(table: SyncTable) -> str:
    mapping = ""
    if table.mapped:
        mapping = (f"INSERT OR IGNORE INTO sync_ids (table_name, row_id, record_id) VALUES "
                   f"('{table.name}', NEW.id, {record_id_sql(table, 'NEW')});")
    return (f"CREATE TRIGGER sync_{table.name}_insert AFTER INSERT ON {table.name} "
            f"WHEN {_when(table, 'NEW', RECORDING, NOT_APPLYING)} BEGIN {mapping} {_outbox(table, 'NEW', 'i')} END")


def _update_trigger(table: SyncTable) -> str:
    columns = shape(table.name).columns
    changed = " || ".join(f"CASE WHEN NEW.{c} IS NOT OLD.{c} THEN '{c},' ELSE '' END" for c in columns)
    any_changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
    return (f"CREATE TRIGGER sync_{table.name}_update AFTER UPDATE OF {', '.join(columns)} ON {table.name} "
            f"WHEN {_when(table, 'NEW', RECORDING, NOT_APPLYING, f'({any_changed})')} "
            f"BEGIN {_outbox(table, 'NEW', 'u', f'rtrim({changed}, {chr(39)},{chr(39)})')} END")


def _delete_trigger(table: SyncTable) -> str:
    # the record id is read before the mapping goes; the mapping goes even while applying (a
    # cascade of an applied delete) and while signed out, since SQLite may give the row id to a
    # new row (which must not inherit the deleted record's id when sync resumes)
    note = (f"INSERT INTO sync_outbox (table_name, row_key, record_id, op, columns) SELECT '{table.name}', "
            f"{_row_key(table, 'OLD')}, {_stored_id(table, 'OLD')}, 'd', NULL WHERE {RECORDING} AND {NOT_APPLYING};")
    if not table.mapped:
        return (f"CREATE TRIGGER sync_{table.name}_delete AFTER DELETE ON {table.name} "
                f"WHEN {_when(table, 'OLD', RECORDING)} BEGIN {note} END")
    forget = f"DELETE FROM sync_ids WHERE table_name = '{table.name}' AND row_id = OLD.id;"
    return f"CREATE TRIGGER sync_{table.name}_delete AFTER DELETE ON {table.name} BEGIN {note} {forget} END"


def trigger_sql() -> list[str]:
    out = []
    for table in TABLES:
        out += [_insert_trigger(table), _update_trigger(table), _delete_trigger(table)]
    return out


def _version(statements: list[str]) -> str:
    return hashlib.sha256("\n".join(statements).encode()).hexdigest()[:16]


def install(conn: Connection) -> bool:
    """Make the file's triggers this version's (in the caller's transaction); True when they changed."""
    statements = trigger_sql()
    version = _version(statements)
    row = conn.exec_driver_sql("SELECT value FROM sync_state WHERE key = ?", (_VERSION_KEY,)).fetchone()
    if row and row[0] == version:
        return False
    names = [r[0] for r in conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync\\_%' ESCAPE '\\'")]
    for name in names:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    for statement in statements:
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)", (_VERSION_KEY, version))
    return True
