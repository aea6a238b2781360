"""The app side of the sync benchmark (run by tests/bench/bench_sync.py against its server).

A desktop device "desk" (tests/server/sync/devices.py: the real Store with its migrations and
capture triggers, and the engine's SyncService) holds ``total`` journal trade notes, creates an
account (the first sign-in seeds every record into its push queue) and pushes them; then a
brand-new device "laptop" signs in to the same account and its first ``sync_now`` pulls and
merges them all into its own SQLite store. Each figure is printed beside its target; the laptop
must end with every note, a sample of them equal to the desk's.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

MAX_PUSH_S = MAX_PULL_S = 60.0  # push of the queued notes; a new app device's pull + merge of them
MAX_ROUNDS = 20  # sync_now calls per device: bounded even if the queue never empties
SAMPLE = 200
COLUMNS = "trade_id, setup, tags, mistakes, rating, notes, updated_at"
EMAIL = "bench-app@example.com"


def _fill(device, total: int) -> None:
    rows = [(f"T{n:06d}", f"scaled out early #{n}; followed the plan {n % 7}/7") for n in range(total)]
    device.store.run_sync(lambda s: s.connection().exec_driver_sql(
        "INSERT INTO trade_notes (trade_id, setup, tags, mistakes, rating, notes, updated_at) "
        "VALUES (?, '', '[]', '[]', NULL, ?, '2026-11-30 15:00:00.000000')", rows))


def _count(device) -> int:
    return device.store.run_sync(lambda s: s.connection().exec_driver_sql(
        "SELECT count(*) FROM trade_notes").scalar_one())


def _rows(device, ids: list[str]) -> list[tuple]:
    marks = ", ".join("?" * len(ids))
    return device.store.run_sync(lambda s: [tuple(r) for r in s.connection().exec_driver_sql(
        f"SELECT {COLUMNS} FROM trade_notes WHERE trade_id IN ({marks}) ORDER BY trade_id", tuple(ids))])


async def _rounds(device, done) -> tuple[float, int, object]:
    """``sync_now`` until ``done(status)``, at most MAX_ROUNDS times; (seconds, rounds, last status)."""
    started, status, rounds = time.perf_counter(), None, 0
    while rounds < MAX_ROUNDS:
        rounds += 1
        status = await device.sync.sync_now()
        if status.state != "synced" or done(status):
            break
    return time.perf_counter() - started, rounds, status


def _line(label: str, seconds: float, total: int, target: float, ok: bool, extra: str = "") -> None:
    rate = total / seconds if seconds else 0.0
    print(f"  {label}: {seconds:.1f} s, {rate:,.0f} records/s{extra} (target < {target:.0f} s): "
          f"{'within' if ok else 'MISSED'}")


async def _desk(root: Path, base_url: str, total: int, password: str):
    from data.sync import round as sync_round
    from tests.server.sync.devices import Device

    desk = Device(root, "desk")
    started = time.perf_counter()
    _fill(desk, total)
    filled = time.perf_counter() - started
    started = time.perf_counter()
    await desk.sync.sign_in(base_url, EMAIL, password, create=True)  # seeds every note into the queue
    seeded = time.perf_counter() - started
    queued = desk.store.run_sync(lambda s: sync_round.waiting(s.connection()))
    print(f"app devices (Store + SyncService) on one account, {total:,} journal trade notes:")
    print(f"  desk: {total:,} notes written in {filled:.1f} s; sign-up seeding {queued:,} queued changes: "
          f"{seeded:.1f} s")
    return desk


async def app_phase(base_url: str, total: int, root: Path) -> bool:
    import keyring

    from tests.server.sync.devices import PASSWORD, Device, MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    made: list = []
    try:
        desk = await _desk(root, base_url, total, PASSWORD)
        made.append(desk)
        seconds, rounds, status = await _rounds(desk, lambda s: s.waiting == 0)
        pushed = status.state == "synced" and status.waiting == 0 and seconds < MAX_PUSH_S
        _line(f"desk push of the queue ({rounds} sync_now, {status.state}, {status.waiting} left)", seconds, total,
              MAX_PUSH_S, pushed)
        laptop = Device(root, "laptop")
        made.append(laptop)
        await laptop.sync.sign_in(base_url, EMAIL, PASSWORD)
        seconds, rounds, status = await _rounds(laptop, lambda s: _count(laptop) >= total)
        have = _count(laptop)
        ids = sorted(random.Random(19).sample([f"T{n:06d}" for n in range(total)], min(SAMPLE, total)))
        same = _rows(desk, ids) == _rows(laptop, ids)
        ok = status.state == "synced" and have == total and same and seconds < MAX_PULL_S
        _line(f"new laptop pull + merge ({rounds} sync_now, {status.state})", seconds, total, MAX_PULL_S, ok,
              f"; trade_notes {have:,} of {total:,}, sample of {len(ids)} {'equal' if same else 'DIFFERENT'}")
        return pushed and ok
    finally:
        for device in made:
            await device.sync.aclose()
            device.close()
