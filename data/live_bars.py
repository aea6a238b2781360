"""The incremental minute → bar fold that the chart and the market-state service share.

``LiveBars`` holds one symbol's bars of one timeframe as growable numpy columns with spare
capacity: a new bar is written in place (amortised O(1); the history is never copied) and the
forming last bar is rebuilt from its minutes, where a minute's newer state replaces its older
one, so the repeated updates of a forming minute never double count.

The forming bar keeps its latest minute apart from the sum of the earlier ones, so the usual
live update (the latest minute again, or the next one) costs O(1) whatever the timeframe; only
a correction of an earlier minute re-sums the bucket.

A minute of an older bar (a gap the stream's repair filled from REST after newer minutes came)
revises that bar: the minutes of the last ``KEPT_BUCKETS`` live-built bars are kept, so it is
re-folded exactly; a bar missing from the history (the gap itself) is inserted. A loaded bar of
several minutes has no minute detail and cannot be re-folded: such a minute is ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

import numpy as np

from data.bar_aggregation import aggregate, bucket_start
from data.models import Bar, Bars, Timeframe

COLUMNS = ("ts", "open", "high", "low", "close", "volume")
MIN_SPARE = 64  # rows
SPARE = 0.25  # grow by a quarter: geometric, so appends stay amortised O(1)
KEPT_BUCKETS = 400  # closed bars whose minutes are kept for late revisions (a session of 1m bars)


class BarChange(Enum):
    IGNORED = "ignored"  # a minute of a bar older than the last one: history we already hold
    UPDATED = "updated"  # the last bar changed in place
    APPENDED = "appended"  # a new bar started
    REVISED = "revised"  # an older bar changed, or a missing one was inserted (redraw the history)


def folds_into(source: Timeframe, target: Timeframe) -> bool:
    """Whether bars of ``source`` aggregate exactly into ``target`` bars (same 09:30 ET grid)."""
    if source is target:
        return True
    if not source.is_intraday:
        return False
    return target is Timeframe.D1 or (target.minutes > source.minutes and target.minutes % source.minutes == 0)


def _with_room(values: np.ndarray, dtype: type) -> np.ndarray:
    """A copy of ``values`` with spare rows at the end for live bars."""
    out = np.empty(len(values) + max(MIN_SPARE, int(len(values) * SPARE)), dtype=dtype)
    out[: len(values)] = values
    return out


def _dtype(column: str) -> type:
    return np.int64 if column == "ts" else np.float64


class LiveBars:
    def __init__(self, symbol: str, timeframe: Timeframe) -> None:
        self.symbol = symbol
        self.timeframe = timeframe
        self._cols = {name: np.empty(MIN_SPARE, dtype=_dtype(name)) for name in COLUMNS}
        self._n = 0
        self._minutes: dict[int, Bar] = {}  # the forming bar's minutes by start (for corrections)
        self._latest: Bar | None = None  # its latest minute
        self._settled: tuple[float, float, float, float] | None = None  # open, high, low, volume before it
        self._closed_minutes: dict[int, dict[int, Bar]] = {}  # recent closed bars' minutes, by bar start

    @classmethod
    def from_minutes(cls, minutes: Bars, timeframe: Timeframe) -> LiveBars:
        """``minutes`` (sorted, clean, of a timeframe that folds into ``timeframe``) aggregated, with
        the last bar's own minutes as its forming detail."""
        live = cls(minutes.symbol, timeframe)
        bars = aggregate(minutes, timeframe)
        forming: list[Bar] = []
        if len(bars):
            first = int(np.searchsorted(minutes.ts, bars.ts[-1]))
            forming = [Bar(minutes.symbol, minutes.timeframe, int(minutes.ts[i]), float(minutes.open[i]),
                           float(minutes.high[i]), float(minutes.low[i]), float(minutes.close[i]),
                           float(minutes.volume[i]), True) for i in range(first, len(minutes))]
        live.load(bars, forming)
        return live

    # -- writing -----------------------------------------------------------------------------
    def load(self, bars: Bars, forming_minutes: Iterable[Bar] = ()) -> None:
        """Replace everything with ``bars`` (sorted, unique, finite). ``forming_minutes``: the
        minutes inside the last (still forming) bar, so live minutes rebuild it exactly; without
        them the loaded bar stands for everything before the live minutes."""
        self.symbol, self.timeframe = bars.symbol, bars.timeframe
        self._cols = {name: _with_room(np.asarray(getattr(bars, name)), _dtype(name)) for name in COLUMNS}
        self._n = len(bars)
        self._clear_minutes()
        self._closed_minutes = {}
        if not self._n:
            return
        last = int(bars.ts[-1])
        minutes = sorted((m for m in forming_minutes if bucket_start(m.ts, self.timeframe) == last),
                         key=lambda m: m.ts)
        if not minutes:  # one stand-in minute just before the live ones
            _ts, o, h, l, c, v = self.last_bar()
            minutes = [Bar(self.symbol, self.timeframe, last - 1, o, h, l, c, v, False)]
        for minute in minutes:
            self._add_minute(minute)

    def merge_minute(self, bar: Bar) -> BarChange:
        """Fold one live bar of a finer (or the same) timeframe into the last bar or a new one."""
        start = bucket_start(bar.ts, self.timeframe)
        if self._n:
            last_start = int(self._cols["ts"][self._n - 1])
            if start < last_start:
                return self._revise(start, bar)
            if start == last_start:
                self._add_minute(bar)
                self._write_last()
                return BarChange.UPDATED
        if self._n:
            self._keep_closed(int(self._cols["ts"][self._n - 1]))
        self._clear_minutes()
        self._add_minute(bar)
        self._append(start)
        return BarChange.APPENDED

    def _keep_closed(self, start: int) -> None:
        """The bar at ``start`` is no longer the last: keep its minutes for late revisions."""
        if self._minutes and not any(ts < start for ts in self._minutes):  # not a load's stand-in
            self._closed_minutes[start] = dict(self._minutes)
        while len(self._closed_minutes) > KEPT_BUCKETS:
            del self._closed_minutes[min(self._closed_minutes)]

    def _revise(self, start: int, bar: Bar) -> BarChange:
        """A minute of the older bar at ``start``: re-fold that bar from its kept minutes, or
        insert it where the history has no bar."""
        ts = self._cols["ts"][: self._n]
        i = int(np.searchsorted(ts, start))
        exists = i < self._n and int(ts[i]) == start
        if exists and start not in self._closed_minutes:
            if bar.timeframe is not self.timeframe:
                return BarChange.IGNORED  # a loaded bar of several minutes: no detail to re-fold
            self._closed_minutes[start] = {}  # a bar of its own timeframe replaces the row
        minutes = self._closed_minutes.setdefault(start, {})
        minutes[bar.ts] = bar
        ordered = [minutes[k] for k in sorted(minutes)]
        row = (start, ordered[0].open, max(m.high for m in ordered), min(m.low for m in ordered),
               ordered[-1].close, sum(m.volume for m in ordered))
        if not exists:
            self._insert_row(i)
        for name, value in zip(COLUMNS, row, strict=True):
            self._cols[name][i] = value
        return BarChange.REVISED

    def _insert_row(self, i: int) -> None:
        """Room for a bar at row ``i`` (rare: a gap filled late), shifting the later rows."""
        if self._n == len(self._cols["ts"]):
            self._cols = {name: _with_room(col[: self._n], col.dtype) for name, col in self._cols.items()}
        for col in self._cols.values():
            col[i + 1: self._n + 1] = col[i: self._n].copy()
        self._n += 1

    def _clear_minutes(self) -> None:
        self._minutes, self._latest, self._settled = {}, None, None

    def _add_minute(self, bar: Bar) -> None:
        latest = self._latest
        self._minutes[bar.ts] = bar
        if latest is None or bar.ts >= latest.ts:
            if latest is not None and bar.ts > latest.ts:
                self._settle(latest)
            self._latest = bar
            return
        self._settled = None  # an earlier minute corrected: sum the others again, in time order
        for ts in sorted(self._minutes):
            if ts != latest.ts:
                self._settle(self._minutes[ts])

    def _settle(self, m: Bar) -> None:
        s = self._settled
        self._settled = (m.open, m.high, m.low, m.volume) if s is None else (
            s[0], max(s[1], m.high), min(s[2], m.low), s[3] + m.volume)

    def _folded(self) -> tuple[float, float, float, float, float]:
        m = self._latest
        assert m is not None
        if self._settled is None:
            return m.open, m.high, m.low, m.close, m.volume
        o, h, l, v = self._settled
        return o, max(h, m.high), min(l, m.low), m.close, v + m.volume

    def _write_last(self) -> None:
        i = self._n - 1
        for name, value in zip(COLUMNS[1:], self._folded(), strict=True):
            self._cols[name][i] = value

    def _append(self, start: int) -> None:
        if self._n == len(self._cols["ts"]):
            self._cols = {name: _with_room(col[: self._n], col.dtype) for name, col in self._cols.items()}
        self._cols["ts"][self._n] = start
        self._n += 1
        self._write_last()

    # -- reading -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._n

    @property
    def capacity(self) -> int:
        return len(self._cols["ts"])

    def column(self, name: str) -> np.ndarray:
        """A view of the first ``len`` rows (writes go through; a growth makes it stale)."""
        return self._cols[name][: self._n]

    @property
    def ts(self) -> np.ndarray:
        return self.column("ts")

    @property
    def open(self) -> np.ndarray:
        return self.column("open")

    @property
    def high(self) -> np.ndarray:
        return self.column("high")

    @property
    def low(self) -> np.ndarray:
        return self.column("low")

    @property
    def close(self) -> np.ndarray:
        return self.column("close")

    @property
    def volume(self) -> np.ndarray:
        return self.column("volume")

    def arrays(self) -> tuple[np.ndarray, ...]:
        """Copies of (ts, open, high, low, close, volume)."""
        return tuple(self.column(name).copy() for name in COLUMNS)

    def snapshot(self) -> Bars:
        """The bars as an immutable ``Bars`` (copied: later updates do not reach it)."""
        return Bars(self.symbol, self.timeframe, *(self.column(name) for name in COLUMNS))

    def _require_bars(self, what: str) -> None:
        if not self._n:
            raise IndexError(f"{what}: no {self.timeframe.value} bars of {self.symbol} yet (empty)")

    def last_bar(self) -> tuple[int, float, float, float, float, float]:
        """(ts, open, high, low, close, volume) of the last bar; IndexError when empty."""
        self._require_bars("last_bar()")
        i = self._n - 1
        c = self._cols
        return (int(c["ts"][i]), float(c["open"][i]), float(c["high"][i]), float(c["low"][i]),
                float(c["close"][i]), float(c["volume"][i]))

    def bar(self, index: int, closed: bool) -> Bar:
        """Row ``index`` (negative from the end) as a ``Bar``; IndexError when empty."""
        self._require_bars(f"bar({index})")
        i = index % self._n
        c = self._cols
        return Bar(self.symbol, self.timeframe, int(c["ts"][i]), float(c["open"][i]), float(c["high"][i]),
                   float(c["low"][i]), float(c["close"][i]), float(c["volume"][i]), closed)

    def index_of_time(self, ts: int) -> int:
        """Index of the bar containing UTC second ``ts`` (the last bar starting at or before it)."""
        return int(np.searchsorted(self.ts, ts, side="right") - 1)
