"""One sync round: stamp the noted local writes, pull and merge the others' changes page by page
(each page, the writes noted since, the clock and the cursor in one transaction: a cut connection
or a killed process repeats a page, which merges to the same result), then push the queue in
batches (removed only once the server has stored them; a resend is stored once). A batch the
server refuses is halved until the change it refuses is alone; that one is set aside in
``sync_refused`` (kept and counted) so one bad change never holds up the rest.

Blobs go up before the change that names them (once: the server is asked first) and come down
before the page that needs them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import Connection

from data.sync import capture, derived, merge, state
from data.sync.client import SyncClient, SyncError

log = logging.getLogger(__name__)
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
    refused: int = 0
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


def _blobs_needed(conn: Connection, changes: list[dict], parked_too: bool) -> set[str]:
    wanted = {c["fields"].get("sha256") for c in changes if c["table"] == "blobs" and not c.get("deleted")}
    if parked_too:  # (once a round: a blob the account never got would be asked for on every page)
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
        if ctx.ignored:
            log.warning("%d pulled change(s) carried no clock stamp and were ignored", ctx.ignored)
        derived.rebuild(conn, ctx.rebuild)
        state.save_clock(conn, clock)
        state.set_state(conn, "cursor", str(cursor))
        return ctx.conflicts, parked, ctx.tables

    async def _pull(self, result: RoundResult) -> None:
        for page in range(MAX_PAGES):
            since = int(await self.run(lambda conn: state.get_state(conn, "cursor") or "0"))
            changes, cursor, more = await self.client.pull(since)
            needed = await self.run(lambda conn, got=changes, first=page == 0: _blobs_needed(conn, got, first))
            blobs = await self._fetch_blobs(needed)
            conflicts, parked, tables = await self.run(
                lambda conn, page=changes, at=cursor, got=blobs: self._apply_page(conn, page, at, got))
            result.pulled += len(changes)
            result.conflicts += conflicts
            result.parked = parked
            result.tables |= tables
            if not more:
                return

    async def _fetch_blobs(self, needed: set[str]) -> dict[str, bytes]:
        """The bytes the page needs; one the account does not have leaves its record parked (its
        delete usually follows: the screenshot was removed before it ever went up)."""
        blobs = {}
        for sha in sorted(needed):
            data = await self.client.get_blob(sha)
            if data is not None:
                blobs[sha] = data
        return blobs

    async def _push(self, result: RoundResult) -> None:
        for _ in range(MAX_PAGES):
            batch = await self.run(_next_batch)
            if not batch:
                return
            await self._send(batch, result)

    async def _send(self, batch: list[tuple[int, str]], result: RoundResult) -> None:
        changes = [json.loads(text) for _seq, text in batch]
        sendable = [c for c in changes if await self._blob_sent(c)]
        try:
            await self.client.push(sendable)
        except SyncError as error:
            if error.kind != "refused":
                raise
            if len(batch) == 1:
                await self.run(lambda conn, why=str(error): _set_aside(conn, batch[0][0], why))
                result.refused += 1
                return
            half = len(batch) // 2
            await self._send(batch[:half], result)
            await self._send(batch[half:], result)
            return
        newest = max(c["hlc"] for c in changes)  # all this device's: the queue holds only its own writes
        await self.run(lambda conn, done=batch, top=newest: _done(conn, done, top))
        result.pushed += len(changes)

    async def _blob_sent(self, change: dict) -> bool:
        """A blob's bytes go up before the change that names them; False when neither this device nor
        the account has them (removed before they ever went up): that change is not sent."""
        if change["table"] != "blobs" or change["deleted"]:
            return True
        sha256 = change["fields"].get("sha256", "")
        if await self.client.has_blob(sha256):
            return True
        data = await self.run(lambda conn: conn.exec_driver_sql("SELECT data FROM blobs WHERE sha256 = ?",
                                                                (sha256,)).fetchone())
        if data is None:
            return False
        await self.client.put_blob(sha256, bytes(data[0]))
        return True


def _next_batch(conn: Connection) -> list[tuple[int, str]]:
    rows = conn.exec_driver_sql("SELECT seq, change FROM sync_push ORDER BY seq LIMIT ?", (PUSH_BATCH,)).fetchall()
    batch, size = [], 0
    for seq, text in rows:
        if batch and size + len(text) > PUSH_BYTES:
            break
        batch.append((seq, text))
        size += len(text)
    return batch


def _set_aside(conn: Connection, seq: int, reason: str) -> None:
    conn.exec_driver_sql("INSERT INTO sync_refused (table_name, change, reason) SELECT table_name, change, ? "
                         "FROM sync_push WHERE seq = ?", (reason[:500], seq))
    conn.exec_driver_sql("DELETE FROM sync_push WHERE seq = ?", (seq,))


def refused(conn: Connection) -> int:
    """Own changes the account server refused (set aside, kept)."""
    return conn.exec_driver_sql("SELECT count(*) FROM sync_refused").scalar_one()


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
