"""Everything the chart overlays on a bar series, computed in one pass from ``analytics``."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from analytics.indicators import ema, macd, opening_range, rsi, vwap
from analytics.levels import KeyLevels, key_levels
from data.bar_aggregation import et_day_and_minute
from data.market_calendar import REGULAR_OPEN_MINUTE, in_regular_session
from data.models import Bars


@dataclass(frozen=True, eq=False)
class ChartOverlays:
    ema8: np.ndarray
    ema21: np.ndarray
    vwap: np.ndarray  # NaN on daily bars (a session VWAP needs intraday bars)
    or_high: np.ndarray
    or_low: np.ndarray
    rsi: np.ndarray
    macd: np.ndarray
    macd_signal: np.ndarray
    macd_hist: np.ndarray
    levels: tuple[tuple[str, float], ...] = field(default=())  # (label, price)

    def with_levels(self, levels: tuple[tuple[str, float], ...]) -> ChartOverlays:
        return replace(self, levels=levels)


def compute_overlays(bars: Bars, or_minutes: int = 15, level_bars: Bars | None = None) -> ChartOverlays:
    """Overlays for ``bars``; key levels come from ``level_bars`` (1-minute bars of the last two
    sessions, extended hours included) when given."""
    n = len(bars)
    nan = np.full(n, np.nan)
    close = bars.close
    line, signal, hist = macd(close)
    if bars.timeframe.is_intraday and n:
        day, minute = et_day_and_minute(bars.ts)
        regular = in_regular_session(minute)
        vw = np.where(regular, vwap(bars.high, bars.low, close, np.where(regular, bars.volume, 0.0),
                                    np.where(regular, day, -1)), np.nan)
        orh, orl = opening_range(bars.high, bars.low, minute - REGULAR_OPEN_MINUTE, day, or_minutes)
        orh, orl = np.where(regular, orh, np.nan), np.where(regular, orl, np.nan)
    else:
        vw, orh, orl = nan, nan, nan
    levels = key_level_list(level_bars, or_minutes) if level_bars is not None else ()
    return ChartOverlays(ema(close, 8), ema(close, 21), vw, orh, orl, rsi(close, 14), line, signal, hist, levels)


def key_level_list(level_bars: Bars, or_minutes: int = 15) -> tuple[tuple[str, float], ...]:
    """The key levels of the latest session in ``level_bars`` as (label, price), finite only."""
    if not len(level_bars):
        return ()
    day, minute = et_day_and_minute(level_bars.ts)
    kl = key_levels(day, minute, level_bars.high, level_bars.low, level_bars.close, level_bars.volume,
                    or_minutes=or_minutes)
    return _level_list(kl) if kl else ()


def _level_list(kl: KeyLevels) -> tuple[tuple[str, float], ...]:
    items = [("PDH", kl.prior_high), ("PDL", kl.prior_low), ("PDC", kl.prior_close),
             ("PMH", kl.premarket_high), ("PML", kl.premarket_low), ("P", kl.pivots.p),
             ("R1", kl.pivots.r1), ("S1", kl.pivots.s1), ("R2", kl.pivots.r2), ("S2", kl.pivots.s2)]
    return tuple((label, float(v)) for label, v in items if np.isfinite(v))
