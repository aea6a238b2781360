"""Simulated market time for the demo market and replays: adjustable speed, pause, jumps."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

MIN_SPEED, MAX_SPEED = 1.0, 1000.0


class SimClock:
    """``now() = start + wall elapsed × speed`` unless paused; ``wall`` is injectable for tests.

    Every change re-bases the clock at the current simulated moment, so a new speed or a resume
    continues from where time stood instead of jumping.
    """

    simulated = True

    def __init__(self, start: datetime, speed: float = 1.0, wall: Callable[[], float] = time.monotonic) -> None:
        if start.tzinfo is None:
            raise ValueError("SimClock needs an aware start time")
        self._wall = wall
        self._speed = _valid_speed(speed)
        self._base_sim = start.astimezone(UTC)
        self._base_wall = wall()
        self._paused = False

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def paused(self) -> bool:
        return self._paused

    def now(self) -> datetime:
        if self._paused:
            return self._base_sim
        return self._base_sim + timedelta(seconds=(self._wall() - self._base_wall) * self._speed)

    def jump_to(self, moment: datetime) -> None:
        """Continue from ``moment`` (a paused clock stays paused there)."""
        self._base_sim = moment.astimezone(UTC)
        self._base_wall = self._wall()

    def set_speed(self, speed: float) -> None:
        self.jump_to(self.now())
        self._speed = _valid_speed(speed)

    def pause(self) -> None:
        self.jump_to(self.now())
        self._paused = True

    def resume(self) -> None:
        self._paused = False
        self.jump_to(self._base_sim)


def _valid_speed(speed: float) -> float:
    if not (MIN_SPEED <= float(speed) <= MAX_SPEED):
        raise ValueError(f"speed must be between {MIN_SPEED:g}x and {MAX_SPEED:g}x, got {speed}")
    return float(speed)
