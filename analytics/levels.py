"""Key price levels of a session: prior day H/L/C, pre-market H/L, classic pivots, opening
range and session VWAP — computed from one symbol's 1-minute (or any intraday) bars."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.indicators import opening_range, vwap
from data.market_calendar import REGULAR_CLOSE_MINUTE, REGULAR_OPEN_MINUTE


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


def key_levels(ts_day: np.ndarray, minute_of_day: np.ndarray, high: np.ndarray, low: np.ndarray,
               close: np.ndarray, volume: np.ndarray, or_minutes: int = 15,
               open_minute: int = REGULAR_OPEN_MINUTE, close_minute: int = REGULAR_CLOSE_MINUTE) -> KeyLevels | None:
    """Levels for the latest day in the bars. ``ts_day`` labels each bar's ET day,
    ``minute_of_day`` its ET minute (09:30 = 570); regular session is [open, close)."""
    days = np.unique(ts_day)
    if len(days) < 2:
        return None
    today, prior = days[-1], days[-2]
    regular = (minute_of_day >= open_minute) & (minute_of_day < close_minute)
    prior_rows = (ts_day == prior) & regular
    today_rows = ts_day == today
    if not prior_rows.any():
        return None
    ph, pl = float(high[prior_rows].max()), float(low[prior_rows].min())
    pc = float(close[np.flatnonzero(prior_rows)[-1]])
    pre = today_rows & (minute_of_day < open_minute)
    pre_h = float(high[pre].max()) if pre.any() else float("nan")
    pre_l = float(low[pre].min()) if pre.any() else float("nan")
    reg_today = np.flatnonzero(today_rows & regular)
    or_h = or_l = vw = float("nan")
    if len(reg_today):
        rows = reg_today
        orh, orl = opening_range(high[rows], low[rows], minute_of_day[rows] - open_minute,
                                 np.zeros(len(rows)), or_minutes)
        or_h, or_l = float(orh[-1]), float(orl[-1])
        vw = float(vwap(high[rows], low[rows], close[rows], volume[rows], np.zeros(len(rows)))[-1])
    return KeyLevels(ph, pl, pc, pre_h, pre_l, classic_pivots(ph, pl, pc), or_h, or_l, vw)
