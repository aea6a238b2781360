"""Everything the chart overlays on a bar series, computed in one pass from ``analytics``.

Which key levels a chart draws depends on its timeframe, as on TradingView or thinkorswim:

* intraday up to 1h: prior day's high/low/close (PDH/PDL/PDC), today's pre-market high/low
  (PMH/PML) and the daily floor pivots (P, R1/S1, R2/S2);
* 4h: the prior-day levels and the daily pivots, no pre-market (a 4h bar spans the whole
  pre-market, so its high/low is one candle's and says nothing more);
* daily: the prior WEEK's high/low/close (PWH/PWL/PWC) and the weekly pivots (WP, WR1/WS1),
  from the chart's own daily bars. Prior-day levels are just the previous candle there, and
  every intraday level would stack into one band at a daily chart's scale; weekly R2/S2 lie
  a whole weekly range out and are left off for the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from analytics.indicators import ema, macd, opening_range, rsi, vwap
from analytics.levels import KeyLevels, PeriodLevels, SessionHours, key_levels, prior_week_levels
from data.bar_aggregation import et_day_and_minute
from data.models import Bars, Timeframe

Levels = tuple[tuple[str, float], ...]  # (label, price)
PREMARKET_LABELS = frozenset({"PMH", "PML"})
PREMARKET_UP_TO = Timeframe.H1.minutes  # the coarsest timeframe that still draws PMH/PML
# the coarsest timeframe with a session VWAP and opening range: a 4h bar is half a session, so
# its "opening range" is the first bar itself and its VWAP a step per bar — clutter, no signal
SESSION_LINES_UP_TO = Timeframe.H1.minutes


@dataclass(frozen=True, eq=False)
class ChartOverlays:
    ema8: np.ndarray
    ema21: np.ndarray
    vwap: np.ndarray  # NaN on 4h and daily bars (see SESSION_LINES_UP_TO), as the opening range
    or_high: np.ndarray
    or_low: np.ndarray
    rsi: np.ndarray
    macd: np.ndarray
    macd_signal: np.ndarray
    macd_hist: np.ndarray
    levels: Levels = field(default=())

    def with_levels(self, levels: Levels) -> ChartOverlays:
        return replace(self, levels=levels)


def compute_overlays(bars: Bars, or_minutes: int = 15, level_bars: Bars | None = None,
                     hours: SessionHours | None = None, current_day: int | None = None) -> ChartOverlays:
    """Overlays for ``bars``. Key levels: on a daily chart the prior week's, from ``bars``; on
    an intraday chart those of ``level_bars`` (1-minute bars of the last sessions, extended
    hours included) when given. ``hours``: each day's session (09:30–16:00 when absent)."""
    n = len(bars)
    close = bars.close
    line, signal, hist = macd(close)
    if bars.timeframe.is_intraday and bars.timeframe.minutes <= SESSION_LINES_UP_TO and n:
        vw, orh, orl = _session_lines(bars, or_minutes, hours)
    else:
        vw = orh = orl = np.full(n, np.nan)
    if not bars.timeframe.is_intraday:
        levels = weekly_level_list(bars)
    elif level_bars is not None:
        levels = key_level_list(level_bars, or_minutes, hours, bars.timeframe, current_day)
    else:
        levels = ()
    return ChartOverlays(ema(close, 8), ema(close, 21), vw, orh, orl, rsi(close, 14), line, signal, hist, levels)


def _session_lines(bars: Bars, or_minutes: int, hours: SessionHours | None,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Session VWAP and opening range per bar, inside each day's own regular session."""
    day, minute = et_day_and_minute(bars.ts)
    opens, closes = (hours or SessionHours.regular()).per_bar(day)
    regular = (minute >= opens) & (minute < closes)
    vw = np.where(regular, vwap(bars.high, bars.low, bars.close, np.where(regular, bars.volume, 0.0),
                                np.where(regular, day, -1)), np.nan)
    orh, orl = opening_range(bars.high, bars.low, minute - opens, day, or_minutes)
    return vw, np.where(regular, orh, np.nan), np.where(regular, orl, np.nan)


def key_level_list(level_bars: Bars, or_minutes: int = 15, hours: SessionHours | None = None,
                   timeframe: Timeframe = Timeframe.M1, current_day: int | None = None) -> Levels:
    """The key levels of the latest session in ``level_bars`` that a ``timeframe`` chart draws,
    as (label, price), finite only."""
    if not len(level_bars):
        return ()
    day, minute = et_day_and_minute(level_bars.ts)
    opens, closes = (hours or SessionHours.regular()).per_bar(day)
    kl = key_levels(day, minute, level_bars.high, level_bars.low, level_bars.close, level_bars.volume,
                    or_minutes=or_minutes, open_minute=opens, close_minute=closes, current_day=current_day)
    return for_timeframe(_level_list(kl), timeframe) if kl else ()


def for_timeframe(levels: Levels, timeframe: Timeframe) -> Levels:
    """The intraday key levels a ``timeframe`` chart draws (see the module doc)."""
    if not timeframe.is_intraday:
        return ()
    if timeframe.minutes > PREMARKET_UP_TO:
        return tuple((label, v) for label, v in levels if label not in PREMARKET_LABELS)
    return levels


def weekly_level_list(daily: Bars) -> Levels:
    """The prior week's levels a daily chart draws, from its daily bars."""
    if not len(daily):
        return ()
    day, _minute = et_day_and_minute(daily.ts)
    week = prior_week_levels(day, daily.high, daily.low, daily.close)
    return _week_list(week) if week else ()


def _level_list(kl: KeyLevels) -> Levels:
    items = [("PDH", kl.prior_high), ("PDL", kl.prior_low), ("PDC", kl.prior_close),
             ("PMH", kl.premarket_high), ("PML", kl.premarket_low), ("P", kl.pivots.p),
             ("R1", kl.pivots.r1), ("S1", kl.pivots.s1), ("R2", kl.pivots.r2), ("S2", kl.pivots.s2)]
    return tuple((label, float(v)) for label, v in items if np.isfinite(v))


def _week_list(week: PeriodLevels) -> Levels:
    items = [("PWH", week.high), ("PWL", week.low), ("PWC", week.close), ("WP", week.pivots.p),
             ("WR1", week.pivots.r1), ("WS1", week.pivots.s1)]
    return tuple((label, float(v)) for label, v in items if np.isfinite(v))
