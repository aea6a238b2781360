"""Which tables follow the trader to their other devices, and how their records are named.

A record's id is the same on every device. Tables keyed by an integer row id get one kept in
``sync_ids`` (row id -> record id), chosen when the row is first written: a random one, or one
made from the row's natural key so the same thing made on two devices is one record (the
watchlist "Swing" on the laptop and on the desktop; the same broker fill imported on both).
Tables keyed by their own columns (a preference's key, a trade's notes) use those columns as
the id (a JSON array). A column pointing at another synced table's integer id travels as that
row's record id and is turned back into the local id on arrival.

Stays local: caches and provider data (chains, settlements, calendars, IV history), the
detections log, notifications, layouts (tied to a monitor set), derived rows (trade context, a
position's legs — made again from its events when others' events arrive), and the
preferences marked ``local`` (data source, active symbol, layout in use).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

RANDOM_ID = "lower(hex(randomblob(16)))"


@dataclass(frozen=True, slots=True)
class SyncTable:
    name: str
    record_id: str | None = None  # SQL over ``{r}`` (the row) for integer-keyed tables; None: the primary key
    # column -> the synced table whose row id it holds (set when the row is made, never moved to another parent)
    parents: dict[str, str] = field(default_factory=dict)
    local_columns: tuple[str, ...] = ()  # never sent (ids of tables that stay local)
    seed_time: str | None = None  # the column whose time stamps the record when sync begins on a device
    blob_column: str | None = None  # bytes that travel through /v1/blobs by hash, not in the change log
    append_only: bool = False  # written once (fills, events, triggers): never in conflict
    rebuilds: str | None = None  # column naming the parent whose derived rows are made again after an arrival
    unique_name: str | None = None  # a column unique on its own: a clash is settled by renaming (name_clash)

    @property
    def mapped(self) -> bool:
        return self.record_id is not None


def _natural(table: str, expression: str) -> str:
    """``expression``'s id, or a random one when it is NULL or already taken (the list renamed since,
    the same event made twice on this device)."""
    return (f"CASE WHEN ({expression}) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sync_ids WHERE table_name = "
            f"'{table}' AND record_id = ({expression})) THEN ({expression}) ELSE {RANDOM_ID} END")


def _child(table: str, parent: str, column: str, *keys: str) -> str:
    parts = " || '|' || ".join(f"{{r}}.{key}" for key in keys)
    return _natural(table, f"(SELECT record_id FROM sync_ids WHERE table_name = '{parent}' AND row_id = "
                           f"{{r}}.{column}) || '|' || {parts}")


# the same name on two devices is one watchlist
_WATCHLIST_ID = _natural("watchlists", "'wl:' || {r}.name")
# both devices auto-track the same detection (same bar, detector, direction): one tracked setup
_SETUP_ID = _natural("tracked_setups", "(SELECT json_array('detection', d.symbol, d.detector, d.direction, "
                                       "d.decided_at) FROM detections d WHERE d.id = {r}.detection_id)")

TABLES: tuple[SyncTable, ...] = (
    SyncTable("preferences", seed_time="updated_at"),
    SyncTable("watchlists", _WATCHLIST_ID, seed_time="created_at", unique_name="name"),
    SyncTable("watchlist_items", _child("watchlist_items", "watchlists", "watchlist_id", "symbol"),
              parents={"watchlist_id": "watchlists"}),
    SyncTable("alerts", RANDOM_ID, seed_time="created_at"),
    SyncTable("chart_drawings", RANDOM_ID, seed_time="updated_at"),
    # events the engine records on every running device from the same market data (a trigger at the
    # same tick, a setup's step at the same bar, an expiry) are one event: named by parent, kind and time
    SyncTable("alert_triggers", _child("alert_triggers", "alerts", "alert_id", "triggered_at"),
              parents={"alert_id": "alerts"}, seed_time="triggered_at", append_only=True),
    SyncTable("tracked_setups", _SETUP_ID, local_columns=("detection_id",), seed_time="updated_at"),
    SyncTable("setup_events", _child("setup_events", "tracked_setups", "setup_id", "status", "at"),
              parents={"setup_id": "tracked_setups"}, seed_time="at", append_only=True),
    SyncTable("positions", RANDOM_ID, seed_time="opened_at"),
    # a position's legs are derived from its events on each device (two devices' partial closes add up)
    SyncTable("position_events", _child("position_events", "positions", "position_id", "kind", "at"),
              parents={"position_id": "positions"}, seed_time="at", append_only=True, rebuilds="position_id"),
    SyncTable("executions", "json_array({r}.broker, {r}.exec_id)", seed_time="time", append_only=True),
    SyncTable("trade_notes", seed_time="updated_at"),
    SyncTable("journal_drafts", "json_array({r}.day, {r}.source, {r}.ref)", seed_time="created_at"),
    SyncTable("blobs", seed_time="created_at", blob_column="data", append_only=True),
    SyncTable("trade_attachments", "json_array({r}.trade_id, {r}.sha256)", seed_time="created_at"),
    SyncTable("morning_briefs", seed_time="generated_at"),
    SyncTable("coach_conversations", RANDOM_ID, seed_time="updated_at"),
    SyncTable("coach_messages", RANDOM_ID, parents={"conversation_id": "coach_conversations"},
              seed_time="created_at", append_only=True),
    SyncTable("coach_symbols", parents={"conversation_id": "coach_conversations"}, seed_time="first_at"),
    # the conflict log: every device shows the account's conflicts (one entry per pair of writes)
    SyncTable("sync_conflicts", "json_array({r}.table_name, {r}.record_id, {r}.field, {r}.kept_stamp, "
              "{r}.lost_stamp)", append_only=True),
)
BY_NAME = {t.name: t for t in TABLES}


@dataclass(frozen=True, slots=True)
class TableShape:
    """A synced table's columns as the ORM schema has them."""

    primary_key: tuple[str, ...]
    columns: tuple[str, ...]  # what a change carries (no integer row id, no local or blob column)


@cache
def shape(name: str) -> TableShape:
    from data.store.schema import Base

    table = Base.metadata.tables[name]
    spec = BY_NAME[name]
    pk = tuple(c.name for c in table.primary_key.columns)
    skip = set(spec.local_columns) | ({spec.blob_column} if spec.blob_column else set())
    if spec.mapped:
        skip |= set(pk)
    return TableShape(pk, tuple(c.name for c in table.columns if c.name not in skip))


def known_tables_sql() -> str:
    """The synced tables this version knows, as an SQL list ('a', 'b', …)."""
    return ", ".join(f"'{t.name}'" for t in TABLES)


def synced_preference_keys() -> tuple[str, ...]:
    from data.store.preference_specs import SPECS

    return tuple(sorted(k for k, s in SPECS.items() if not s.local))


def row_filter(name: str) -> str | None:
    """SQL over ``{r}``: the rows of ``name`` that sync (None: all)."""
    if name == "preferences":
        keys = ", ".join(f"'{k}'" for k in synced_preference_keys())
        return f"{{r}}.key IN ({keys})"
    return None
