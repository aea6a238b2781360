"""Simulated market clock: real session calendar, adjustable speed (1x … 1000x)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

MIN_SPEED, MAX_SPEED = 1.0, 1000.0


class SimClock:
    """``now() = start + (wall elapsed) × speed``; ``wall`` is injectable for tests."""

    def __init__(self, start: datetime, speed: float = 1.0,
                 wall: Callable[[], float] = time.monotonic) -> None:
        if start.tzinfo is None:
            raise ValueError("SimClock needs an aware start time")
        self._wall = wall
        self._speed = validate_speed(speed)
        self._base_sim = start.astimezone(UTC)
        self._base_wall = wall()

    @property
    def speed(self) -> float:
        return self._speed

    def now(self) -> datetime:
        return self._base_sim + timedelta(seconds=(self._wall() - self._base_wall) * self._speed)

    def set_speed(self, speed: float) -> None:
        self.jump_to(self.now())
        self._speed = validate_speed(speed)

    def jump_to(self, moment: datetime) -> None:
        self._base_sim = moment.astimezone(UTC)
        self._base_wall = self._wall()


def validate_speed(speed: float) -> float:
    if not (MIN_SPEED <= float(speed) <= MAX_SPEED):
        raise ValueError(f"speed must be between {MIN_SPEED:g}x and {MAX_SPEED:g}x, got {speed}")
    return float(speed)
