"""App devices for the sync tests: each its own SQLite store (the real Store, migrations and capture
triggers) and the engine's SyncService against the real server; its wall clock may be offset
(devices whose clocks are minutes apart). ``contents`` reads a store the way another device
would see it: every synced record by its record id, parent columns as the parents' record ids."""

from __future__ import annotations

import json
import time
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from app.core.bus import EventBus
from app.core.events import SyncApplied, SyncStatusChanged
from app.core.sync.service import SyncService
from data.store.database import Store
from data.sync import capture
from data.sync.tables import TABLES, row_filter, shape
from data.sync.triggers import record_id_sql

PASSWORD = "correct horse battery"


class Device:
    def __init__(self, root: Path, name: str, clock_offset_s: float = 0.0) -> None:
        self.name = name
        self.store = Store.open(root / name)
        self.bus = EventBus()
        self.applied: list[frozenset[str]] = []
        self.states: list[str] = []
        self.bus.subscribe(SyncApplied, lambda e: self.applied.append(e.tables))
        self.bus.subscribe(SyncStatusChanged, lambda e: self.states.append(e.status.state))
        offset_ms = int(clock_offset_s * 1000)
        self.sync = SyncService(self.store, self.bus, device_name=name,
                                wall_ms=lambda: time.time_ns() // 1_000_000 + offset_ms)

    def write(self, fn):
        """A repository call in the store's transaction (as the app's services make them)."""
        return self.store.run_sync(fn)

    async def sign_in(self, server: str, email: str, create: bool = False) -> None:
        await self.sync.sign_in(server, email, PASSWORD, create=create)

    async def round(self):
        status = await self.sync.sync_now()
        assert status.state == "synced", (self.name, status)
        return status

    def contents(self) -> dict[str, dict[str, dict]]:
        return self.store.run_sync(lambda session: contents(session.connection()))

    def close(self) -> None:
        self.store.close()


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.values.get((service, username))

    def set_password(self, service, username, password):
        self.values[(service, username)] = password

    def delete_password(self, service, username):
        self.values.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
async def devices(tmp_path):
    made: list[Device] = []

    def make(name: str, clock_offset_s: float = 0.0) -> Device:
        device = Device(tmp_path, name, clock_offset_s)
        made.append(device)
        return device

    yield make
    for device in made:
        await device.sync.aclose()
        device.close()


async def signed_pair(make, server: str, email: str) -> tuple[Device, Device]:
    """A desk that makes the account and a laptop signed in to it."""
    desk, laptop = make("desk"), make("laptop")
    await desk.sign_in(server, email, create=True)
    await laptop.sign_in(server, email)
    return desk, laptop


async def settle(*devices: Device, rounds: int = 3) -> None:
    for _ in range(rounds):
        for device in devices:
            await device.round()


def contents(conn) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {}
    for table in TABLES:
        ids = (f"(SELECT record_id FROM sync_ids WHERE table_name = '{table.name}' AND row_id = {table.name}.id)"
               if table.mapped else record_id_sql(table, table.name))
        where = row_filter(table.name)
        where = f" WHERE {where.format(r=table.name)}" if where else ""
        result = conn.exec_driver_sql(f"SELECT {ids} AS rid, * FROM {table.name}{where}")
        names = list(result.keys())
        rows = {}
        for row in result.fetchall():
            values = dict(zip(names, row, strict=True))
            rid = values.pop("rid")
            rows[rid] = json.loads(json.dumps(capture._fields(conn, table, values, list(shape(table.name).columns))))
        out[table.name] = rows
    return out


def count_rows(snapshot: dict[str, dict[str, dict]]) -> dict[str, int]:
    return {table: len(rows) for table, rows in snapshot.items() if rows}


class RestartableServer:
    """The real server (uvicorn, in a thread) on a port that stays the same across restarts."""

    def __init__(self, database_url: str) -> None:
        from tests.server.postgres import free_port

        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = self._thread = None

    def start(self) -> None:
        import threading

        import uvicorn

        from server.app import create_app

        self._server = uvicorn.Server(uvicorn.Config(create_app(self.database_url), host="127.0.0.1", port=self.port,
                                                     log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, name="sync-test-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the server did not start within 30 s")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(timeout=30)
            self._server = None
