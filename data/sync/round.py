"""One sync round: stamp the noted local writes, pull and merge the others' changes page by page
(each page, the writes noted since, the clock and the cursor in one transaction: a cut connection
or a killed process repeats a page, which merges to the same result), then push the queue in
batches (removed only once the server has stored them; a resend is stored once).

Blobs go up before the change that names them (once: the server is asked first) and come down
before the page that needs them.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import Connection

from data.sync import capture, derived, merge, state
from data.sync.client import SyncClient

T = TypeVar("T")
RunInStore = Callable[[Callable[[Connection], T]], Awaitable[T]]
PUSH_BATCH = 500
PUSH_BYTES = 2_000_000  # under the server's 4 MB body limit with room for JSON overhead
MAX_PAGES = 10_000  # per round: bounds a round even against a server that always says "more"


@dataclass
class RoundResult:
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    parked: int = 0
    tables: set[str] = field(default_factory=set)  # tables whose local rows others' changes touched


def node_of(conn: Connection) -> str:
    node = state.get_state(conn, "node")
    if node is None:
        raise RuntimeError("sync is not set up on this device (no clock node)")
    return node


def _capture_all(conn: Connection, wall_ms) -> int:
    clock = state.load_clock(conn, wall_ms)
    node, total = node_of(conn), 0
    while taken := capture.capture(conn, node, clock):
        total += taken
    state.save_clock(conn, clock)
    return total


def _blobs_needed(conn: Connection, changes: list[dict]) -> set[str]:
    wanted = {c["fields"].get("sha256") for c in changes if c["table"] == "blobs" and not c.get("deleted")}
    parked = conn.exec_driver_sql("SELECT record_id FROM sync_records WHERE table_name = 'blobs' AND parked = 1 "
                                  "LIMIT 100").fetchall()
    wanted |= {json.loads(r[0])[0] for r in parked}
    wanted.discard(None)
    if not wanted:
        return set()
    marks = ", ".join("?" * len(wanted))
    have = {r[0] for r in conn.exec_driver_sql(f"SELECT sha256 FROM blobs WHERE sha256 IN ({marks})", tuple(wanted))}
    return wanted - have


class SyncRound:
    def __init__(self, client: SyncClient, run: RunInStore, wall_ms: Callable[[], int] | None = None) -> None:
        self.client, self.run, self.wall_ms = client, run, wall_ms

    async def __call__(self) -> RoundResult:
        result = RoundResult()
        await self.run(lambda conn: _capture_all(conn, self.wall_ms))
        await self._pull(result)
        await self._push(result)
        return result

    def _apply_page(self, conn: Connection, changes: list[dict], cursor: int, blobs: dict[str, bytes]) -> tuple:
        _capture_all(conn, self.wall_ms)
        clock = state.load_clock(conn, self.wall_ms)
        ctx = merge.MergeContext(node_of(conn), clock, state.get_state(conn, "pushed_through") or "", blobs)
        parked = merge.apply_batch(conn, ctx, changes)
        derived.rebuild(conn, ctx.rebuild)
        state.save_clock(conn, clock)
        state.set_state(conn, "cursor", str(cursor))
        return ctx.conflicts, parked, ctx.tables

    async def _pull(self, result: RoundResult) -> None:
        for _ in range(MAX_PAGES):
            since = int(await self.run(lambda conn: state.get_state(conn, "cursor") or "0"))
            changes, cursor, more = await self.client.pull(since)
            needed = await self.run(lambda conn, page=changes: _blobs_needed(conn, page))
            blobs = {sha: await self.client.get_blob(sha) for sha in sorted(needed)}
            conflicts, parked, tables = await self.run(
                lambda conn, page=changes, at=cursor, got=blobs: self._apply_page(conn, page, at, got))
            result.pulled += len(changes)
            result.conflicts += conflicts
            result.parked = parked
            result.tables |= tables
            if not more:
                return

    async def _push(self, result: RoundResult) -> None:
        for _ in range(MAX_PAGES):
            batch = await self.run(_next_batch)
            if not batch:
                return
            changes = [json.loads(text) for _seq, text in batch]
            for change in changes:
                if change["table"] == "blobs" and not change["deleted"]:
                    await self._upload_blob(change["fields"]["sha256"])
            await self.client.push(changes)
            newest = max(c["hlc"] for c in changes)  # all this device's: the queue holds only its own writes
            await self.run(lambda conn, done=batch, top=newest: _done(conn, done, top))
            result.pushed += len(changes)

    async def _upload_blob(self, sha256: str) -> None:
        if await self.client.has_blob(sha256):
            return
        data = await self.run(lambda conn: conn.exec_driver_sql("SELECT data FROM blobs WHERE sha256 = ?",
                                                                (sha256,)).fetchone())
        if data is not None:
            await self.client.put_blob(sha256, bytes(data[0]))


def _next_batch(conn: Connection) -> list[tuple[int, str]]:
    rows = conn.exec_driver_sql("SELECT seq, change FROM sync_push ORDER BY seq LIMIT ?", (PUSH_BATCH,)).fetchall()
    batch, size = [], 0
    for seq, text in rows:
        if batch and size + len(text) > PUSH_BYTES:
            break
        batch.append((seq, text))
        size += len(text)
    return batch


def _done(conn: Connection, batch: list[tuple[int, str]], newest: str) -> None:
    conn.exec_driver_sql("DELETE FROM sync_push WHERE seq <= ?", (batch[-1][0],))
    if newest > (state.get_state(conn, "pushed_through") or ""):
        state.set_state(conn, "pushed_through", newest)


def waiting(conn: Connection) -> int:
    """Local changes not yet on the server (noted or queued)."""
    return (conn.exec_driver_sql("SELECT count(*) FROM sync_push").scalar_one()
            + conn.exec_driver_sql("SELECT count(*) FROM sync_outbox").scalar_one())


def store_runner(store) -> RunInStore:
    """``run(fn)`` for a ``data.store.database.Store``: ``fn(connection)`` in a transaction on its thread."""
    return lambda fn: store.run(lambda session: fn(session.connection()))


def conflicts(conn: Connection, limit: int = 200) -> list:
    from data.sync.status import Conflict

    rows = conn.exec_driver_sql("SELECT table_name, record_id, field, kept, lost, kept_device, lost_device, noticed_ms "
                                "FROM sync_conflicts ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return [Conflict(*row) for row in rows]


def conflict_count(conn: Connection) -> int:
    return conn.exec_driver_sql("SELECT count(*) FROM sync_conflicts").scalar_one()


def from_newer_version(conn: Connection) -> int:
    """Records of tables this version does not know (a newer app on another device wrote them)."""
    from data.sync.tables import known_tables_sql

    return conn.exec_driver_sql(f"SELECT count(*) FROM sync_records WHERE parked = 1 AND table_name NOT IN "
                                f"({known_tables_sql()})").scalar_one()
