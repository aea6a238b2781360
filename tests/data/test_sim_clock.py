"""The one simulated clock of the demo market and replays: speed, pause, jumps, on a fake wall."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from data.providers.sim_clock import SimClock, save_time, saved_time

START = datetime(2026, 11, 25, 15, tzinfo=UTC)


class Wall:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_time_runs_at_the_speed_and_a_new_speed_continues_from_now() -> None:
    wall = Wall()
    clock = SimClock(START, 60.0, wall)
    assert clock.simulated and not clock.paused and clock.speed == 60.0
    wall.t += 10
    assert clock.now() == START + timedelta(minutes=10)
    clock.set_speed(1.0)
    wall.t += 10
    assert clock.now() == START + timedelta(minutes=10, seconds=10)


def test_pause_freezes_time_and_resume_continues_without_a_jump() -> None:
    wall = Wall()
    clock = SimClock(START, 60.0, wall)
    wall.t += 1
    clock.pause()
    wall.t += 100
    assert clock.paused and clock.now() == START + timedelta(minutes=1)
    clock.jump_to(START + timedelta(hours=1))  # a jump keeps a paused clock paused
    wall.t += 100
    assert clock.paused and clock.now() == START + timedelta(hours=1)
    clock.resume()
    wall.t += 1
    assert not clock.paused and clock.now() == START + timedelta(hours=1, minutes=1)


def test_bad_start_or_speed_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        SimClock(datetime(2026, 11, 25, 15))
    with pytest.raises(ValueError, match="between 1x and 1000x"):
        SimClock(START, 0.5)
    with pytest.raises(ValueError, match="between"):
        SimClock(START).set_speed(5000)


def test_the_simulated_time_survives_in_a_small_file(tmp_path) -> None:
    path = tmp_path / "sub" / "demo_clock.json"
    assert saved_time(path) is None  # a first run
    moment = datetime(2026, 11, 27, 14, 38, 5, tzinfo=UTC)
    save_time(path, moment)
    assert saved_time(path) == moment and not list(path.parent.glob("*.tmp"))
    for junk in ("", "{}", '{"simulated_time": "yesterday"}', '{"simulated_time": "2026-11-27T14:38:05"}'):
        path.write_text(junk, encoding="utf-8")
        assert saved_time(path) is None  # unreadable or naive: start as on a first run
