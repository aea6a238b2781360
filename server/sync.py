"""The sync change log: devices push their changes and pull the others' after a cursor.

A change is ``{table, id, hlc, device, deleted, fields}``: a record's stable id, the hybrid
logical clock stamp and clock node of the write, a tombstone flag, and the written fields. The
server keeps every change it is given (never dropping or merging one) in one ``changes`` table,
numbered in arrival order by ``seq``; a pull returns the changes of the account's other devices
after the caller's cursor, in that order, so a client resumes where it stopped. Deciding which
write wins (per field, last writer by HLC) is the clients' job; the log gives them everything.

Pushing the same change again (a retry after a cut connection) stores it once. Pushes for one
account are serialised by an advisory lock, so the order in which they commit is the order of
their ``seq`` and a pull can never skip a change that commits later with a smaller number.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import Engine, select, text
from sqlalchemy.dialects.postgresql import insert

from server.accounts import Caller, Clock
from server.db import user_transaction
from server.models import changes

MAX_BATCH = 1000
MAX_PULL = 1000
TABLE_NAME = r"^[a-z_][a-z0-9_]{0,62}$"
HLC_STAMP = r"^[0-9]{15}:[0-9]{6}$"  # data/sync/hlc.py: milliseconds and counter, fixed width
CLOCK_NODE = r"^[A-Za-z0-9_-]{1,64}$"


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class Change(BaseModel):
    table: Annotated[str, Field(pattern=TABLE_NAME)]
    id: Annotated[str, Field(min_length=1, max_length=200)]
    hlc: Annotated[str, Field(pattern=HLC_STAMP)]
    device: Annotated[str, Field(pattern=CLOCK_NODE)]
    deleted: bool = False
    fields: dict[str, Any] = Field(default_factory=dict)

    @field_validator("id", "fields")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if _has_nul(value):  # PostgreSQL text and JSONB cannot hold it (clients tag such text)
            raise ValueError("text may not contain the NUL character")
        return value


class PushBody(BaseModel):
    changes: Annotated[list[Change], Field(max_length=MAX_BATCH)]


class PushResult(BaseModel):
    received: int  # changes in the batch
    stored: int  # of those, new to the server (the rest were already there)


class PulledChange(Change):
    seq: int


class PullResult(BaseModel):
    changes: list[PulledChange]
    cursor: int  # pass back as ``since`` for the next page
    more: bool  # another page is waiting


def push(engine: Engine, clock: Clock, caller: Caller, batch: list[Change]) -> PushResult:
    if not batch:
        return PushResult(received=0, stored=0)
    now = clock()
    rows = [{"user_id": caller.user_id, "origin_device_id": caller.device_id, "table_name": c.table,
             "record_id": c.id, "hlc": c.hlc, "device": c.device, "deleted": c.deleted, "fields": c.fields,
             "received_at": now} for c in batch]
    with user_transaction(engine, caller.user_id) as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('push'), CAST(:uid AS integer))"),
                     {"uid": caller.user_id % 2**31})
        stored = conn.execute(insert(changes).values(rows).on_conflict_do_nothing(constraint="uq_changes_change")
                              .returning(changes.c.seq)).all()
    return PushResult(received=len(batch), stored=len(stored))


def pull(engine: Engine, caller: Caller, since: int, limit: int) -> PullResult:
    query = (select(changes).where(changes.c.user_id == caller.user_id, changes.c.seq > since,
                                   changes.c.origin_device_id != caller.device_id)
             .order_by(changes.c.seq).limit(limit + 1))
    with user_transaction(engine, caller.user_id) as conn:
        rows = conn.execute(query).all()
    page = rows[:limit]
    out = [PulledChange(seq=r.seq, table=r.table_name, id=r.record_id, hlc=r.hlc, device=r.device,
                        deleted=r.deleted, fields=r.fields) for r in page]
    return PullResult(changes=out, cursor=page[-1].seq if page else since, more=len(rows) > limit)
