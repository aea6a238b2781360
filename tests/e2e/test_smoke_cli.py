"""`ai-coach` as a user runs it: smoke mode, screenshots, bad input, a killed session."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from app.cli import parse_args
from data.store.database import head_revision
from data.store.fast_read import DB_FILENAME
from tests.conftest import REPO

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=REPO, env=ENV, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.slow
def test_smoke_paints_every_panel_creates_the_database_and_saves_a_screenshot(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    result = _run("--smoke", "--data-dir", str(tmp_path / "data"), "--screenshot", str(shot))
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"SMOKE OK provider=demo panels=(\d+)/\1 quotes=\d+ first_paint_ms=\d+ panels_ms=\d+ "
                        r"engine_ms=\d+ first_quote_ms=\d+ painted_ms=\d+", line), line
    db = tmp_path / "data" / DB_FILENAME
    assert sqlite3.connect(db).execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    assert (tmp_path / "data" / "logs" / "ai-coach.log").exists()


@pytest.mark.slow
def test_a_corrupt_database_fails_clearly_and_is_not_touched(tmp_path: Path) -> None:
    tmp_path.joinpath(DB_FILENAME).write_bytes(b"garbage" * 1000)
    result = _run("--smoke", "--data-dir", str(tmp_path))
    assert result.returncode != 0
    assert "left untouched" in result.stderr and "Traceback" not in result.stderr
    assert tmp_path.joinpath(DB_FILENAME).read_bytes() == b"garbage" * 1000


@pytest.mark.slow
def test_a_smoke_run_fails_on_a_layout_that_does_not_exist(tmp_path: Path) -> None:
    result = _run("--smoke", "--data-dir", str(tmp_path), "--layout", "nosuch")
    assert result.returncode == 2 and "SMOKE OK" not in result.stdout
    assert "SMOKE FAILED: There is no layout named 'nosuch'" in result.stderr and "Traceback" not in result.stderr


def test_command_line_validation() -> None:
    assert parse_args([]).provider is None
    with pytest.raises(SystemExit):
        parse_args(["--speed", "5000"])
    with pytest.raises(SystemExit):
        parse_args(["--provider", "nope"])
    with pytest.raises(SystemExit):
        parse_args(["--screenshot", "x.png"])
    args = parse_args(["--speed", "60", "--layout", "options", "--smoke"])
    assert (args.speed, args.layout, args.smoke) == (60.0, "options", True)


def _start_until_autosaved(data_dir: Path, prefix: tuple[str, ...] = (), env: dict | None = None) -> subprocess.Popen:
    """The app running on ``data_dir`` (under ``prefix``, e.g. xvfb-run) once it has autosaved
    its working layout."""
    proc = subprocess.Popen([*prefix, sys.executable, "-m", "app", "--data-dir", str(data_dir), "--speed", "100"],
                            cwd=REPO, env=env or ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = data_dir / DB_FILENAME
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the working layout is autosaved within seconds
        try:
            with closing(sqlite3.connect(db)) as conn:  # closed at once: the app is the last to close the WAL
                if conn.execute("SELECT 1 FROM layouts WHERE name='__session__'").fetchone():
                    return proc
        except sqlite3.Error:
            pass
        time.sleep(0.5)
    proc.kill()
    proc.wait()
    pytest.fail("the app never autosaved its layout")


@pytest.mark.slow
def test_killing_the_running_app_keeps_watchlists_and_the_layout(tmp_path: Path) -> None:
    from data.store import watchlists as wl
    from data.store.database import Store

    store = Store.open(tmp_path)
    wid = store.run_sync(lambda s: wl.create_watchlist(s, "Keep me")).id
    store.run_sync(lambda s: wl.add_symbol(s, wid, "COST"))
    store.close()
    proc = _start_until_autosaved(tmp_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    store = Store.open(tmp_path)
    try:
        lists = {w.name: w.symbols for w in store.run_sync(wl.list_watchlists)}
        assert lists["Keep me"] == ("COST",)
        assert sqlite3.connect(tmp_path / DB_FILENAME).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_quits_the_orderly_way(tmp_path: Path) -> None:
    proc = _start_until_autosaved(tmp_path)
    os.kill(proc.pid, signal.SIGTERM)  # logout, shutdown, `kill`
    try:
        assert proc.wait(timeout=30) == 0  # not killed by the signal (-15): shut down and exited
    finally:
        if proc.poll() is None:
            proc.kill()
    log = (tmp_path / "logs" / "ai-coach.log").read_text()
    assert "SIGTERM received: quitting" in log and "Traceback" not in log
    assert not (tmp_path / (DB_FILENAME + "-wal")).exists()  # the database was closed (checkpointed)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xvfb-run") is None or shutil.which("pgrep") is None,
                    reason="needs Xvfb (xvfb-run) for a display that can go away")
def test_losing_the_display_closes_the_database_cleanly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}  # a real X server, not offscreen
    proc = _start_until_autosaved(tmp_path, ("xvfb-run", "-a"), env)
    try:
        server = subprocess.run(["pgrep", "-P", str(proc.pid), "-x", "Xvfb"], capture_output=True, text=True)
        os.kill(int(server.stdout.split()[0]), signal.SIGKILL)  # the X server dies under the app
        assert proc.wait(timeout=30) != 0  # Qt quits at once when its display is gone
    finally:
        if proc.poll() is None:
            proc.kill()
    log = (tmp_path / "logs" / "ai-coach.log").read_text()
    assert "display connection lost" in log and "Traceback" not in log
    assert not (tmp_path / (DB_FILENAME + "-wal")).exists()  # closed, checkpointed
    with closing(sqlite3.connect(tmp_path / DB_FILENAME)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
