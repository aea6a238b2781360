"""Make provider bars safe to draw: sorted by time, one bar per timestamp, finite OHLC with
high ≥ max(open, close) ≥ min(open, close) ≥ low. Rows that fail are dropped and counted."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.models import Bars


@dataclass(frozen=True, slots=True)
class CleanReport:
    received: int
    unsorted: bool
    duplicates: int  # same timestamp: the last one received wins
    invalid: int  # non-finite or inconsistent OHLC

    @property
    def dropped(self) -> int:
        return self.duplicates + self.invalid


def clean_bars(bars: Bars) -> tuple[Bars, CleanReport]:
    n = len(bars)
    order = np.argsort(bars.ts, kind="stable")
    unsorted = bool(n and np.any(order != np.arange(n)))
    ts = bars.ts[order]
    # keep the last of each run of equal timestamps
    last_of_run = np.r_[ts[1:] != ts[:-1], True] if n else np.empty(0, bool)
    keep_idx = order[last_of_run]
    o, h, l, c = (getattr(bars, k)[keep_idx] for k in ("open", "high", "low", "close"))
    v = np.nan_to_num(bars.volume[keep_idx], nan=0.0, posinf=0.0, neginf=0.0)
    with np.errstate(invalid="ignore"):
        valid = (np.isfinite(o) & np.isfinite(h) & np.isfinite(l) & np.isfinite(c)
                 & (h >= np.maximum(o, c)) & (l <= np.minimum(o, c)) & (l > 0))
    cleaned = Bars(bars.symbol, bars.timeframe, bars.ts[keep_idx][valid], o[valid], h[valid], l[valid],
                   c[valid], v[valid])
    return cleaned, CleanReport(n, unsorted, int(n - len(keep_idx)), int((~valid).sum()))
