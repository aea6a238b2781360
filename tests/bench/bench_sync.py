"""Load on the account backend: 200 devices pushing and pulling the sync change log at once.

    uv run python -m tests.bench.bench_sync [--devices 200] [--changes 1000] [--big 50000]

Starts its own throw-away PostgreSQL cluster (tests/server/postgres.py: initdb on a free loopback
port, the schema migrated, the app's login role) and the real server (uvicorn on 127.0.0.1 in a
thread, as tests/server/conftest.py does), and tears both down at the end, failed or not.

Devices come 10 to an account (the first signs up, the others sign in, each under its own name).
Every device pushes ``--changes`` changes (trade notes, alerts, journal entries, watchlist items,
with HLC stamps and small field dicts) in batches of 100 and pulls its account's other devices'
changes until ``more`` is false; all at once over httpx.AsyncClient, at most ``--concurrency``
requests in flight. When every device has finished, each pulls once more from its cursor, so the
run ends with every device holding every change of its account's other devices: counted, none
missing and none twice. Then a brand-new device of an account holding ``--big`` changes pulls
them all in pages of 1,000. The server shares this process (and its GIL) with the client, so the
figures are a floor for a server running on its own.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.server.postgres import Cluster, find_bin_dir, free_port, new_cluster

DATABASE, APP_LOGIN, PASSWORD = "ai_coach", "ai_coach_server", "correct horse battery"
PER_ACCOUNT, BATCH, PAGE = 10, 100, 1000
# uvicorn closes a keep-alive connection idle for 5 s (httpx's default expiry too): the client must drop
# it first, or a request sent on it just as the server closes it fails with a ReadError
KEEPALIVE_S = 2.0
TABLES = ("trade_notes", "alerts", "journal_entries", "watchlist_items")
HLC_START_MS = 1_764_590_000_000  # 2026-12-01 12:33 UTC
# targets: the run fails (exit 2) when one is missed
MAX_ERRORS, MIN_THROUGHPUT, MAX_P99_MS, MAX_BIG_PULL_S = 0, 1_000, 1_000, 10.0


@dataclass
class Device:
    account: int
    index: int
    headers: dict[str, str]
    cursor: int = 0
    seen: set[tuple[str, str, str]] = field(default_factory=set)
    twice: int = 0


@dataclass
class Stats:
    sign_in_ms: list[float] = field(default_factory=list)
    push_ms: list[float] = field(default_factory=list)
    pull_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stored: int = 0  # changes the server took as new
    cpu: tuple[float, float] = (0.0, 0.0)  # (client, server) CPU seconds in this process while syncing


def _prepare_database(pg: Cluster) -> None:
    import psycopg

    from server.db import migrate

    with psycopg.connect(pg.superuser_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {DATABASE}")
    migrate(pg.url("postgres", DATABASE))
    with psycopg.connect(pg.url("postgres", DATABASE), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {APP_LOGIN} LOGIN IN ROLE ai_coach_app")


def _serve(app):
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, name="ai-coach-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start within 30 s")
        time.sleep(0.02)
    return server, thread


def change(account: int, device: int, n: int) -> dict:
    """The ``n``-th change a device writes: a realistic record of one of the synced tables."""
    table = TABLES[n % len(TABLES)]
    fields = {"trade_notes": {"trade_id": f"T{account:03d}-{n // 4:05d}", "note": f"scaled out early #{n}",
                              "tags": ["discipline", "exit"]},
              "alerts": {"symbol": ("SPY", "QQQ", "NVDA")[n % 3], "price": round(500 + n * 0.25, 2),
                         "direction": "above", "active": n % 5 != 0},
              "journal_entries": {"day": f"2026-11-{1 + n % 28:02d}", "mood": n % 5, "text": "followed the plan"},
              "watchlist_items": {"symbol": f"SYM{n % 97}", "position": n % 40}}[table]
    deleted = n % 50 == 49  # a tombstone now and then
    return {"table": table, "id": f"{table[:-1]}-{account}-{device}-{n // 4 % 300}",  # records written again
            "hlc": f"{HLC_START_MS + n * 37:018d}:{n % 1000:06d}", "device": f"node-{account:03d}-{device:02d}",
            "deleted": deleted, "fields": {} if deleted else fields}


async def _timed(client, gate: asyncio.Semaphore, stats: Stats, kind: str, method: str, url: str, **kw):
    """One request inside the concurrency gate; its latency goes to ``kind``, a failure to the errors."""
    async with gate:
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kw)
        except Exception as error:  # a transport failure counts as an error like a 5xx
            stats.errors.append(f"{kind}: {type(error).__name__}: {error!r}")
            return None
        elapsed = (time.perf_counter() - started) * 1000
    getattr(stats, f"{kind}_ms").append(elapsed)
    if response.status_code >= 300:
        stats.errors.append(f"{kind}: {response.status_code} {response.text[:200]}")
        return None
    return response.json()


async def _session(client, gate, stats, account: int, index: int) -> Device | None:
    body = {"email": f"bench-{account}@example.com", "password": PASSWORD, "device_name": f"device {index}"}
    route = "/v1/accounts/sign-up" if index == 0 else "/v1/accounts/sign-in"
    session = await _timed(client, gate, stats, "sign_in", "POST", route, json=body)
    if session is None:
        return None
    return Device(account, index, {"Authorization": f"Bearer {session['token']}"})


async def sign_in_devices(client, gate, stats, count: int) -> list[Device]:
    """``count`` devices, PER_ACCOUNT to an account: each account's first signs up, then the others sign in."""
    slots = [divmod(n, PER_ACCOUNT) for n in range(count)]
    firsts = await asyncio.gather(*(_session(client, gate, stats, a, i) for a, i in slots if i == 0))
    others = await asyncio.gather(*(_session(client, gate, stats, a, i) for a, i in slots if i > 0))
    return [d for d in (*firsts, *others) if d is not None]


async def pull_until_done(client, gate, stats, device: Device, max_pages: int) -> None:
    for _page in range(max_pages):  # bounded: never more pages than the account's changes fill
        page = await _timed(client, gate, stats, "pull", "GET", "/v1/sync/pull", headers=device.headers,
                            params={"since": device.cursor, "limit": PAGE})
        if page is None:
            return
        for c in page["changes"]:
            key = (c["table"], c["id"], c["hlc"])
            device.twice += key in device.seen
            device.seen.add(key)
        device.cursor = page["cursor"]
        if not page["more"]:
            return
    stats.errors.append(f"pull: device {device.account}/{device.index} still had more after {max_pages} pages")


async def run_device(client, gate, stats, device: Device, changes: int, max_pages: int) -> None:
    for start in range(0, changes, BATCH):
        batch = [change(device.account, device.index, n) for n in range(start, min(start + BATCH, changes))]
        result = await _timed(client, gate, stats, "push", "POST", "/v1/sync/push", json={"changes": batch},
                              headers=device.headers)
        stats.stored += result["stored"] if result else 0
    await pull_until_done(client, gate, stats, device, max_pages)


async def load(base_url: str, args) -> tuple[list[Device], Stats, float, float]:
    """Sign every device in, then push and pull all at once; (devices, stats, sign-in s, sync s)."""
    import httpx

    stats, gate = Stats(), asyncio.Semaphore(args.concurrency)
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency,
                          keepalive_expiry=KEEPALIVE_S)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
        started = time.perf_counter()
        devices = await sign_in_devices(client, gate, stats, args.devices)
        signed = time.perf_counter() - started
        max_pages = PER_ACCOUNT * args.changes // PAGE + 2 * PER_ACCOUNT
        started, process, client_cpu = time.perf_counter(), time.process_time(), time.thread_time()
        await asyncio.gather(*(run_device(client, gate, stats, d, args.changes, max_pages) for d in devices))
        await asyncio.gather(*(pull_until_done(client, gate, stats, d, max_pages) for d in devices))
        client_cpu = time.thread_time() - client_cpu  # this thread runs only the client's event loop
        stats.cpu = (client_cpu, time.process_time() - process - client_cpu)
        return devices, stats, signed, time.perf_counter() - started


async def big_account(base_url: str, total: int) -> tuple[float, int, Stats]:
    """Fill one account with ``total`` changes, then time a brand-new device pulling them all."""
    import httpx

    stats, gate, limits = Stats(), asyncio.Semaphore(4), httpx.Limits(keepalive_expiry=KEEPALIVE_S)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
        writer = await _session(client, gate, stats, 10_000, 0)
        if writer is None:
            raise RuntimeError(f"the big account's sign-up failed: {stats.errors}")
        pushes = [[change(10_000, 0, n) for n in range(start, min(start + PAGE, total))]
                  for start in range(0, total, PAGE)]
        await asyncio.gather(*(_timed(client, gate, stats, "push", "POST", "/v1/sync/push", headers=writer.headers,
                                      json={"changes": batch}) for batch in pushes))
        newcomer = await _session(client, gate, stats, 10_000, 1)
        if newcomer is None:
            raise RuntimeError(f"the big account's new device could not sign in: {stats.errors}")
        started = time.perf_counter()
        await pull_until_done(client, gate, stats, newcomer, total // PAGE + 2)
        return time.perf_counter() - started, len(newcomer.seen), stats


def _pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _verdict(ok: bool) -> str:
    return "within" if ok else "MISSED"


def report(args, devices: list[Device], stats: Stats, signed: float, wall: float) -> bool:
    pushed = stats.stored
    expected = {d.account: 0 for d in devices}
    for d in devices:
        expected[d.account] += args.changes
    missing = sum(expected[d.account] - args.changes - len(d.seen) for d in devices)
    twice = sum(d.twice for d in devices)
    rate = pushed / wall if wall else 0.0
    p99_push, p99_pull = _pct(stats.push_ms, 99), _pct(stats.pull_ms, 99)
    print(f"{len(devices)} devices in {len(expected)} accounts signed in in {signed:.1f} s "
          f"(argon2id per sign-in, {len(stats.sign_in_ms)} requests)")
    print(f"  changes pushed: {pushed:,} ({len(stats.push_ms):,} pushes of up to {BATCH}); pulled: "
          f"{sum(len(d.seen) for d in devices):,} ({len(stats.pull_ms):,} pulls, pages of {PAGE})")
    print(f"  wall time (push + pull until every device holds all): {wall:.1f} s; CPU in this process: "
          f"server {stats.cpu[1]:.1f} s, client {stats.cpu[0]:.1f} s (PostgreSQL apart)")
    print(f"  throughput: {rate:,.0f} changes/s (target >= {MIN_THROUGHPUT:,}): {_verdict(rate >= MIN_THROUGHPUT)}")
    print(f"  push latency p50 {_pct(stats.push_ms, 50):.0f} ms, p99 {p99_push:.0f} ms "
          f"(target p99 < {MAX_P99_MS} ms): {_verdict(p99_push < MAX_P99_MS)}")
    print(f"  pull latency p50 {_pct(stats.pull_ms, 50):.0f} ms, p99 {p99_pull:.0f} ms "
          f"(target p99 < {MAX_P99_MS} ms): {_verdict(p99_pull < MAX_P99_MS)}")
    print(f"  changes missing {missing}, pulled twice {twice} (target 0): {_verdict(missing == twice == 0)}")
    print(f"  errors {len(stats.errors)} (target {MAX_ERRORS}): {_verdict(len(stats.errors) <= MAX_ERRORS)}")
    for error in stats.errors[:5]:
        print(f"    {error}")
    return (len(stats.errors) <= MAX_ERRORS and missing == twice == 0 and rate >= MIN_THROUGHPUT
            and p99_push < MAX_P99_MS and p99_pull < MAX_P99_MS)


def report_big(total: int, seconds: float, pulled: int, stats: Stats) -> bool:
    ok = seconds < MAX_BIG_PULL_S and pulled == total and not stats.errors
    print(f"a brand-new device pulling an account's {total:,} changes (pages of {PAGE}): {seconds:.1f} s, "
          f"{pulled:,} received, {len(stats.errors)} errors (target < {MAX_BIG_PULL_S:.0f} s, all, 0 errors): "
          f"{_verdict(ok)}")
    return ok


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=200, help=f"devices, {PER_ACCOUNT} to an account")
    parser.add_argument("--changes", type=int, default=1000, help="changes each device pushes")
    parser.add_argument("--big", type=int, default=50_000, help="changes a brand-new device pulls (0: skip)")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight at most")
    return parser


def main() -> int:
    args = _parser().parse_args()
    bin_dir = find_bin_dir()
    if bin_dir is None:
        print("needs PostgreSQL (initdb, pg_ctl): apt install postgresql", file=sys.stderr)
        return 1
    from server.app import create_app

    pg, server, thread = new_cluster(bin_dir), None, None
    try:
        pg.start()
        _prepare_database(pg)
        server, thread = _serve(create_app(pg.url(APP_LOGIN, DATABASE)))
        base_url = f"http://127.0.0.1:{server.config.port}"
        ok = report(args, *asyncio.run(load(base_url, args)))
        if args.big:
            ok = report_big(args.big, *asyncio.run(big_account(base_url, args.big))) and ok
    finally:
        if server is not None:
            server.should_exit = True
            thread.join(timeout=30)
        pg.stop()
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
