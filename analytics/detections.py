"""What every setup detector returns: a ``Detection`` — a full trade plan decided on one closed
bar (entry, stop, one or two targets, risk:reward), a confidence in [0, 1] built from named
components, the evidence a trader would accept, and beside it (filled in by the service from
stored history) the detector's measured hit rate with a Wilson 95 % interval, hidden below
``MIN_CASES`` cases as Trade Ideas' OddsMaker and edgeful show odds."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

MIN_CASES = 30  # fewer cases than this: the hit rate is not shown


@dataclass(frozen=True, slots=True)
class ConfidencePart:
    name: str  # e.g. "volume": breakout volume against the range's
    value: float  # in [0, 1]
    weight: float  # the parts' weights sum to 1


@dataclass(frozen=True, slots=True)
class HitRate:
    """How often this detector reached its first target before its stop on this symbol's history."""

    cases: int
    hits: int

    @property
    def rate(self) -> float:
        return self.hits / self.cases if self.cases else math.nan

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.hits, self.cases)

    @property
    def shown(self) -> bool:
        return self.cases >= MIN_CASES


@dataclass(frozen=True, slots=True)
class Detection:
    symbol: str
    detector: str  # the module's name, e.g. "opening_range_breakout"
    direction: str  # "long" or "short"
    time: int  # UTC epoch seconds of the close of the bar it was decided on
    entry: float
    stop: float
    targets: tuple[float, ...]  # one or two, nearest first
    confidence: float  # in [0, 1]: the weighted parts
    parts: tuple[ConfidencePart, ...]
    evidence: str  # one plain sentence
    levels: dict[str, float] = field(default_factory=dict)  # the levels used, by name
    bar_index: int = -1  # the bar it was decided on, in the bars given
    hit_rate: HitRate | None = None

    @property
    def risk(self) -> float:
        return abs(self.entry - self.stop)

    @property
    def risk_reward(self) -> float:
        """Reward to the first target per unit of risk."""
        return abs(self.targets[0] - self.entry) / self.risk if self.targets and self.risk > 0 else math.nan


def weighted_confidence(parts: tuple[ConfidencePart, ...]) -> float:
    total = sum(p.weight for p in parts)
    if total <= 0:
        return 0.0
    return min(1.0, max(0.0, sum(p.weight * min(1.0, max(0.0, p.value)) for p in parts) / total))


def wilson_interval(hits: int, cases: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval for a proportion (95 % by default); (nan, nan) without cases."""
    if cases <= 0:
        return math.nan, math.nan
    p = hits / cases
    denominator = 1 + z * z / cases
    centre = (p + z * z / (2 * cases)) / denominator
    half = z * math.sqrt(p * (1 - p) / cases + z * z / (4 * cases * cases)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)
