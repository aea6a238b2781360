"""US/Eastern day and minute of UTC timestamps, against the zoneinfo conversion of each one,
across DST changes (sorted input takes the per-run path, shuffled input the per-hour one)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from data.bar_aggregation import aggregate, bucket_start, et_day_and_minute, et_local_minutes
from data.market_calendar import ET
from data.models import Bars, Timeframe

EPOCH = date(1970, 1, 1).toordinal()
# around the 2026 changes (Mar 8, Nov 1), and a span of years
SPANS = [(1772900000, 1773100000), (1793400000, 1793600000), (1700000000, 1800000000)]


def _reference(ts: np.ndarray) -> tuple[list[int], list[int]]:
    local = [datetime.fromtimestamp(int(t), UTC).astimezone(ET) for t in ts]
    return [d.date().toordinal() - EPOCH for d in local], [d.hour * 60 + d.minute for d in local]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(SPANS).flatmap(lambda span: st.lists(st.integers(*span), min_size=1, max_size=300)),
       st.booleans())
def test_day_and_minute_are_zoneinfos(values: list[int], shuffled: bool) -> None:
    ts = np.sort(np.array(values, dtype=np.int64))
    if shuffled:
        ts = ts[::-1].copy()
    day, minute = et_day_and_minute(ts)
    want_day, want_minute = _reference(ts)
    assert day.tolist() == want_day and minute.tolist() == want_minute


def test_a_minute_series_through_the_spring_change() -> None:
    ts = np.arange(1772928000, 1772928000 + 86400 * 2, 60, dtype=np.int64)  # 2026-03-08 00:00 UTC on
    day, minute = et_day_and_minute(ts)
    want_day, want_minute = _reference(ts)
    assert day.tolist() == want_day and minute.tolist() == want_minute


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SPANS).flatmap(lambda span: st.integers(*span)),
       st.sampled_from([Timeframe.M1, Timeframe.M5, Timeframe.M15, Timeframe.H1, Timeframe.H4, Timeframe.D1]))
def test_a_minutes_bucket_is_the_one_aggregation_puts_it_in(ts: int, timeframe: Timeframe) -> None:
    minute = Bars("X", Timeframe.M1, [ts - ts % 60], [1.0], [1.0], [1.0], [1.0], [1.0])
    assert bucket_start(ts, timeframe) == int(aggregate(minute, timeframe).ts[0])


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(SPANS).flatmap(lambda span: st.lists(st.integers(*span), min_size=1, max_size=300)))
def test_local_minutes_are_zoneinfos_day_and_minute_in_one(values: list[int]) -> None:
    ts = np.sort(np.array(values, dtype=np.int64))
    days, minutes = _reference(ts)
    assert et_local_minutes(ts).tolist() == [d * 1440 + m for d, m in zip(days, minutes, strict=True)]
