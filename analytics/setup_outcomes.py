"""How a detection played out on the bars after it: the track record behind every hit rate.

Rule: the trade is taken at the detection's entry when its bar closes, then the bars after it in
the same session are read in order. A bar that reaches the stop (a long's low at or below it) is
a **stop**; one that reaches the first target (a long's high at or above it) is a **target**; a
bar that reaches both counts as a stop (the bars do not say which came first, so we assume the
worse). Neither by the session's last bar: **open**, closed out at that bar's close. R is the
result in units of the detection's risk (target: its reward-to-risk; stop: −1; open: the
close-out's distance from entry over the risk).

``HitRate`` = targets / every detection (open ones count as misses), as Trade Ideas' OddsMaker
counts a trade that neither wins nor loses by the close.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from analytics.detections import Detection, HitRate
from analytics.detectors.session_bars import SessionBars

TARGET, STOP, OPEN = "target", "stop", "open"


@dataclass(frozen=True, slots=True)
class Outcome:
    result: str  # target / stop / open
    r: float  # in units of the detection's risk
    exit_index: int  # the bar it was decided on (the session's last bar when open)


@dataclass(frozen=True, slots=True)
class TrackRecord:
    fired: int
    targets: int
    stops: int
    open: int
    average_r: float  # nan without detections

    @property
    def hit_rate(self) -> HitRate:
        return HitRate(self.fired, self.targets)


def outcome(detection: Detection, bars: SessionBars) -> Outcome | None:
    """How ``detection`` (found on ``bars``) ended; None when its bar is the session's last."""
    i = detection.bar_index
    risk = detection.risk
    if not 0 <= i < len(bars) or risk <= 0 or not detection.targets:
        return None
    after = np.flatnonzero((bars.day[i + 1:] == bars.day[i]) & bars.regular[i + 1:]) + i + 1
    if not len(after):
        return None
    target = detection.targets[0]
    if detection.direction == "long":
        stopped, reached = bars.low[after] <= detection.stop, bars.high[after] >= target
    else:
        stopped, reached = bars.high[after] >= detection.stop, bars.low[after] <= target
    first_stop = int(np.argmax(stopped)) if stopped.any() else len(after)
    first_target = int(np.argmax(reached)) if reached.any() else len(after)
    if first_stop < len(after) and first_stop <= first_target:
        return Outcome(STOP, -1.0, int(after[first_stop]))
    if first_target < len(after):
        return Outcome(TARGET, abs(target - detection.entry) / risk, int(after[first_target]))
    last = int(after[-1])
    sign = 1.0 if detection.direction == "long" else -1.0
    return Outcome(OPEN, sign * (float(bars.close[last]) - detection.entry) / risk, last)


def track_records(detections: list[Detection], bars: SessionBars) -> dict[str, TrackRecord]:
    """Per detector: how its detections on ``bars`` ended (those on a session's last bar are left out)."""
    results: dict[str, list[Outcome]] = defaultdict(list)
    for detection in detections:
        found = outcome(detection, bars)
        if found is not None:
            results[detection.detector].append(found)
    return {name: _record(items) for name, items in results.items()}


def _record(items: list[Outcome]) -> TrackRecord:
    count = {r: sum(1 for o in items if o.result == r) for r in (TARGET, STOP, OPEN)}
    average = sum(o.r for o in items) / len(items) if items else math.nan
    return TrackRecord(len(items), count[TARGET], count[STOP], count[OPEN], average)
