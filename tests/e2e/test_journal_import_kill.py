"""A journal import killed at any moment stores the whole file or none of it, and importing the file
again completes it (the fills of one file are one transaction)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bench.bench_journal_import import SOURCE, generate
from tests.conftest import REPO

needs_exports = pytest.mark.skipif(not SOURCE.exists(),
                                   reason="../shared/data/broker_exports not present (plain clone)")


def _count(data_dir: Path) -> int:
    db = next(data_dir.glob("*.sqlite3"), None)
    if db is None:
        return 0
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute("SELECT COUNT(*) FROM executions").fetchone()[0]
        except sqlite3.OperationalError:  # killed before the schema was made
            return 0


@pytest.mark.slow
@needs_exports
def test_a_killed_import_stores_all_or_nothing_and_a_second_run_completes_it(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    generate(path, 5_000)
    data_dir = tmp_path / "data"
    command = [sys.executable, "-m", "app", "import", str(path), "--data-dir", str(data_dir)]
    for delay in (0.6, 1.0, 1.4, 1.8):  # kill at several moments of the run
        proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert _count(data_dir) in (0, 5_000)
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert _count(data_dir) == 5_000
