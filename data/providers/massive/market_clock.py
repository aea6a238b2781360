"""Live market time for Massive: the PC's clock, corrected by the feed when the two plainly disagree.

A PC clock minutes off would close quiet bars early or late and ask REST for the wrong times.
Every stream event carries Massive's own time; the median of the newest samples of (event time -
PC time) is the PC's error minus the feed's latency (well under a second). Only an error beyond
``TRUST_S`` is corrected, so a right PC clock is used as it is and one odd timestamp moves nothing.
A delayed feed's events are 15 minutes old by design: it keeps the PC's clock.
"""

from __future__ import annotations

import statistics
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime

SAMPLES = 31  # newest events the median is taken over
MIN_SAMPLES = 5
TRUST_S = 5.0  # a smaller disagreement is latency and stamp rounding, not a wrong PC clock


class MarketClock:
    """Never simulated or paused; ``offset`` (seconds) is added to the PC's clock."""

    speed = 1.0
    simulated = False
    paused = False

    def __init__(self, wall: Callable[[], float] = time.time, *, follow_feed: bool = True) -> None:
        self._wall = wall
        self._follow = follow_feed
        self._samples: deque[float] = deque(maxlen=SAMPLES)
        self.offset = 0.0

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._wall() + self.offset, UTC)

    def observe(self, event_ts: float) -> None:
        """A live event stamped ``event_ts`` (UTC seconds) just arrived."""
        if not self._follow:
            return
        self._samples.append(event_ts - self._wall())
        if len(self._samples) >= MIN_SAMPLES:
            error = statistics.median(self._samples)
            self.offset = error if abs(error) > TRUST_S else 0.0
