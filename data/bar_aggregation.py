"""Aggregate 1-minute bars to higher timeframes the way US equity charts do.

Intraday buckets are anchored at the 09:30 ET open of each US/Eastern day (1h bars start
09:30, 10:30, …; 4h bars 09:30 and 13:30), so a half day simply has fewer buckets. Pre- and
post-market minutes fall in buckets of their own on the same grid. Daily bars are keyed by the
US/Eastern date.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from data.market_calendar import ET, REGULAR_OPEN_MINUTE, in_regular_session
from data.models import Bars, Timeframe


def et_day_and_minute(ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """US/Eastern day ordinal and minute-of-day for UTC epoch seconds (DST-correct)."""
    day, minute, _local = et_day_minute_local(ts)
    return day, minute


def et_day_minute_local(ts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``et_day_and_minute`` and ``et_local_minutes`` from one conversion."""
    local = et_local_minutes(ts)
    day = local // 1440
    minute = np.multiply(day, -1440)  # (in place: each fresh array of a million bars costs page faults)
    minute += local
    return day, minute, local


def et_local_minutes(ts: np.ndarray) -> np.ndarray:
    """Minutes since 1970-01-01 00:00 on US/Eastern wall clocks, for UTC epoch seconds
    (DST-correct): ``day * 1440 + minute`` of ``et_day_and_minute`` in one array."""
    if len(ts) == 0:
        return np.empty(0, np.int64)
    ts = np.asarray(ts, dtype=np.int64)
    # in place where it can be: on a fresh million-bar chart each new array costs page faults
    local = _sorted_offsets(ts) if np.all(ts[1:] >= ts[:-1]) else _offsets_by_hour(ts)
    local += ts
    local //= 60
    return local


def _sorted_offsets(ts: np.ndarray) -> np.ndarray:
    """Each sorted timestamp's UTC offset: constant between DST changes, so the offset is read
    at each UTC midnight of the range (a few hundred look-ups for years of minutes), the hour of
    each change found inside its day, and the rows filled per run."""
    first, last = int(ts[0]) // 3600, int(ts[-1]) // 3600
    midnights = range(first - first % 24, last + 24, 24)
    at_midnight = [_et_offset(h) for h in midnights]
    starts, values = [first], [_et_offset(first)]
    for i in np.flatnonzero(np.diff(at_midnight)).tolist():
        for hour in range(max(midnights[i], first) + 1, midnights[i + 1] + 1):
            if _et_offset(hour) != values[-1]:
                starts.append(hour)
                values.append(_et_offset(hour))
                break
    at = np.searchsorted(ts, np.array(starts[1:], dtype=np.int64) * 3600)
    return np.repeat(np.array(values, dtype=np.int64), np.diff(np.r_[0, at, len(ts)]))


def _offsets_by_hour(ts: np.ndarray) -> np.ndarray:
    """Unsorted timestamps: each distinct UTC hour's offset, looked up once."""
    uniq, inverse = np.unique(ts // 3600, return_inverse=True)
    return np.array([_et_offset(int(h)) for h in uniq], dtype=np.int64)[inverse.reshape(-1)]


_OFFSETS: dict[int, int] = {}  # UTC hour -> US/Eastern UTC offset (s): the same hours come every minute


def _et_offset(hour: int) -> int:
    offset = _OFFSETS.get(hour)
    if offset is None:
        if len(_OFFSETS) > 200_000:  # ~23 years of hours: a bound, never reached in a session
            _OFFSETS.clear()
        offset = _OFFSETS[hour] = int(datetime.fromtimestamp(hour * 3600, UTC).astimezone(ET).utcoffset()
                                      .total_seconds())
    return offset


def regular_session_only(bars: Bars) -> Bars:
    """The intraday bars that start inside 09:30–16:00 ET: what a chart without extended hours
    shows and what daily bars are built from."""
    if not len(bars) or not bars.timeframe.is_intraday:
        return bars
    _day, minute = et_day_and_minute(bars.ts)
    return bars.take(np.flatnonzero(in_regular_session(minute)))


def aggregate(bars: Bars, timeframe: Timeframe) -> Bars:
    """OHLCV-aggregate sorted bars to a coarser ``timeframe``; max high, min low, sum volume.
    The input timeframe must divide the target (1m → anything, 5m → 15m/1h/4h/1D, …)."""
    if timeframe is bars.timeframe:
        return bars
    base = bars.timeframe.minutes
    finer_or_misaligned = timeframe.is_intraday and (timeframe.minutes < base or timeframe.minutes % base)
    if bars.timeframe is Timeframe.D1 or finer_or_misaligned:
        raise ValueError(f"cannot aggregate {bars.timeframe.value} bars to {timeframe.value}")
    if len(bars) == 0:
        return Bars.empty(bars.symbol, timeframe)
    day, minute = et_day_and_minute(bars.ts)
    if timeframe is Timeframe.D1:
        key = day
    else:
        size = timeframe.minutes
        key = day * 10_000 + np.floor_divide(minute - REGULAR_OPEN_MINUTE, size) + 5_000
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    ends = np.r_[starts[1:], len(key)] - 1
    if timeframe is Timeframe.D1:
        # A daily bar is stamped at 00:00 ET of its market date, expressed in UTC.
        ts = np.array([int(datetime.fromordinal(int(d) + 719163).replace(tzinfo=ET).timestamp())
                       for d in day[starts]], dtype=np.int64)
    else:
        bucket_minute = np.floor_divide(minute[starts] - REGULAR_OPEN_MINUTE, timeframe.minutes) * timeframe.minutes
        ts = bars.ts[starts] + (bucket_minute + REGULAR_OPEN_MINUTE - minute[starts]) * 60
    return Bars(
        bars.symbol, timeframe, ts,
        bars.open[starts],
        np.maximum.reduceat(bars.high, starts),
        np.minimum.reduceat(bars.low, starts),
        bars.close[ends],
        np.add.reduceat(bars.volume, starts),
    )


def bucket_start(ts: int, timeframe: Timeframe) -> int:
    """Start (UTC epoch seconds) of the ``timeframe`` bar that contains minute ``ts``, on the
    same grid as ``aggregate`` — used to merge live minute bars into the chart's timeframe."""
    ts = int(ts)
    local = ts + _et_offset(ts // 3600)  # (plain ints: this runs for every live tick of every chart)
    day, minute = local // 86400, local % 86400 // 60
    if timeframe is Timeframe.D1:
        return int(datetime.fromordinal(day + 719163).replace(tzinfo=ET).timestamp())
    size = timeframe.minutes
    bucket_minute = (minute - REGULAR_OPEN_MINUTE) // size * size + REGULAR_OPEN_MINUTE
    return ts - ts % 60 + (bucket_minute - minute) * 60
