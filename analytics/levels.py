"""Key price levels of a session: prior day H/L/C, pre-market H/L, classic pivots, opening
range and session VWAP — computed from one symbol's 1-minute (or any intraday) bars — and the
prior week's H/L/C and pivots from daily bars.

Each day's regular session comes in as [open, close) minutes of the ET day (``SessionHours``,
built by the core from the exchange calendar), never assumed 09:30–16:00: after a half day
(13:00 close) the prior close is the 12:59 bar's, not an after-hours print at 15:59.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.indicators import opening_range, vwap
from data.market_calendar import REGULAR_CLOSE_MINUTE, REGULAR_OPEN_MINUTE

Minutes = int | np.ndarray  # one minute of the ET day for every bar, or one per bar


@dataclass(frozen=True, slots=True)
class SessionHours:
    """The regular session of each listed ET day (day ordinals since 1970-01-01, sorted) as
    [open, close) minutes of the ET day. A day without a session has open == close == 0 (no
    regular and no pre-market minutes); a day not listed keeps 09:30–16:00."""

    days: np.ndarray
    open_minute: np.ndarray
    close_minute: np.ndarray

    @classmethod
    def regular(cls) -> SessionHours:
        """No days listed: every day 09:30–16:00."""
        none = np.empty(0, np.int64)
        return cls(none, none, none)

    def per_bar(self, ts_day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(open, close) minute of each bar's day."""
        opens = np.full(len(ts_day), REGULAR_OPEN_MINUTE, np.int64)
        closes = np.full(len(ts_day), REGULAR_CLOSE_MINUTE, np.int64)
        if not len(self.days) or not len(ts_day):
            return opens, closes
        i = np.minimum(np.searchsorted(self.days, ts_day), len(self.days) - 1)
        found = self.days[i] == ts_day
        opens[found], closes[found] = self.open_minute[i[found]], self.close_minute[i[found]]
        return opens, closes


@dataclass(frozen=True, slots=True)
class Pivots:
    p: float
    r1: float
    r2: float
    r3: float
    s1: float
    s2: float
    s3: float


def classic_pivots(high: float, low: float, close: float) -> Pivots:
    """Floor-trader pivots from the prior session's high, low and close."""
    p = (high + low + close) / 3.0
    return Pivots(p, 2 * p - low, p + (high - low), high + 2 * (p - low),
                  2 * p - high, p - (high - low), low - 2 * (high - p))


@dataclass(frozen=True, slots=True)
class KeyLevels:
    prior_high: float
    prior_low: float
    prior_close: float
    premarket_high: float  # NaN when the bars have no pre-market
    premarket_low: float
    pivots: Pivots
    or_high: float  # NaN until the opening range is complete
    or_low: float
    vwap: float


@dataclass(frozen=True, slots=True)
class PeriodLevels:
    """High, low and close of a completed period (the prior week) and its pivots."""

    high: float
    low: float
    close: float
    pivots: Pivots


def key_levels(ts_day: np.ndarray, minute_of_day: np.ndarray, high: np.ndarray, low: np.ndarray,
               close: np.ndarray, volume: np.ndarray, or_minutes: int = 15,
               open_minute: Minutes = REGULAR_OPEN_MINUTE, close_minute: Minutes = REGULAR_CLOSE_MINUTE,
               current_day: int | None = None) -> KeyLevels | None:
    """Levels for the current session: ``current_day`` (the market clock's session, an ET day
    ordinal like ``ts_day``), or the latest day in the bars when not given or older. An index
    has no pre-market bars, so before its first bar of the day the latest day in the bars is
    yesterday's: only the clock says "today" has begun. ``ts_day`` labels each bar's ET day,
    ``minute_of_day`` its ET minute (09:30 = 570); the regular session is [open, close) of the
    bar's own day (``SessionHours.per_bar``), so half days and late opens count right."""
    if not len(ts_day):
        return None
    opens = np.broadcast_to(np.asarray(open_minute), np.shape(minute_of_day))
    closes = np.broadcast_to(np.asarray(close_minute), np.shape(minute_of_day))
    regular = (minute_of_day >= opens) & (minute_of_day < closes)
    today = ts_day[-1] if current_day is None else max(int(ts_day[-1]), int(current_day))
    earlier = regular & (ts_day < today)
    if not earlier.any():
        return None
    prior_rows = earlier & (ts_day == ts_day[np.flatnonzero(earlier)[-1]])  # last day with a session
    ph, pl = float(high[prior_rows].max()), float(low[prior_rows].min())
    pc = float(close[np.flatnonzero(prior_rows)[-1]])
    today_rows = ts_day == today
    pre = today_rows & (minute_of_day < opens)
    pre_h = float(high[pre].max()) if pre.any() else float("nan")
    pre_l = float(low[pre].min()) if pre.any() else float("nan")
    or_h, or_l, vw = _session_so_far(np.flatnonzero(today_rows & regular), minute_of_day - opens,
                                     high, low, close, volume, or_minutes)
    return KeyLevels(ph, pl, pc, pre_h, pre_l, classic_pivots(ph, pl, pc), or_h, or_l, vw)


def _session_so_far(rows: np.ndarray, since_open: np.ndarray, high: np.ndarray, low: np.ndarray,
                    close: np.ndarray, volume: np.ndarray, or_minutes: int) -> tuple[float, float, float]:
    """Opening range high/low and VWAP of today's regular bars (NaN before the open)."""
    if not len(rows):
        return float("nan"), float("nan"), float("nan")
    one_day = np.zeros(len(rows))
    orh, orl = opening_range(high[rows], low[rows], since_open[rows], one_day, or_minutes)
    vw = vwap(high[rows], low[rows], close[rows], volume[rows], one_day)
    return float(orh[-1]), float(orl[-1]), float(vw[-1])


def week_of(ts_day: np.ndarray) -> np.ndarray:
    """Monday-based week number of ET day ordinals (day 0, 1970-01-01, was a Thursday)."""
    return (np.asarray(ts_day) + 3) // 7


def prior_week_levels(ts_day: np.ndarray, high: np.ndarray, low: np.ndarray,
                      close: np.ndarray) -> PeriodLevels | None:
    """H/L/C of the last week before the latest bar's week, from daily bars, with its pivots:
    the week in progress never counts, so the levels hold still all week."""
    if not len(ts_day):
        return None
    week = week_of(ts_day)
    earlier = np.flatnonzero(week < week[-1])
    if not len(earlier):
        return None
    rows = np.flatnonzero(week == week[earlier[-1]])
    wh, wl, wc = float(high[rows].max()), float(low[rows].min()), float(close[rows[-1]])
    return PeriodLevels(wh, wl, wc, classic_pivots(wh, wl, wc))
