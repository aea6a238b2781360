"""A device killed (SIGKILL) in the middle of pulling and merging leaves its store consistent — each
page with its records and cursor, or none of it — and signing in again completes it, nothing twice."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from data.store.fast_read import DB_FILENAME
from tests.conftest import REPO
from tests.server.sync.devices import PASSWORD, settle

NOTES = 6_000
CHILD = """
import asyncio, sys
from pathlib import Path
import keyring
from tests.server.sync.devices import Device, MemoryKeyring
keyring.set_keyring(MemoryKeyring())
async def main():
    laptop = Device(Path(sys.argv[1]), "laptop")
    await laptop.sign_in(sys.argv[2], sys.argv[3])
    print("signed in", flush=True)
    while True:
        await laptop.sync.sync_now()
        await asyncio.sleep(0.01)
asyncio.run(main())
"""


def _read(path: Path, sql: str):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute(sql).fetchall()


def _cursor(path: Path) -> int:
    try:
        rows = _read(path, "SELECT value FROM sync_state WHERE key = 'cursor'")
    except sqlite3.OperationalError:
        return 0
    return int(rows[0][0]) if rows else 0


@pytest.mark.slow
async def test_a_device_killed_while_merging_stays_consistent_and_completes(backend, devices, unique, tmp_path):
    desk = devices("desk")
    email = f"kill-{unique}@example.com"
    desk.store.run_sync(lambda s: s.connection().exec_driver_sql(
        "INSERT INTO trade_notes (trade_id, setup, tags, mistakes, notes, updated_at) VALUES (?, '', '[]', '[]', ?, "
        "'2026-11-30 15:00:00.000000')", [(f"K{n}", f"note {n}") for n in range(NOTES)]))
    await desk.sign_in(backend.base_url, email, create=True)
    await desk.round()
    db = tmp_path / "laptop" / DB_FILENAME
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path), backend.base_url, email], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert child.stdout.readline().strip() == "signed in"
        deadline = time.monotonic() + 60
        while _cursor(db) == 0:  # the first page is in: the kill lands inside the later ones
            assert time.monotonic() < deadline and child.poll() is None
            await asyncio.sleep(0.005)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=10)
    assert _read(db, "PRAGMA integrity_check") == [("ok",)]
    notes = _read(db, "SELECT count(*) FROM trade_notes")[0][0]
    merged = _read(db, "SELECT count(*) FROM sync_records WHERE table_name = 'trade_notes'")[0][0]
    print(f"killed with {notes:,} of {NOTES:,} notes merged")
    assert notes == merged and 0 < notes <= NOTES  # pages whole: rows and merged records together
    laptop = devices("laptop")  # the app starts again on the same folder; the trader signs in again
    await laptop.sync.sign_in(backend.base_url, email, PASSWORD)
    await settle(laptop, desk)
    assert _read(db, "SELECT count(*) FROM trade_notes")[0][0] == NOTES
    assert laptop.contents() == desk.contents()


