"""The engine started on a replay file it cannot read runs the demo market and records why, as the
notification the window shows (a smoke run turns the same reason into a non-zero exit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.engine import Engine, EngineConfig
from app.core.notifications import NotificationService
from tests.data.test_recording_files import CRAFTED


@pytest.mark.parametrize("name, data, problem", [
    ("SPY_1min.parquet", CRAFTED, "SPY_1min.parquet is not a readable Parquet file"),
    ("SPY_1min.csv", b"datetime,open,high,low,close,\n2026-01-02 09:30,x,y,z,w,\n", "SPY_1min.csv: no valid bars"),
    ("SPY_1min.csv", b"\x00\x01\x02", "SPY_1min.csv holds binary data"),
])
async def test_a_bad_replay_file_gives_the_demo_market_and_a_notification(tmp_path: Path, name: str, data: bytes,
                                                                          problem: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    engine = Engine(EngineConfig(tmp_path / "data", provider="replay", provider_args=(("replay_file", path),)))
    await engine.start()
    try:
        assert engine.config.provider == "demo"
        notes = await engine.service(NotificationService).recent(5)
        provider_notes = [n for n in notes if n.kind == "provider"]
        assert len(provider_notes) == 1 and problem in provider_notes[0].message
        assert provider_notes[0].message.endswith("Running on the demo market.")
    finally:
        await engine.stop()
