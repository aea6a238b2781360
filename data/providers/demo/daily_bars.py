"""The demo market's daily bars, each whole session's bar built once per provider.

A daily chart, IV rank (400 days) and the macro panel's event impact (3 years) all ask for
daily bars; built from the session's minutes each time, a three-year request generated some
750 sessions of minutes (~0.8 s of CPU) and start-up asked for it twice at once. Each whole
session's bar is kept (a lock makes a concurrent request wait for the first one's bars
instead of building them again; one lock per symbol), and the sessions a request lacks are
built together (``DemoMarket.regular_day_bars``); a range that starts or ends inside a
session gets that day's bar from its minutes, as before. With a ``DayBarFile`` (the app's data
folder) the whole sessions' bars are also kept between runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date, datetime

from data.bar_aggregation import aggregate, bucket_start
from data.market_calendar import MarketCalendar, market_date
from data.models import Bars, Timeframe
from data.providers.demo.day_bar_file import DayBarFile

KEEP_EVERY = 128  # sessions built (and written to the file) at a time
MinuteBars = Callable[[str, datetime, datetime], Bars]  # (symbol, start, now) → regular-session 1m bars
# (symbol, days) → each whole regular session's (open, high, low, close, volume), built together
DayBars = Callable[[str, Sequence[date]], list[tuple[float, ...]]]


class DailyBook:
    def __init__(self, calendar: MarketCalendar, minute_bars: MinuteBars, day_bars: DayBars,
                 kept: DayBarFile | None = None) -> None:
        self._calendar = calendar
        self._kept = kept  # whole sessions' bars from earlier runs (the data folder's file)
        self._minute_bars = minute_bars
        self._day_bars = day_bars
        self._whole: dict[tuple[str, date], tuple[float, ...]] = {}
        self._locks: dict[str, threading.Lock] = {}  # one per symbol: other symbols never wait
        self._locks_lock = threading.Lock()

    def bars(self, symbol: str, start: datetime, end: datetime) -> Bars:
        """Daily bars of the regular sessions from ``start`` to ``end`` (the same bars as
        aggregating the minutes of that range)."""
        sessions = self._calendar.sessions_between(market_date(start), market_date(end))
        whole = {s.day for s in sessions if start <= s.open and s.close <= end}
        with self._lock(symbol):
            missing = [day for day in sorted(whole) if (symbol, day) not in self._whole]
            if missing and self._kept is not None:
                found = self._kept.read(symbol, missing)
                self._whole.update({(symbol, day): bar for day, bar in found.items()})
                missing = [day for day in missing if day not in found]
            for i in range(0, len(missing), KEEP_EVERY):  # (a run that ends mid-way keeps what it built)
                chunk = missing[i:i + KEEP_EVERY]
                built = dict(zip(chunk, self._day_bars(symbol, chunk), strict=True))
                self._whole.update({(symbol, day): bar for day, bar in built.items()})
                if self._kept is not None:
                    self._kept.write(symbol, built)
        rows = []
        for s in sessions:
            if s.day in whole:
                rows.append((bucket_start(int(s.open.timestamp()), Timeframe.D1), *self._whole[(symbol, s.day)]))
                continue
            # a session the range cuts into: its bar covers only the part inside (not kept)
            cut = aggregate(self._minute_bars(symbol, max(start, s.open), min(end, s.close)), Timeframe.D1)
            if len(cut):
                rows.append((int(cut.ts[0]), cut.open[0], cut.high[0], cut.low[0], cut.close[0], cut.volume[0]))
        if not rows:
            return Bars.empty(symbol, Timeframe.D1)
        return Bars(symbol, Timeframe.D1, *(list(column) for column in zip(*rows, strict=True)))

    def _lock(self, symbol: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(symbol, threading.Lock())
