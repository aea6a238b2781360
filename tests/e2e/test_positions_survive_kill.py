"""Positions survive kill -9: a child process opens positions and acts on them on the demo market
while the test kills it at once; every action it reported is in the store, each event whole (its
fills and cash), and the open legs are exactly what the events add up to."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from data.store import positions as repo
from data.store.database import Store
from tests.conftest import REPO

_CHILD = """
import asyncio, sys
from pathlib import Path
from analytics.positions import stock_leg
from app.core.engine import Engine, EngineConfig
from app.core.positions.service import PositionsService

async def main():
    engine = Engine(EngineConfig(Path(sys.argv[1]), speed=10))
    await engine.start()
    service = engine.service(PositionsService)
    i = 0
    while True:
        p = await service.open("AAPL", (stock_leg("AAPL", 100 + i, 270.0 + i / 100),), strategy="shares")
        print("opened", p.id, flush=True)
        p = await service.close_position(p.id, prices={"AAPL": 271.0}, quantities={"AAPL": 50})
        print("partly_closed", p.id, flush=True)
        i += 1

asyncio.run(main())
"""


def _run_and_kill(data_dir: Path, actions_wanted: int, limit_s: float) -> list[tuple[str, int]]:
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(data_dir)], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    actions: list[tuple[str, int]] = []
    deadline = time.monotonic() + limit_s
    try:
        while len(actions) < actions_wanted and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 0.5)
            if ready and (line := proc.stdout.readline()).split()[:1] in (["opened"], ["partly_closed"]):
                kind, position_id = line.split()
                actions.append((kind, int(position_id)))
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    return actions


@pytest.mark.slow
def test_a_killed_session_keeps_every_reported_action_and_legs_match_their_events(tmp_path: Path) -> None:
    reported = _run_and_kill(tmp_path, actions_wanted=40, limit_s=90)
    assert len(reported) >= 10, "the child reported too few actions to kill it mid-stream"
    store = Store.open(tmp_path)
    try:
        stored = {p.id: p for p in store.run_sync(repo.list_positions)}
    finally:
        store.close()
    for kind, position_id in reported:  # committed before it was reported
        assert kind in [e.kind for e in stored[position_id].events]
    for position in stored.values():
        held: dict[str, int] = defaultdict(int)
        for event in position.events:
            assert event.fills, event  # every event whole: its fills stored with it
            for fill in event.fills:
                held[fill.symbol] += fill.quantity
        assert {leg.symbol: leg.quantity for leg in position.legs} == {s: q for s, q in held.items() if q}
