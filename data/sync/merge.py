"""Others' changes -> the local store, per field, deterministically on every device.

Each field keeps the value of its newest write by ``(stamp, node)`` — the same answer whatever
order the changes arrive in, so devices that have seen the same changes hold the same data.
A delete hides a record only while it is newer than every write to it (an edit made after it
brings the record back from its merged state). Two devices' different values for one field that
did not see each other are logged in ``sync_conflicts`` (kept and lost, with both stamps).

A change that cannot be written yet (its parent has not arrived, its blob is not here, a local
row holds the same unique value) is kept in its merged state, marked ``parked`` and tried again
after every batch: nothing is dropped. The applying flag keeps the capture triggers quiet.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from data.sync import name_clash, state
from data.sync.hlc import HybridClock
from data.sync.tables import BY_NAME, SyncTable, known_tables_sql, shape

RETRY_PARKED = 500  # parked records tried again per batch
MAX_RECORD_ID = 200  # characters (server/sync.py)


class NotYetError(Exception):
    """The record needs something that has not arrived (a parent row, a blob's bytes)."""


@dataclass
class MergeContext:
    node: str
    clock: HybridClock
    pushed_through: str  # the newest own stamp the server has: newer own writes are still unsent
    blobs: dict[str, bytes]
    applied: int = 0
    ignored: int = 0  # changes that are not ours to read (no clock stamp)
    conflicts: int = 0
    tables: set[str] = field(default_factory=set)  # tables whose local rows changed
    rebuild: set[tuple[str, int]] = field(default_factory=set)  # (table, parent row id) whose derived rows to remake


def _conflict(conn: Connection, ctx: MergeContext, record: state.Record, column: str, kept: list, lost: list) -> None:
    """Log it here and send it to the account's other devices (the same conflict seen twice is one entry)."""
    from data.sync import capture  # capture imports nothing of merge: no cycle at import time

    fields = {"table_name": record.table, "record_id": record.record_id, "field": column,
              "kept": json.dumps(kept[2]), "lost": json.dumps(lost[2]), "kept_stamp": kept[0], "lost_stamp": lost[0],
              "kept_device": kept[1], "lost_device": lost[1], "noticed_ms": ctx.clock.wall_ms()}
    entry_id = json.dumps([record.table, record.record_id, column, kept[0], lost[0]], separators=(",", ":"),
                          ensure_ascii=False)
    if len(entry_id) > MAX_RECORD_ID:  # the server's limit: the same hash on every device that sees it
        entry_id = "sha256:" + hashlib.sha256(entry_id.encode()).hexdigest()
    if state.row_id_of(conn, "sync_conflicts", entry_id) is not None:
        return
    cursor = conn.exec_driver_sql(f"INSERT INTO sync_conflicts ({', '.join(fields)}) VALUES "
                                  f"({', '.join('?' * len(fields))})", tuple(fields.values()))
    conn.exec_driver_sql("INSERT INTO sync_ids (table_name, row_id, record_id) VALUES ('sync_conflicts', ?, ?)",
                         (cursor.lastrowid, entry_id))
    capture.stamp_write(conn, "sync_conflicts", entry_id, fields, (ctx.clock.now(), ctx.node))
    ctx.conflicts += 1


def _merge_fields(conn: Connection, ctx: MergeContext, record: state.Record, change: dict) -> dict[str, Any]:
    stamp = (change["hlc"], change["device"])
    table = BY_NAME.get(record.table)
    # a fill, an event or a trigger is written once; two devices recording the same one (a trigger
    # at the same tick from two feeds) still settle on one value by stamp, but that is no conflict
    logged = table is None or not table.append_only
    winners = {}
    for column, value in change["fields"].items():
        incoming = [stamp[0], stamp[1], value]
        current = record.fields.get(column)
        if current is None or stamp > (current[0], current[1]):
            unsent_own = current is not None and current[1] == ctx.node and current[0] > ctx.pushed_through
            if logged and unsent_own and current[2] != value:
                _conflict(conn, ctx, record, column, incoming, current)
            record.fields[column] = incoming
            winners[column] = value
        elif logged and stamp < (current[0], current[1]) and current[1] != stamp[1] and current[2] != value:
            _conflict(conn, ctx, record, column, current, incoming)
    return winners


def _locate(conn: Connection, table: SyncTable, record_id: str) -> tuple | None:
    if table.mapped:
        row_id = state.row_id_of(conn, table.name, record_id)
        return None if row_id is None else (row_id,)
    key = tuple(json.loads(record_id))
    pk = shape(table.name).primary_key
    found = conn.exec_driver_sql(f"SELECT 1 FROM {table.name} WHERE " + " AND ".join(f"{c} = ?" for c in pk),
                                 key).fetchone()
    return key if found else None


def _local_values(conn: Connection, table: SyncTable, fields: dict[str, Any]) -> dict[str, Any]:
    known = set(shape(table.name).columns)
    out = {}
    for column, value in fields.items():
        if column not in known:
            continue  # a column this version does not have: kept in the merged state only
        parent = table.parents.get(column)
        if parent is not None and value is not None:
            row_id = state.row_id_of(conn, parent, value)
            if row_id is None:
                raise NotYetError(f"{parent} {value} has not arrived")
            out[column] = row_id
        else:
            out[column] = state.decode(value)
    return out


def _write(conn: Connection, ctx: MergeContext, table: SyncTable, record: state.Record, winners: dict) -> None:
    where = _locate(conn, table, record.record_id)
    pk = ("id",) if table.mapped else shape(table.name).primary_key
    match = " AND ".join(f"{c} = ?" for c in pk)
    if not record.alive:
        if where is not None:
            conn.exec_driver_sql(f"DELETE FROM {table.name} WHERE {match}", where)
        return
    if where is not None:
        values = _local_values(conn, table, {c: v[2] for c, v in record.fields.items()} if record.parked
                               else winners)
        if values:
            sets = ", ".join(f"{c} = ?" for c in values)
            conn.exec_driver_sql(f"UPDATE {table.name} SET {sets} WHERE {match}", (*values.values(), *where))
        return
    values = _local_values(conn, table, {c: v[2] for c, v in record.fields.items()})
    if table.blob_column:
        data = ctx.blobs.get(record.fields.get("sha256", [None, None, None])[2] or "")
        if data is None:
            raise NotYetError("the blob's bytes have not been fetched")
        values[table.blob_column] = data
    if table.rebuilds and values.get(table.rebuilds) is not None:
        ctx.rebuild.add((table.name, values[table.rebuilds]))
    columns = ", ".join(values)
    cursor = conn.exec_driver_sql(f"INSERT INTO {table.name} ({columns}) VALUES ({', '.join('?' * len(values))})",
                                  tuple(values.values()))
    if table.mapped:
        conn.exec_driver_sql("INSERT INTO sync_ids (table_name, row_id, record_id) VALUES (?, ?, ?)",
                             (table.name, cursor.lastrowid, record.record_id))
    if record.deleted is not None:  # back after a delete, which took its children's rows with it
        _restore_children(conn, ctx, table.name, record.record_id)


def _restore_children(conn: Connection, ctx: MergeContext, parent: str, record_id: str) -> None:
    """Write again the merged children of a record that came back: deleting its row deleted
    theirs (ON DELETE CASCADE) while their records stayed, so without this the order in which a
    device saw the delete and a child decided whether the child was there."""
    for child, column in _CHILDREN.get(parent, ()):
        found = conn.exec_driver_sql("SELECT record_id FROM sync_records WHERE table_name = ? AND "
                                     "json_extract(fields, ?) = ?", (child, f"$.{column}[2]", record_id)).fetchall()
        for (child_id,) in found:
            child_record = state.load_record(conn, child, child_id)
            materialize(conn, ctx, child_record, {})
            state.save_record(conn, child_record)


_CHILDREN: dict[str, list[tuple[str, str]]] = {}  # parent table -> (child table, column naming the parent)
for _table in BY_NAME.values():
    for _column, _parent in _table.parents.items():
        _CHILDREN.setdefault(_parent, []).append((_table.name, _column))


def materialize(conn: Connection, ctx: MergeContext, record: state.Record, winners: dict) -> None:
    """Make the local row match the merged record (in a savepoint: a failure parks the record alone)."""
    table = BY_NAME.get(record.table)
    if table is None:  # written by a newer version of the app: kept, and written once this one is updated
        record.parked = True
        return
    for attempt in range(2):  # a second time after a name clash is settled
        conn.exec_driver_sql("SAVEPOINT sync_write")
        try:
            _write(conn, ctx, table, record, winners)
        except (NotYetError, IntegrityError) as error:
            conn.exec_driver_sql("ROLLBACK TO sync_write")
            conn.exec_driver_sql("RELEASE sync_write")
            if (attempt == 0 and isinstance(error, IntegrityError)
                    and name_clash.make_room(conn, table, record, winners, ctx.clock, ctx.node)):
                continue
            record.parked = True
            return
        conn.exec_driver_sql("RELEASE sync_write")
        record.parked = False
        ctx.tables.add(table.name)
        return


def apply_change(conn: Connection, ctx: MergeContext, change: dict) -> None:
    try:
        ctx.clock.receive(change["hlc"])
    except ValueError:  # not a clock stamp (a server before stamps were checked): ignored, said in the log
        ctx.ignored += 1
        return
    record = state.load_record(conn, change["table"], change["id"])
    winners = _merge_fields(conn, ctx, record, change)
    stamp = [change["hlc"], change["device"]]
    deleted_now = change.get("deleted") and (record.deleted is None or tuple(stamp) > tuple(record.deleted))
    if deleted_now:
        record.deleted = stamp
    if winners or deleted_now or record.parked or not record.known:
        materialize(conn, ctx, record, winners)
        state.save_record(conn, record)
    ctx.applied += 1


def retry_parked(conn: Connection, ctx: MergeContext, limit: int = RETRY_PARKED) -> int:
    """Try the parked records again (their parent or blob may be here now); returns how many are still parked."""
    # a newer app's tables wait for an update, not a retry
    rows = conn.exec_driver_sql(f"SELECT table_name, record_id FROM sync_records WHERE parked = 1 AND table_name IN "
                                f"({known_tables_sql()}) LIMIT ?", (limit,)).fetchall()
    still = 0
    for table, record_id in rows:
        record = state.load_record(conn, table, record_id)
        materialize(conn, ctx, record, {})
        state.save_record(conn, record)
        still += record.parked
    return still


def apply_batch(conn: Connection, ctx: MergeContext, changes: list[dict]) -> int:
    """Apply a pulled page (one transaction, the caller's); returns the records still parked."""
    state.set_flag(conn, "applying", True)
    try:
        for change in changes:
            apply_change(conn, ctx, change)
        return retry_parked(conn, ctx)
    finally:
        state.set_flag(conn, "applying", False)
