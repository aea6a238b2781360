"""How a stock moved on its past earnings reports, from daily bars: gap and close-to-close.

For each report the **before** close and the **reaction** session are chosen by its timing:

* after the close (AMC): the report date's close → the next session (its open: the gap; its
  close: the day's move);
* before the open (BMO): the previous session's close → the report date's session;
* unknown: as AMC (most US reports are after the close), and the row says it was assumed.

Sessions are found by their **dates** (the bar whose New York date is the report date), never by
a bar's position in a window: a data set may put the report date at the end of the "pre" bars or
at the start of the "post" ones. A report with no bar near it (a gap in the data, a session not
yet closed) is left out; ``last_complete`` drops a bar still being built (today's, a partial
snapshot).

Moves are in percent of the before close. **Implied vs realised**: the mean and median absolute
move, and how often the close move exceeded the implied move — the implied move each report
had when known (stored from the day before), else today's, and the summary says which.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np

from analytics.event_vol import AMC, BMO
from analytics.option_time import ET
from data.models import Bars

MAX_GAP_DAYS = 5  # calendar days between the before and reaction bars (a long weekend); more: missing data


@dataclass(frozen=True, slots=True)
class EarningsMove:
    report_date: date
    timing: str  # amc / bmo / unknown (as given)
    assumed: bool  # the timing was unknown and the AMC rule was used
    before_date: date  # the session whose close is "before"
    reaction_date: date
    close_before: float
    open_after: float
    close_after: float
    implied_pct: float | None = None  # the implied move the report had (percent), when known

    @property
    def gap_pct(self) -> float:
        return 100.0 * (self.open_after / self.close_before - 1.0)

    @property
    def close_pct(self) -> float:
        return 100.0 * (self.close_after / self.close_before - 1.0)

    @property
    def exceeded(self) -> bool | None:
        """The close move was larger than the implied move (None when none is known)."""
        return None if self.implied_pct is None else abs(self.close_pct) > self.implied_pct


def bar_dates(bars: Bars) -> np.ndarray:
    """The New York session date of each daily bar (``datetime64[D]``)."""
    return np.array([datetime.fromtimestamp(int(t), UTC).astimezone(ET).date() for t in bars.ts],
                    dtype="datetime64[D]")


def historical_moves(bars: Bars, events: Sequence[tuple[date, str]], *, implied: Mapping[date, float] | None = None,
                     last_complete: date | None = None) -> list[EarningsMove]:
    """One ``EarningsMove`` per (report date, timing) that the bars cover, newest first;
    ``implied`` maps a report date to the implied move it had (percent)."""
    days = bar_dates(bars)
    keep = np.isfinite(bars.open) & np.isfinite(bars.close) & (bars.close > 0)
    if last_complete is not None:
        keep &= days <= np.datetime64(last_complete, "D")
    idx = np.flatnonzero(keep)
    order = idx[np.argsort(days[idx], kind="stable")]
    days, opens, closes = days[order], bars.open[order], bars.close[order]
    implied = implied or {}
    out = []
    for report, timing in sorted(set(events), reverse=True):
        pair = _sessions(days, report, timing)
        if pair is None:
            continue
        b, a = pair
        out.append(EarningsMove(report, timing, timing not in (AMC, BMO), days[b].item(), days[a].item(),
                                float(closes[b]), float(opens[a]), float(closes[a]), implied.get(report)))
    return out


def _sessions(days: np.ndarray, report: date, timing: str) -> tuple[int, int] | None:
    """Indices of the before and reaction bars, or None when the bars do not cover the report."""
    d = np.datetime64(report, "D")
    if timing == BMO:
        a = int(np.searchsorted(days, d, side="left"))  # first session on or after the report date
        b = a - 1
    else:
        b = int(np.searchsorted(days, d, side="right")) - 1  # last session on or before it
        a = b + 1
    if b < 0 or a >= len(days):
        return None
    near = (days[a] - d).astype(int) <= MAX_GAP_DAYS and (d - days[b]).astype(int) <= MAX_GAP_DAYS
    span = (days[a] - days[b]).astype(int) <= MAX_GAP_DAYS
    return (b, a) if near and span else None


@dataclass(frozen=True, slots=True)
class MoveSummary:
    count: int
    mean_abs_close_pct: float
    median_abs_close_pct: float
    mean_abs_gap_pct: float
    median_abs_gap_pct: float
    max_abs_close_pct: float
    up: int  # reports that closed higher
    compared: int  # reports with an implied move to compare with
    exceeded: int  # of those, how many moved more than it
    basis: str  # "implied move at each report" / "today's implied move" / "" (nothing to compare)

    @property
    def exceeded_rate(self) -> float:
        return self.exceeded / self.compared if self.compared else math.nan


def summarize(moves: Sequence[EarningsMove], last: int | None = 8, current_implied_pct: float | None = None
              ) -> MoveSummary:
    """Statistics of the ``last`` most recent moves (all with None). Exceedance: against each
    report's own implied move where every report has one, else against ``current_implied_pct``."""
    recent = sorted(moves, key=lambda m: m.report_date, reverse=True)
    recent = recent[:last] if last is not None else recent
    close = np.abs([m.close_pct for m in recent])
    gap = np.abs([m.gap_pct for m in recent])
    if recent and all(m.implied_pct is not None for m in recent):
        thresholds, basis = [m.implied_pct for m in recent], "implied move at each report"
    elif current_implied_pct is not None and math.isfinite(current_implied_pct) and recent:
        thresholds, basis = [current_implied_pct] * len(recent), "today's implied move"
    else:
        thresholds, basis = [], ""
    exceeded = int(np.sum(close > np.asarray(thresholds))) if thresholds else 0
    return MoveSummary(len(recent), _stat(np.mean, close), _stat(np.median, close), _stat(np.mean, gap),
                       _stat(np.median, gap), _stat(np.max, close), sum(m.close_pct > 0 for m in recent),
                       len(thresholds), exceeded, basis)


def _stat(fn, values: np.ndarray) -> float:
    return float(fn(values)) if len(values) else math.nan
