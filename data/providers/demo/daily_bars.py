"""The demo market's daily bars, each whole session's bar built once per provider.

A daily chart, IV rank (400 days) and the macro panel's event impact (3 years) all ask for
daily bars; built from the session's minutes each time, a three-year request generated some
750 sessions of minutes (~0.8 s of CPU) and start-up asked for it twice at once. Each whole
session's bar is kept (a lock makes a concurrent request wait for the first one's bars
instead of building them again; one lock per symbol); a range that starts or ends inside a
session gets that day's bar from its minutes, as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, time

from data.bar_aggregation import aggregate
from data.market_calendar import ET, MarketCalendar, SessionBounds, market_date
from data.models import Bars, Timeframe

MinuteBars = Callable[[str, datetime, datetime], Bars]  # (symbol, start, now) → regular-session 1m bars
SessionMinutes = Callable[[str, SessionBounds], Bars]  # (symbol, session) → its regular-session 1m bars


class DailyBook:
    def __init__(self, calendar: MarketCalendar, minute_bars: MinuteBars, session_minutes: SessionMinutes) -> None:
        self._calendar = calendar
        self._minute_bars = minute_bars
        self._session_minutes = session_minutes
        self._whole: dict[tuple[str, date], Bars] = {}
        self._locks: dict[str, threading.Lock] = {}  # one per symbol: other symbols never wait
        self._locks_lock = threading.Lock()

    def bars(self, symbol: str, start: datetime, end: datetime) -> Bars:
        """Daily bars of the regular sessions from ``start`` to ``end`` (the same bars as
        aggregating the minutes of that range)."""
        sessions = self._calendar.sessions_between(market_date(start), market_date(end))
        whole = [s for s in sessions if start <= s.open and s.close <= end]
        with self._lock(symbol):
            kept = {s.day: self._whole_session(symbol, s) for s in whole}
        # a session the range cuts into: its bar covers only the part inside (not kept)
        parts = [kept[s.day] if s.day in kept else
                 aggregate(self._minute_bars(symbol, max(start, s.open), min(end, s.close)), Timeframe.D1)
                 for s in sessions]
        parts = [p for p in parts if len(p)]
        if not parts:
            return Bars.empty(symbol, Timeframe.D1)
        return parts[0].concat(*parts[1:])

    def _lock(self, symbol: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(symbol, threading.Lock())

    def _whole_session(self, symbol: str, session: SessionBounds) -> Bars:
        key = (symbol, session.day)
        bar = self._whole.get(key)
        if bar is None:
            bar = self._whole[key] = _session_bar(symbol, session, self._session_minutes(symbol, session))
        return bar


def _session_bar(symbol: str, session: SessionBounds, minutes: Bars) -> Bars:
    """The daily bar of one whole session's minutes: what ``aggregate`` makes of them (stamped
    00:00 ET of the market date), without its bucketing, which cost more than the bar."""
    if not len(minutes):
        return Bars.empty(symbol, Timeframe.D1)
    midnight = datetime.combine(session.day, time(), ET)
    return Bars(symbol, Timeframe.D1, [int(midnight.timestamp())], [minutes.open[0]], [minutes.high.max()],
                [minutes.low.min()], [minutes.close[-1]], [minutes.volume.sum()])
