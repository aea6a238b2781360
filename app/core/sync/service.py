"""Sync in the engine: sign in / out, the device list, and the background rounds — shortly after a
local change (the outbox is looked at every few seconds), every minute for others' changes, and
at once on request — with a growing pause after a failure. The status (synced / syncing /
offline / error, with why) goes out on the bus for the status bar.

The device token goes to the OS keychain (under this device's clock node), never the store,
settings or logs; without a keychain there is no sign-in, said in plain words.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import replace

from app.core.bus import EventBus
from app.core.events import SyncApplied, SyncStatusChanged
from app.core.logging_setup import register_secret
from app.core.supervisor import ServiceContext
from data import secrets
from data.store.database import Store
from data.sync import account
from data.sync import round as sync_round
from data.sync.client import DeviceInfo, SyncClient, SyncError
from data.sync.status import ERROR, OFF, OFFLINE, SYNCED, SYNCING, Conflict, SyncStatus

log = logging.getLogger(__name__)
POLL_S = 2.0  # how often the outbox is looked at
DEBOUNCE_S = 1.5  # a burst of edits goes up together
INTERVAL_S = 60.0  # others' changes are pulled at least this often
RETRY_S = (5.0, 15.0, 60.0, 300.0)  # pauses after consecutive failures
_CLOSING: set[asyncio.Task] = set()  # clients being closed after the engine stopped (kept from the GC)


class SyncService:
    name = "sync"
    stale_after = 600.0

    def __init__(self, store: Store, bus: EventBus, device_name: str, *, wall_ms: Callable[[], int] | None = None,
                 transport=None) -> None:
        self._store, self._bus, self._device_name = store, bus, device_name
        self._run = sync_round.store_runner(store)
        self._wall_ms, self._transport = wall_ms, transport
        self._client: SyncClient | None = None
        self._status = SyncStatus()
        self._lock = asyncio.Lock()
        self._kick = asyncio.Event()
        self._failures = 0
        self._last_round = 0.0
        self._loaded = False

    @property
    def status(self) -> SyncStatus:
        return self._status

    def _set(self, **changes) -> None:
        self._status = replace(self._status, **changes)
        self._bus.publish(SyncStatusChanged(self._status))

    async def load(self) -> None:
        """Pick up this device's account and token (at start; again does nothing)."""
        if self._loaded:
            return
        self._loaded = True
        found = await self._run(account.current)
        if found is None:
            self._set(state=OFF, detail="", email="", server="")
            return
        token = await asyncio.to_thread(secrets.get_secret, account.token_name(found.node))  # D-Bus: off the loop
        if token is None:
            self._set(state=ERROR, email=found.email, server=found.server,
                      detail="The sign-in is missing from the keychain: sign in again in Preferences.")
            return
        register_secret(token)
        self._client = SyncClient(found.server, token, transport=self._transport)
        self._set(state=SYNCING, email=found.email, server=found.server, detail="")

    async def run(self, ctx: ServiceContext) -> None:
        await self.load()
        ctx.running()
        while True:
            await self._wait_for_work()
            ctx.heartbeat()
            if self._client is not None:
                await self.sync_now()

    async def _wait_for_work(self) -> None:
        pause = RETRY_S[min(self._failures, len(RETRY_S)) - 1] if self._failures else 0.0
        since_change: float | None = None
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(POLL_S):  # not wait_for: see README "Waits use asyncio.timeout"
                    await self._kick.wait()
            if self._kick.is_set():
                self._kick.clear()
                return
            elapsed = time.monotonic() - self._last_round
            if self._client is None or elapsed < pause:
                continue
            if elapsed >= (pause or INTERVAL_S):
                return
            if await self._run(sync_round.waiting):
                since_change = since_change or time.monotonic()
                if time.monotonic() - since_change >= DEBOUNCE_S:
                    return

    def kick(self) -> None:
        """Sync as soon as possible (a button, a sign-in)."""
        self._kick.set()

    async def sync_now(self) -> SyncStatus:
        async with self._lock:
            if self._client is None:
                return self._status
            self._set(state=SYNCING, detail="")
            round_ = sync_round.SyncRound(self._client, self._run, self._wall_ms)
            try:
                result = await round_()
            except SyncError as error:
                await self._failed(error)
            else:
                self._failures = 0
                if result.tables:
                    self._bus.publish(SyncApplied(frozenset(result.tables)))
                await self._settled(result)
            finally:
                self._last_round = time.monotonic()
            return self._status

    async def _settled(self, result: sync_round.RoundResult) -> None:
        waiting, conflicts, newer, refused = await self._run(
            lambda conn: (sync_round.waiting(conn), sync_round.conflict_count(conn),
                          sync_round.from_newer_version(conn), sync_round.refused(conn)))  # one store trip
        detail = (f"{newer:,} changes from a newer version of AI Coach wait for this one to be updated" if newer
                  else f"{refused:,} changes the account server refused are kept on this computer only"
                  if refused else f"{result.parked:,} changes wait for the records they belong to"
                  if result.parked else "")
        if result.refused:
            log.warning("the account server refused %d change(s); kept in sync_refused", result.refused)
        wall = self._wall_ms or (lambda: time.time_ns() // 1_000_000)
        self._set(state=SYNCED, detail=detail, waiting=waiting, conflicts=conflicts, last_synced_ms=wall())

    async def _failed(self, error: SyncError) -> None:
        self._failures += 1
        log.info("sync round failed (%s): %s", error.kind, error)
        waiting = await self._run(sync_round.waiting)
        self._set(state=OFFLINE if error.kind == "offline" else ERROR, detail=str(error), waiting=waiting)

    async def sign_in(self, server: str, email: str, password: str, *, create: bool = False) -> SyncStatus:
        """Sign this device in (or make the account); the device's existing data is merged, not replaced."""
        server = server.strip().rstrip("/")
        if not server.startswith(("http://", "https://")):
            raise SyncError("refused", "The account server's address must start with https:// (or http:// on "
                                       "this computer).")
        async with self._lock:
            client = SyncClient(server, transport=self._transport)
            call = client.sign_up if create else client.sign_in
            try:
                signed = await call(email.strip(), password, self._device_name)
            except SyncError:
                await client.close()
                raise
            register_secret(signed.token)
            node = await self._run(lambda conn: account.node_for(conn, server, signed.user_id))
            try:
                await asyncio.to_thread(secrets.set_secret, account.token_name(node), signed.token)
            except secrets.SecretStoreError as error:
                await _quietly(client.sign_out())
                await client.close()
                raise SyncError("refused", str(error)) from None
            await self._run(lambda conn: account.begin(conn, node, server, email.strip(), signed.user_id,
                                                       signed.device_id, self._wall_ms))
            await self._replace_client(client)
            self._failures = 0
            self._set(state=SYNCING, email=email.strip(), server=server, detail="")
        self.kick()
        return self._status

    async def sign_out(self) -> None:
        """Stop syncing here and give up this device's token (the data stays on this device)."""
        async with self._lock:
            found = await self._run(account.current)
            if self._client is not None:
                await _quietly(self._client.sign_out())  # offline: the token stays until revoked elsewhere
            await self._replace_client(None)
            if found is not None:
                await asyncio.to_thread(secrets.delete_secret, account.token_name(found.node))
            await self._run(account.end)
            self._set(state=OFF, detail="", email="", server="", waiting=0, conflicts=0, last_synced_ms=None)

    async def _replace_client(self, client: SyncClient | None) -> None:
        if self._client is not None:
            await self._client.close()
        self._client = client

    async def devices(self) -> list[DeviceInfo]:
        if self._client is None:
            return []
        return await self._client.devices()

    async def revoke(self, device_id: int) -> None:
        if self._client is not None:
            await self._client.revoke(device_id)

    async def conflicts(self, limit: int = 200) -> list[Conflict]:
        return await self._run(lambda conn: sync_round.conflicts(conn, limit))

    async def aclose(self) -> None:
        await self._replace_client(None)

    def close(self) -> None:
        """At engine stop (synchronous): the HTTP client is closed on the loop."""
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(RuntimeError):  # no running loop: nothing left to close it on
                task = asyncio.get_running_loop().create_task(client.close())
                _CLOSING.add(task)
                task.add_done_callback(_CLOSING.discard)


async def _quietly(call) -> None:
    try:
        await call
    except SyncError as error:
        log.info("sign-out at the server failed (%s)", error.kind)


__all__ = ["OFF", "OFFLINE", "SYNCED", "SyncError", "SyncService"]
