"""Two records that want one unique name (a watchlist renamed "Momentum" on the desk while the
laptop made a new "Momentum"): the earlier name write keeps the name, the later one becomes
"Momentum (2)". Every device decides the same way from the records' stamps, whichever of the
two it held first, and stamps the new name, so the account ends with both lists and one
answer. (Parking the arrival instead left the devices apart for good.)"""

from __future__ import annotations

from sqlalchemy import Connection

from data.sync import capture, state
from data.sync.hlc import HybridClock
from data.sync.tables import SyncTable

MAX_SUFFIX = 1000
MAX_NAME = 64  # the watchlist name's column width


def _free_variant(conn: Connection, table: SyncTable, column: str, name: str) -> str:
    for k in range(2, MAX_SUFFIX):
        suffix = f" ({k})"
        variant = name[: MAX_NAME - len(suffix)] + suffix
        if conn.exec_driver_sql(f"SELECT 1 FROM {table.name} WHERE {column} = ?", (variant,)).fetchone() is None:
            return variant
    raise RuntimeError(f"no free variant of the name {name[:40]!r}")  # a thousand lists of one name


def make_room(conn: Connection, table: SyncTable, record: state.Record, winners: dict, clock: HybridClock,
              node: str) -> bool:
    """Settle a clash on ``table.unique_name`` between ``record`` (arriving) and the local row that
    holds its name; True when settled (write the record again), False when the clash is not that."""
    column = table.unique_name
    wanted = record.fields.get(column) if column else None
    if column is None or wanted is None:
        return False
    holder = conn.exec_driver_sql(f"SELECT id FROM {table.name} WHERE {column} = ?", (wanted[2],)).fetchone()
    holder_id = state.record_id_of(conn, table.name, holder[0]) if holder else None
    if holder_id is None or holder_id == record.record_id:
        return False
    held = state.load_record(conn, table.name, holder_id).fields.get(column)
    renamed, stamp = _free_variant(conn, table, column, wanted[2]), (clock.now(), node)
    if held is not None and (held[0], held[1]) > (wanted[0], wanted[1]):  # the holder named it later: it yields
        conn.exec_driver_sql(f"UPDATE {table.name} SET {column} = ? WHERE id = ?", (renamed, holder[0]))
        capture.stamp_write(conn, table.name, holder_id, {column: renamed}, stamp)
        return True
    record.fields[column] = [*stamp, renamed]
    if column in winners:
        winners[column] = renamed
    capture.queue(conn, table.name, record.record_id, stamp, {column: renamed}, deleted=False)
    return True
