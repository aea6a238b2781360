"""How much a symbol moved on past days of each macro event kind, against its ordinary days.

From daily bars: the absolute open→close move (``|close/open − 1|``) and close→close move
(``|close/previous close − 1|``), in percent, on the sessions of each kind's events, and on
*ordinary* days (sessions with no high- or medium-impact event at all). Each kind's row has the
number of its days found in the bars, the mean and median of both moves, and each mean as a
multiple of the ordinary days' mean. Days are ET market dates as ``date.toordinal()`` integers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

ORDINARY = "ordinary"


@dataclass(frozen=True, slots=True)
class ImpactRow:
    kind: str  # an event kind, or "ordinary"
    n: int  # the kind's sessions found in the bars
    mean_oc: float  # mean |open→close| %, NaN without days
    median_oc: float
    mean_cc: float  # mean |close→close| % (the first bar has no previous close)
    median_cc: float
    ratio_oc: float  # mean_oc / the ordinary days' mean_oc (NaN when either is missing)
    ratio_cc: float


def daily_moves(days: np.ndarray, open_: np.ndarray, close: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(days sorted, |open→close| %, |close→close| %); unusable prices give NaN."""
    order = np.argsort(np.asarray(days, dtype=np.int64), kind="stable")
    d = np.asarray(days, dtype=np.int64)[order]
    o, c = np.asarray(open_, dtype=float)[order], np.asarray(close, dtype=float)[order]
    o, c = np.where(np.isfinite(o) & (o > 0), o, np.nan), np.where(np.isfinite(c) & (c > 0), c, np.nan)
    oc = np.abs(c / o - 1.0) * 100.0
    cc = np.full(len(c), np.nan)
    cc[1:] = np.abs(c[1:] / c[:-1] - 1.0) * 100.0
    return d, oc, cc


def _stats(values: np.ndarray) -> tuple[float, float]:
    v = values[np.isfinite(values)]
    return (float(v.mean()), float(np.median(v))) if len(v) else (math.nan, math.nan)


def _ratio(value: float, base: float) -> float:
    return value / base if math.isfinite(value) and math.isfinite(base) and base > 0 else math.nan


def _row(kind: str, mask: np.ndarray, oc: np.ndarray, cc: np.ndarray, base: ImpactRow | None) -> ImpactRow:
    mean_oc, median_oc = _stats(oc[mask])
    mean_cc, median_cc = _stats(cc[mask])
    ratio_oc = _ratio(mean_oc, base.mean_oc) if base else 1.0 if math.isfinite(mean_oc) else math.nan
    ratio_cc = _ratio(mean_cc, base.mean_cc) if base else 1.0 if math.isfinite(mean_cc) else math.nan
    return ImpactRow(kind, int(mask.sum()), mean_oc, median_oc, mean_cc, median_cc, ratio_oc, ratio_cc)


def macro_impact(days: np.ndarray, open_: np.ndarray, close: np.ndarray, events: Mapping[str, Iterable[int]],
                 busy: Iterable[int]) -> tuple[list[ImpactRow], ImpactRow]:
    """(a row per kind of ``events`` in its order, the ordinary days' row). ``events`` maps a kind
    to its days; ``busy`` is every day with a high- or medium-impact event (not ordinary)."""
    d, oc, cc = daily_moves(days, open_, close)
    ordinary = _row(ORDINARY, ~np.isin(d, np.fromiter(busy, dtype=np.int64)), oc, cc, None)
    rows = [_row(kind, np.isin(d, np.fromiter(set(kind_days), dtype=np.int64)), oc, cc, ordinary)
            for kind, kind_days in events.items()]
    return rows, ordinary
