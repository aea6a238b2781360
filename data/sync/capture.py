"""Local writes -> stamped changes: what the triggers noted is read back, stamped with this
device's clock, merged into the record's state and queued in ``sync_push`` — all in one
transaction, so a note is either still in the outbox or queued, never both or neither.

``seed`` queues every existing record when a device signs in for the first time, stamped with
the record's own time (counter 0), so the first sign-in merges the device's data with the
account's by age instead of overwriting either.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from data.sync import hlc, state
from data.sync.tables import BY_NAME, TABLES, SyncTable, row_filter, shape
from data.sync.triggers import record_id_sql

CAPTURE_BATCH = 5000


def _read_row(conn: Connection, table: SyncTable, key: list) -> dict[str, Any] | None:
    pk = shape(table.name).primary_key
    where = " AND ".join(f"{c} = ?" for c in pk)
    result = conn.exec_driver_sql(f"SELECT * FROM {table.name} WHERE {where}", tuple(key))
    row = result.fetchone()
    return dict(zip(result.keys(), row, strict=True)) if row else None


def _ensure_id(conn: Connection, table: SyncTable, row_id: int) -> str | None:
    known = state.record_id_of(conn, table.name, row_id)
    if known is None:
        conn.exec_driver_sql(f"INSERT OR IGNORE INTO sync_ids (table_name, row_id, record_id) SELECT '{table.name}', "
                             f"id, {record_id_sql(table, table.name)} FROM {table.name} WHERE id = ?", (row_id,))
        known = state.record_id_of(conn, table.name, row_id)
    return known


def _outgoing(conn: Connection, table: SyncTable, column: str, value: Any) -> Any:
    parent = table.parents.get(column)
    if parent is not None and value is not None:
        return state.record_id_of(conn, parent, value)  # the parent's record id, not this device's row id
    return state.encode(value)


def queue(conn: Connection, table: str, record_id: str, stamp: state.Stamp, fields: dict, deleted: bool) -> None:
    change = {"table": table, "id": record_id, "hlc": stamp[0], "device": stamp[1], "deleted": deleted,
              "fields": fields}
    conn.exec_driver_sql("INSERT INTO sync_push (table_name, change) VALUES (?, ?)",
                         (table, json.dumps(change, separators=(",", ":"))))


def stamp_write(conn: Connection, table: str, record_id: str, fields: dict, stamp: state.Stamp) -> None:
    record = state.load_record(conn, table, record_id)
    for column, value in fields.items():
        record.fields[column] = [stamp[0], stamp[1], value]
    state.save_record(conn, record)
    queue(conn, table, record_id, stamp, fields, deleted=False)


def stamp_delete(conn: Connection, table: str, record_id: str, stamp: state.Stamp) -> None:
    record = state.load_record(conn, table, record_id)
    record.deleted = list(stamp)
    state.save_record(conn, record)
    queue(conn, table, record_id, stamp, {}, deleted=True)


def _fields(conn: Connection, table: SyncTable, values: dict, columns: list[str]) -> dict:
    return {c: _outgoing(conn, table, c, values[c]) for c in columns if c in values}


def capture(conn: Connection, node: str, clock: hlc.HybridClock, limit: int = CAPTURE_BATCH) -> int:
    """Stamp and queue up to ``limit`` noted writes; returns how many notes were taken."""
    notes = conn.exec_driver_sql("SELECT seq, table_name, row_key, record_id, op, columns FROM sync_outbox "
                                 "ORDER BY seq LIMIT ?", (limit,)).fetchall()
    for _seq, name, row_key, record_id, op, columns in notes:
        table = BY_NAME.get(name)
        if table is None:
            continue
        if op == "d":
            if record_id:
                stamp_delete(conn, name, record_id, (clock.now(), node))
            continue
        key = json.loads(row_key)
        values = _read_row(conn, table, key)
        if values is None:
            continue  # deleted in the same burst: its delete note follows
        record_id = record_id or (_ensure_id(conn, table, key[0]) if table.mapped else row_key)
        if record_id is None:
            continue
        wanted = list(shape(name).columns) if op == "i" or not columns else columns.split(",")
        stamp_write(conn, name, record_id, _fields(conn, table, values, wanted), (clock.now(), node))
    if notes:
        conn.exec_driver_sql("DELETE FROM sync_outbox WHERE seq <= ?", (notes[-1][0],))
    return len(notes)


def _seed_ms(value: Any) -> int:
    if not isinstance(value, str):
        return 0
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return 0
    return int((moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).timestamp() * 1000)


def _rows(conn: Connection, table: SyncTable) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Every synced row of ``table`` as (record id, its raw values, its outgoing fields), ids made
    where missing."""
    where = row_filter(table.name)
    where = f" WHERE {where.format(r=table.name)}" if where else ""
    if table.mapped:
        conn.exec_driver_sql(f"INSERT OR IGNORE INTO sync_ids (table_name, row_id, record_id) SELECT '{table.name}', "
                             f"id, {record_id_sql(table, table.name)} FROM {table.name}")
    ids = (f"(SELECT record_id FROM sync_ids WHERE table_name = '{table.name}' AND row_id = {table.name}.id)"
           if table.mapped else record_id_sql(table, table.name))
    result = conn.exec_driver_sql(f"SELECT {ids} AS sync_record_id, * FROM {table.name}{where}")
    names, columns = list(result.keys()), list(shape(table.name).columns)
    for row in result.fetchall():
        values = dict(zip(names, row, strict=True))
        record_id = values.pop("sync_record_id")
        if record_id is not None:
            yield record_id, values, _fields(conn, table, values, columns)


def _start_recording(conn: Connection) -> None:
    conn.exec_driver_sql("DELETE FROM sync_outbox")
    state.set_flag(conn, "recording", True)


def _seed_table(conn: Connection, table: SyncTable, node: str) -> int:
    count = 0
    for record_id, values, fields in _rows(conn, table):
        stamp = (hlc.seed_stamp(_seed_ms(values.get(table.seed_time))), node)
        stamp_write(conn, table.name, record_id, fields, stamp)
        count += 1
    return count


def seed(conn: Connection, node: str) -> int:
    """Queue every synced record of this device (first sign-in) and start recording; returns the count."""
    _start_recording(conn)  # notes from before are covered by the seed
    return sum(_seed_table(conn, table, node) for table in TABLES)


def _resume_table(conn: Connection, table: SyncTable, node: str, clock: hlc.HybridClock) -> int:
    seen, count = set(), 0
    for record_id, _values, fields in _rows(conn, table):
        seen.add(record_id)
        record = state.load_record(conn, table.name, record_id)
        changed = {c: v for c, v in fields.items() if c not in record.fields or record.fields[c][2] != v}
        if changed or not record.alive:  # edited, made, or made again while signed out
            stamp_write(conn, table.name, record_id, changed or fields, (clock.now(), node))
            count += 1
    for record in state.unparked_records(conn, table.name):
        if record.record_id not in seen and record.alive:
            stamp_delete(conn, table.name, record.record_id, (clock.now(), node))  # deleted while signed out
            count += 1
    return count


def resume(conn: Connection, node: str, clock: hlc.HybridClock) -> int:
    """Signed in again to the account whose bookkeeping this device kept: queue what changed while
    signed out (edits, new and deleted rows: the merged states say what the account last had),
    stamped now, and start recording; returns the count."""
    _start_recording(conn)  # notes from before are covered by the comparison
    count = sum(_resume_table(conn, table, node, clock) for table in TABLES)
    state.save_clock(conn, clock)
    return count
