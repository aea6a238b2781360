"""Simulated market time for the demo market and replays: adjustable speed, pause, jumps, and
a small file that keeps the simulated moment between runs (``saved_time``/``save_time``)."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

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


def saved_time(path: Path) -> datetime | None:
    """The simulated moment a previous run saved in ``path``; None when there is none (first
    run) or the file is unreadable (then the clock starts as on a first run, and says why)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("cannot read the saved simulated time in %s: %s", path, exc)
        return None
    try:
        moment = datetime.fromisoformat(json.loads(text)["simulated_time"])
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring the saved simulated time in %s (%s)", path, exc)
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None


def save_time(path: Path, moment: datetime) -> None:
    """Write ``moment`` to ``path`` atomically (a killed app leaves the previous file, never half
    of one); a failure is logged, not raised: losing the resume point must not stop the market."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps({"simulated_time": moment.astimezone(UTC).isoformat()}), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot save the simulated time to %s: %s", path, exc)
        with contextlib.suppress(OSError):
            tmp.unlink()
