"""Load on the account backend: 200 devices pushing and pulling the sync change log at once.

    uv run python -m tests.bench.bench_sync [--devices 200] [--changes 1000] [--big 50000] [--app 50000]
        [--concurrency 32] [--low-concurrency 8] [--workers 2]

Starts a throw-away PostgreSQL cluster (tests/server/postgres.py) and the server as deployed:
``ai-coach-server serve --workers N`` in its own process group on 127.0.0.1 (DATABASE_URL = the
app's login role), ready once /health answers; both are torn down at the end, failed or not.

Devices come 10 to an account (the first signs up, the others sign in). Every device pushes
``--changes`` changes (trade notes, alerts, journal entries, watchlist items) in batches of 100 and
pulls its account's other devices' changes until ``more`` is false; all at once, at most
``--concurrency`` requests in flight; then each pulls once more, so every device ends holding every
change of its account's other devices: none missing, none twice. The load phase runs again at
``--low-concurrency`` (fresh accounts), shown beside. Then a brand-new device of an account holding
``--big`` changes pulls them over HTTP, and the app phase (tests/bench/bench_sync_app.py) times a
desktop device pushing ``--app`` trade notes and a new one pulling and merging them into its store.
Exit 2 when a target is missed (the latency ones count at ``--concurrency``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.server.postgres import Cluster, find_bin_dir, free_port, new_cluster

REPO = Path(__file__).resolve().parents[2]
DATABASE, APP_LOGIN, PASSWORD = "ai_coach", "ai_coach_server", "correct horse battery"
PER_ACCOUNT, BATCH, PAGE = 10, 100, 1000
# uvicorn closes a keep-alive connection idle for 5 s (httpx's default expiry too): the client must drop
# it first, or a request sent on it just as the server closes it fails with a ReadError
KEEPALIVE_S = 2.0
TABLES = ("trade_notes", "alerts", "journal_entries", "watchlist_items")
HLC_START_MS = 1_764_590_000_000  # 2026-12-01 12:33 UTC
# targets: the run fails (exit 2) when one is missed
MAX_ERRORS, MIN_THROUGHPUT, MAX_P99_MS, MAX_BIG_PULL_S = 0, 1_000, 1_000, 10.0
START_S = 60.0  # the server must answer /health within this


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
    cpu: tuple[float, ...] = (0.0, 0.0, 0.0)  # (client, server, PostgreSQL) CPU seconds while syncing


def _prepare_database(pg: Cluster) -> None:
    import psycopg

    from server.db import migrate

    with psycopg.connect(pg.superuser_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {DATABASE}")
    migrate(pg.url("postgres", DATABASE))
    with psycopg.connect(pg.url("postgres", DATABASE), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {APP_LOGIN} LOGIN IN ROLE ai_coach_app")


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its live descendants, from /proc."""
    total, pending, tick = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    for _ in range(1000):  # bounded: a server has a handful of processes
        if not pending:
            break
        current = pending.pop()
        try:
            stat = Path(f"/proc/{current}/stat").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue  # gone meanwhile
        fields = stat.rsplit(")", 1)[1].split()
        total += sum(int(f) for f in fields[11:15]) / tick  # utime, stime and those of children it reaped
        pending.extend(int(c) for c in children)
    return total


def _wait_healthy(base_url: str, process: subprocess.Popen, log: Path) -> None:
    import httpx

    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass  # not listening yet
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer /health within {START_S:.0f} s:\n{log.read_text()[-3000:]}")


def _serve_process(database_url: str, workers: int, folder: Path) -> tuple[str, Callable[[], float], Callable]:
    """``ai-coach-server serve`` in its own process group, as deployed: (base URL, CPU probe, stop)."""
    port, log = free_port(), folder / "server.log"
    command = [sys.executable, "-m", "server.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env={**os.environ, "DATABASE_URL": database_url},
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def stop() -> None:
        for sig, wait_s in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
            try:
                os.killpg(process.pid, sig)  # the group this run started: uvicorn and its workers
            except ProcessLookupError:
                return  # all gone
            try:
                process.wait(timeout=wait_s)
                return
            except subprocess.TimeoutExpired:
                continue

    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, process, log)
    except BaseException:
        stop()
        raise
    return base_url, lambda: _tree_cpu(process.pid), stop


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
            "hlc": f"{HLC_START_MS + n * 37:015d}:{n % 1000:06d}", "device": f"node-{account:03d}-{device:02d}",
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


async def sign_in_devices(client, gate, stats, count: int, first_account: int = 0) -> list[Device]:
    """``count`` devices, PER_ACCOUNT to an account: each account's first signs up, then the others sign in."""
    slots = [(first_account + n // PER_ACCOUNT, n % PER_ACCOUNT) for n in range(count)]
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


async def load(base_url: str, args, concurrency: int, first_account: int,
               server_cpu: Callable[[], tuple[float, float]]) -> tuple[list[Device], Stats, float, float]:
    """Sign every device in, then push and pull all at once; (devices, stats, sign-in s, sync s)."""
    import httpx

    stats, gate = Stats(), asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency,
                          keepalive_expiry=KEEPALIVE_S)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
        started = time.perf_counter()
        devices = await sign_in_devices(client, gate, stats, args.devices, first_account)
        signed = time.perf_counter() - started
        max_pages = PER_ACCOUNT * args.changes // PAGE + 2 * PER_ACCOUNT
        started, client_cpu, server = time.perf_counter(), time.process_time(), server_cpu()
        await asyncio.gather(*(run_device(client, gate, stats, d, args.changes, max_pages) for d in devices))
        await asyncio.gather(*(pull_until_done(client, gate, stats, d, max_pages) for d in devices))
        stats.cpu = (time.process_time() - client_cpu, *(b - a for a, b in zip(server, server_cpu(), strict=True)))
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


@dataclass
class Run:
    """One load phase's figures: ``rows[label] = (shown value, ok or None)``."""

    concurrency: int
    rows: dict[str, tuple[str, bool | None]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(ok is not False for _value, ok in self.rows.values())


def summarize(args, concurrency: int, devices: list[Device], stats: Stats, signed: float, wall: float) -> Run:
    expected = {d.account: 0 for d in devices}
    for d in devices:
        expected[d.account] += args.changes
    missing = sum(expected[d.account] - args.changes - len(d.seen) for d in devices)
    twice, rate = sum(d.twice for d in devices), stats.stored / wall if wall else 0.0
    p99_push, p99_pull = _pct(stats.push_ms, 99), _pct(stats.pull_ms, 99)
    run = Run(concurrency)
    run.rows = {
        "devices / accounts": (f"{len(devices)} / {len(expected)}", None),
        "sign-ins (argon2id), s": (f"{len(stats.sign_in_ms)} in {signed:.1f}", None),
        "changes pushed (pushes)": (f"{stats.stored:,} ({len(stats.push_ms):,})", None),
        "changes pulled (pulls)": (f"{sum(len(d.seen) for d in devices):,} ({len(stats.pull_ms):,})", None),
        "wall time push+pull, s": (f"{wall:.1f}", None),
        "CPU server / PostgreSQL / client, s": ("{1:.1f} / {2:.1f} / {0:.1f}".format(*stats.cpu), None),
        f"throughput changes/s (>= {MIN_THROUGHPUT:,})": (f"{rate:,.0f}", rate >= MIN_THROUGHPUT),
        "push p50 ms": (f"{_pct(stats.push_ms, 50):.0f}", None),
        f"push p99 ms (< {MAX_P99_MS:,})": (f"{p99_push:.0f}", p99_push < MAX_P99_MS),
        "pull p50 ms": (f"{_pct(stats.pull_ms, 50):.0f}", None),
        f"pull p99 ms (< {MAX_P99_MS:,})": (f"{p99_pull:.0f}", p99_pull < MAX_P99_MS),
        "changes missing / pulled twice (0 / 0)": (f"{missing} / {twice}", missing == twice == 0),
        f"errors ({MAX_ERRORS})": (f"{len(stats.errors)}", len(stats.errors) <= MAX_ERRORS),
    }
    return run


def print_runs(runs: list[Run], errors: list[str]) -> None:
    """The load phases side by side, one column per concurrency, each figure with its verdict."""
    print(f"{'load (target)':<40}" + "".join(f"{f'{r.concurrency} in flight':>26}" for r in runs))
    for label in runs[0].rows:
        cells = []
        for run in runs:
            value, ok = run.rows[label]
            cells.append(f"{value}{'' if ok is None else f' {_verdict(ok)}'}")
        print(f"  {label:<38}" + "".join(f"{c:>26}" for c in cells))
    for error in errors[:5]:
        print(f"    {error}")


def report_big(total: int, seconds: float, pulled: int, stats: Stats) -> bool:
    ok = seconds < MAX_BIG_PULL_S and pulled == total and not stats.errors
    print(f"a brand-new device pulling an account's {total:,} changes over HTTP (pages of {PAGE}, no merge): "
          f"{seconds:.1f} s, {pulled:,} received, {len(stats.errors)} errors (target < {MAX_BIG_PULL_S:.0f} s, "
          f"all, 0 errors): {_verdict(ok)}")
    return ok


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=200, help=f"devices, {PER_ACCOUNT} to an account (0: skip)")
    parser.add_argument("--changes", type=int, default=1000, help="changes each device pushes")
    parser.add_argument("--big", type=int, default=50_000, help="changes a brand-new device pulls (0: skip)")
    parser.add_argument("--app", type=int, default=50_000,
                        help="trade notes an app device pushes and a new one pulls and merges (0: skip)")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight at most")
    parser.add_argument("--low-concurrency", type=int, default=8,
                        help="the load phase again at this concurrency, shown beside (0: skip)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    return parser


def _phases(args, base_url: str, server_cpu: Callable[[], tuple[float, float]], folder: Path) -> bool:
    ok, runs, errors = True, [], []
    levels = [args.concurrency] + ([args.low_concurrency] if args.low_concurrency else [])
    for n, concurrency in enumerate(levels if args.devices else []):
        result = asyncio.run(load(base_url, args, concurrency, 1000 * n, server_cpu))
        runs.append(summarize(args, concurrency, *result))
        errors += result[1].errors
    if runs:
        print_runs(runs, errors)
        ok = runs[0].ok and all(r.rows[k][1] for r in runs for k in r.rows if k.startswith(("changes m", "errors")))
    if args.big:
        ok = report_big(args.big, *asyncio.run(big_account(base_url, args.big))) and ok
    if args.app:
        from tests.bench.bench_sync_app import app_phase

        ok = asyncio.run(app_phase(base_url, args.app, folder)) and ok
    return ok


def main() -> int:
    args = _parser().parse_args()
    bin_dir = find_bin_dir()
    if bin_dir is None:
        print("needs PostgreSQL (initdb, pg_ctl): apt install postgresql", file=sys.stderr)
        return 1
    pg, stop, folder = new_cluster(bin_dir), None, Path(tempfile.mkdtemp(prefix="ai-coach-bench-"))
    try:
        pg.start()
        _prepare_database(pg)
        base_url, server_cpu, stop = _serve_process(pg.url(APP_LOGIN, DATABASE), args.workers, folder)
        postmaster = int((pg.folder / "data" / "postmaster.pid").read_text().split()[0])
        print(f"server: ai-coach-server serve --workers {args.workers} on {base_url} (its own processes); "
              f"PostgreSQL {bin_dir.parent.name}, fsync off; CPU {os.cpu_count()} cores")
        ok = _phases(args, base_url, lambda: (server_cpu(), _tree_cpu(postmaster)), folder)
    finally:
        if stop is not None:
            stop()
        pg.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
