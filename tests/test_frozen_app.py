"""The frozen app (PyInstaller one-folder build) starts, migrates a new database and paints."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from data.store.database import SCHEMA_HEAD
from tests.conftest import REPO

FROZEN = REPO / "dist" / "ai-coach" / ("ai-coach.exe" if sys.platform == "win32" else "ai-coach")


@pytest.mark.slow
def test_frozen_app_builds_and_passes_the_smoke_run(tmp_path: Path) -> None:
    build = subprocess.run([sys.executable, str(REPO / "packaging" / "build.py"), "--no-archive"], cwd=REPO,
                           capture_output=True, text=True, timeout=1200)
    if build.returncode == 2 and "kernels are not built" in build.stderr:
        pytest.skip("no C compiler here: the frozen app needs the compiled indicator kernels")
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    size_line = next(line for line in build.stdout.splitlines() if line.startswith("bundle:"))
    print(size_line)
    if sys.platform.startswith("linux"):
        megabytes = int(size_line.rsplit("—", 1)[1].split()[0])
        assert megabytes < 200, f"the Linux one-folder bundle grew past its 200 MB budget: {size_line}"
    data_dir = tmp_path / "data"
    run = subprocess.run([str(FROZEN), "--smoke", "--data-dir", str(data_dir), "--layout", "options"],
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, capture_output=True, text=True,
                         timeout=180)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "SMOKE OK provider=demo panels=" in run.stdout
    db = data_dir / "ai-coach.sqlite3"
    with sqlite3.connect(db) as conn:
        assert conn.execute("select version_num from alembic_version").fetchone()[0] == SCHEMA_HEAD
        assert conn.execute("select count(*) from watchlists").fetchone()[0] >= 1
