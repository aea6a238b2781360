"""The live minute → bar fold (data.live_bars) against data.bar_aggregation.aggregate of the final minutes."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from data.bar_aggregation import aggregate
from data.live_bars import BarChange, LiveBars, folds_into
from data.models import Bar, Bars, Timeframe

OPEN = int(datetime(2026, 1, 5, 14, 30, tzinfo=UTC).timestamp())  # 09:30 ET, a Monday


def _minutes(n: int, seed: int = 3, start: int = OPEN) -> Bars:
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.standard_normal(n) * 0.001))
    open_ = np.r_[close[0], close[:-1]]
    high = np.maximum(open_, close) + rng.random(n) * 0.05
    low = np.minimum(open_, close) - rng.random(n) * 0.05
    return Bars("X", Timeframe.M1, start + 60 * np.arange(n), open_, high, low, close, rng.integers(1, 900, n))


def _bar(m: Bars, i: int, closed: bool = True, **change: float) -> Bar:
    values = {k: float(getattr(m, k)[i]) for k in ("open", "high", "low", "close", "volume")} | change
    return Bar(m.symbol, m.timeframe, int(m.ts[i]), closed=closed, **values)


def _assert_equal_to(live: LiveBars, truth: Bars) -> None:
    assert len(live) == len(truth)
    for name in ("ts", "open", "high", "low", "close", "volume"):
        np.testing.assert_array_equal(getattr(live, name), getattr(truth, name), err_msg=name)


def test_a_minutes_newer_state_replaces_its_older_one() -> None:
    m = _minutes(13)
    live = LiveBars("X", Timeframe.M5)
    assert live.merge_minute(_bar(m, 0)) is BarChange.APPENDED
    for i in range(1, 4):
        # the forming minute three times, the last time in its final state: counted once
        for part in (0.2, 0.6):
            assert live.merge_minute(_bar(m, i, False, volume=float(m.volume[i]) * part,
                                          high=float(m.open[i]), low=float(m.open[i]))) is BarChange.UPDATED
        assert live.merge_minute(_bar(m, i)) is BarChange.UPDATED
    _assert_equal_to(live, aggregate(m.slice(0, 4), Timeframe.M5))


def test_a_minute_of_the_next_bucket_appends_a_bar_and_a_late_one_revises_its_bar() -> None:
    m = _minutes(12)
    live = LiveBars("X", Timeframe.M5)
    changes = [live.merge_minute(_bar(m, i)) for i in range(12)]
    assert [i for i, c in enumerate(changes) if c is BarChange.APPENDED] == [0, 5, 10]
    _assert_equal_to(live, aggregate(m, Timeframe.M5))
    # a finished bar's minute arriving again (REST's copy, newer state) re-folds that bar exactly
    assert live.merge_minute(_bar(m, 7, high=999.0)) is BarChange.REVISED
    truth = aggregate(Bars("X", Timeframe.M1, m.ts, m.open, np.where(np.arange(12) == 7, 999.0, m.high), m.low,
                           m.close, m.volume), Timeframe.M5)
    _assert_equal_to(live, truth)


def test_a_gap_filled_late_is_merged_once_into_its_bar_or_inserted() -> None:
    """The stream's repair delivers missed minutes after newer live ones: every minute counts once."""
    m = _minutes(20)
    missing = {6, 7, 12, 13, 14}  # bucket 10..14 entirely missing, two minutes of bucket 5..9
    for tf in (Timeframe.M1, Timeframe.M5):
        live = LiveBars("X", tf)
        for i in (i for i in range(20) if i not in missing):
            live.merge_minute(_bar(m, i))
        changes = {live.merge_minute(_bar(m, i)) for i in sorted(missing)}
        assert changes == {BarChange.REVISED}
        live.merge_minute(_bar(m, 6))  # the repair's copy of a minute already merged: not doubled
        _assert_equal_to(live, aggregate(m, tf))


def test_a_late_minute_of_a_loaded_bar_without_minute_detail_is_ignored() -> None:
    m = _minutes(15)
    live = LiveBars("X", Timeframe.M5)
    live.load(aggregate(m, Timeframe.M5))
    before = live.arrays()
    assert live.merge_minute(_bar(m, 7, high=999.0)) is BarChange.IGNORED  # no detail to re-fold exactly
    for a, b in zip(before, live.arrays(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_an_earlier_minutes_correction_rebuilds_the_forming_bar() -> None:
    m = _minutes(5)
    live = LiveBars("X", Timeframe.M5)
    for i in range(5):
        live.merge_minute(_bar(m, i, high=float(m.high[i]) + (5.0 if i == 1 else 0.0)))
    assert live.high[-1] == pytest.approx(m.high[1] + 5)
    assert live.merge_minute(_bar(m, 1)) is BarChange.UPDATED  # minute 1 corrected: its spike is gone
    _assert_equal_to(live, aggregate(m, Timeframe.M5))


def test_forming_minutes_on_load_are_not_counted_twice() -> None:
    m = _minutes(23)
    loaded = aggregate(m.slice(0, 18), Timeframe.M5)  # the last bar formed by minutes 15..17 so far
    live = LiveBars("X", Timeframe.M5)
    live.load(loaded, [_bar(m, i) for i in range(10, 18)])  # minutes of other buckets are left out
    _assert_equal_to(live, loaded)
    for i in range(17, 23):  # minute 17 again (its final state), then the rest
        live.merge_minute(_bar(m, i))
    _assert_equal_to(live, aggregate(m, Timeframe.M5))
    assert LiveBars.from_minutes(m.slice(0, 18), Timeframe.M5).arrays()[5][-1] == loaded.volume[-1]


def test_a_loaded_bar_without_minute_detail_stands_for_the_minutes_before_the_live_ones() -> None:
    m = _minutes(10)
    loaded = aggregate(m.slice(0, 7), Timeframe.M5)
    live = LiveBars("X", Timeframe.M5)
    live.load(loaded)
    live.merge_minute(_bar(m, 7))
    ts, o, h, l, c, v = live.last_bar()
    assert (ts, o, c) == (loaded.ts[-1], loaded.open[-1], m.close[7])
    assert h == max(loaded.high[-1], m.high[7]) and l == min(loaded.low[-1], m.low[7])
    assert v == loaded.volume[-1] + m.volume[7]


def test_appends_grow_geometrically_and_views_share_the_buffer() -> None:
    n = 100_000
    m = _minutes(n)
    live = LiveBars("X", Timeframe.M1)
    live.load(m.slice(0, 1))
    growths, capacity = 0, live.capacity
    for i in range(1, n):  # one closed minute each: a new bar each time
        live.merge_minute(Bar("X", Timeframe.M1, int(m.ts[i]), 1.0, 2.0, 0.5, 1.5, 1.0, True))
        if live.capacity != capacity:
            growths, capacity = growths + 1, live.capacity
            assert capacity - i >= min(64, 0.24 * i)  # a quarter more each time: amortised O(1)
    assert len(live) == n and growths <= 45
    view = live.close
    live.merge_minute(Bar("X", Timeframe.M1, int(m.ts[-1]), 1.0, 2.0, 0.5, 7.0, 1.0, True))
    assert view[-1] == 7.0  # a live update writes into the same buffer the views show
    snap = live.snapshot()
    live.merge_minute(Bar("X", Timeframe.M1, int(m.ts[-1]), 1.0, 2.0, 0.5, 8.0, 1.0, True))
    assert snap.close[-1] == 7.0 and not snap.close.flags.writeable  # a snapshot is a copy


def test_which_timeframes_fold_into_which() -> None:
    assert folds_into(Timeframe.M1, Timeframe.M5) and folds_into(Timeframe.M5, Timeframe.H1)
    assert folds_into(Timeframe.M5, Timeframe.D1) and folds_into(Timeframe.M5, Timeframe.M5)
    assert not folds_into(Timeframe.M5, Timeframe.M1) and not folds_into(Timeframe.D1, Timeframe.H4)
    assert LiveBars("X", Timeframe.M5).snapshot().timeframe is Timeframe.M5


def test_reading_a_bar_of_an_empty_series_raises_index_error() -> None:
    live = LiveBars("X", Timeframe.M5)
    with pytest.raises(IndexError, match="no 5m bars of X yet"):
        live.last_bar()
    with pytest.raises(IndexError, match=r"bar\(-1\).*empty"):
        live.bar(-1, closed=True)
    live.load(Bars.empty("X", Timeframe.M5))
    with pytest.raises(IndexError):
        live.last_bar()
    live.merge_minute(Bar("X", Timeframe.M1, OPEN + 60, 1.0, 2.0, 0.5, 1.5, 1.0, True))
    assert live.last_bar()[0] == OPEN and live.bar(-1, closed=True).close == 1.5
