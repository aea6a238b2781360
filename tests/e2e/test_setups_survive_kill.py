"""Tracked setups survive kill -9: the demo market at 200x detects, tracks and moves setups in a
child process that is killed mid-stream; the store then holds every transition the child
reported, each setup's status matches its last event, and a second run repeats none."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from data.store import setups as repo
from data.store.database import Store
from tests.conftest import REPO

_CHILD = """
import asyncio, sys
from pathlib import Path
from app.core.engine import Engine, EngineConfig
from app.core.events import SetupTransitioned

async def main():
    engine = Engine(EngineConfig(Path(sys.argv[1]), speed=200))
    engine.bus.subscribe(SetupTransitioned, lambda e: print("moved", e.setup.id, e.setup.status, flush=True))
    await engine.start()
    while True:
        await asyncio.sleep(1)

asyncio.run(main())
"""


def _run_until(data_dir: Path, moves_wanted: int, limit_s: float) -> list[tuple[int, str]]:
    """Run the child until it reported ``moves_wanted`` transitions (or ``limit_s`` passed), then kill -9."""
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(data_dir)], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    moves: list[tuple[int, str]] = []
    deadline = time.monotonic() + limit_s
    try:
        while len(moves) < moves_wanted and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 0.5)
            if ready and (line := proc.stdout.readline()).startswith("moved"):
                _, setup_id, status = line.split()
                moves.append((int(setup_id), status))
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    return moves


def _stored(data_dir: Path):
    store = Store.open(data_dir)
    try:
        return store.run_sync(repo.list_setups)
    finally:
        store.close()


@pytest.mark.slow
def test_a_killed_session_keeps_every_reported_transition_and_a_restart_repeats_none(tmp_path: Path) -> None:
    from tests.ui.test_setups_panels import start_demo_mid_session

    start_demo_mid_session(tmp_path)  # four hours of session ahead (~70 s at 200x), whatever the real time
    first = _run_until(tmp_path, moves_wanted=3, limit_s=90)
    assert first, "the demo market at 200x moved no tracked setup within 90 s"
    setups = {s.id: s for s in _stored(tmp_path)}
    for setup_id, status in first:  # stored before it was published
        assert status in [e.status for e in setups[setup_id].events]
    _run_until(tmp_path, moves_wanted=3, limit_s=30)  # a second session on the same store, killed too
    for setup in _stored(tmp_path):
        steps = [e.status for e in setup.events if e.status != "noted"]
        assert steps[-1] == setup.status, (setup.id, steps)
        repeated = [s for s, n in Counter(steps).items() if n > 1]
        assert not repeated, (setup.id, steps)
