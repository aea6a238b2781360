"""US equity market calendar (NYSE, via exchange_calendars XNYS) in US/Eastern terms.

Everything a trader means by "today" is the US/Eastern market date, never the UTC date: at
21:00 ET the UTC date is already tomorrow. Session bounds come from the exchange calendar, so
holidays and half days (13:00 ET close) are right without our own tables.

Loading exchange_calendars imports pandas (about a second), so build ``MarketCalendar`` off
the GUI thread; after construction every query is a cheap bisect over plain arrays.

What the calendar holds never depends on the real date: it starts in 2005 and covers what it
is asked about, built to 2030 first and extended (whole years, a year past the day asked)
when a query reaches past that. A span ending "a year from today" (the exchange_calendars
default) made the demo market and its option listings change with the wall-clock date.
"""

from __future__ import annotations

import bisect
import threading
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # numpy is not imported at run time here: the comparison works on its arrays
    import numpy as np

ET = ZoneInfo("America/New_York")
PREMARKET_START = time(4, 0)
AFTER_HOURS_END = time(20, 0)
REGULAR_OPEN = time(9, 30)
REGULAR_CLOSE = time(16, 0)
# The regular session in minutes of the US/Eastern day: [09:30, 16:00)
REGULAR_OPEN_MINUTE = REGULAR_OPEN.hour * 60 + REGULAR_OPEN.minute
REGULAR_CLOSE_MINUTE = REGULAR_CLOSE.hour * 60

CALENDAR_START = date(2005, 1, 3)
FIRST_END = date(2030, 12, 31)  # the first build; a query past it extends the calendar
LAST_END = date(2200, 12, 31)  # never built further: a later day simply has no session


def in_regular_session(minute_of_day: np.ndarray) -> np.ndarray:
    """True where an ET minute of the day falls in the regular session [09:30, 16:00) — the
    one rule for regular-hours bars (a half day's 13:00–16:00 counts as regular here)."""
    return (minute_of_day >= REGULAR_OPEN_MINUTE) & (minute_of_day < REGULAR_CLOSE_MINUTE)


class SessionState(str, Enum):
    PRE = "pre"
    REGULAR = "regular"
    AFTER = "after"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class SessionBounds:
    """One trading session; datetimes are tz-aware UTC."""

    day: date
    open: datetime
    close: datetime

    @property
    def is_half_day(self) -> bool:
        return self.close.astimezone(ET).time() < REGULAR_CLOSE

    @property
    def premarket_open(self) -> datetime:
        return datetime.combine(self.day, PREMARKET_START, ET).astimezone(UTC)

    @property
    def after_hours_close(self) -> datetime:
        # On half days the extended session also ends early (17:00 ET).
        end = time(17, 0) if self.is_half_day else AFTER_HOURS_END
        return datetime.combine(self.day, end, ET).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class MarketStatus:
    state: SessionState
    market_date: date
    reason: str  # human text: "regular session", "holiday: Thanksgiving", "weekend", …
    is_half_day: bool = False


def market_date(moment: datetime) -> date:
    """The US/Eastern calendar date of an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("market_date needs a timezone-aware datetime")
    return moment.astimezone(ET).date()


@dataclass(frozen=True, slots=True)
class _Sessions:
    """The calendar's contents from ``CALENDAR_START`` through ``end``, replaced whole when extended."""

    end: date
    days: list[date]
    opens: list[int]  # epoch seconds, UTC
    closes: list[int]
    holidays: dict[date, str]


def _load_sessions(end: date) -> _Sessions:
    import exchange_calendars as xcals  # heavy (pandas); see module doc

    with warnings.catch_warnings():
        # exchange_calendars itself trips a pandas 3.1 deprecation; nothing for us to fix.
        warnings.filterwarnings("ignore", message="Series.values returning an ndarray")
        cal = xcals.get_calendar("XNYS", start=CALENDAR_START.isoformat(), end=end.isoformat())
    days: list[date] = [ts.date() for ts in cal.sessions]
    schedule = cal.schedule
    names = cal.regular_holidays.holidays(start=str(CALENDAR_START), end=str(end), return_name=True)
    holidays: dict[date, str] = {ts.date(): str(name) for ts, name in names.items()}
    for ts in cal.adhoc_holidays:
        if CALENDAR_START <= ts.date() <= end:
            holidays.setdefault(ts.date(), "market closed")
    return _Sessions(end, days, _epoch_seconds(schedule["open"]), _epoch_seconds(schedule["close"]), holidays)


def _kept_or_loaded_sessions(end: date, directory: Path | None) -> _Sessions:
    """The sessions through ``end`` as kept in ``directory`` (``data.calendar_cache``), else built
    and kept there."""
    from data import calendar_cache

    path = calendar_cache.cache_file(directory, CALENDAR_START, end) if directory is not None else None
    if path is not None and (kept := calendar_cache.read(path)) is not None:
        days, opens, closes, holidays = kept
        return _Sessions(end, days, opens, closes, holidays)
    s = _load_sessions(end)
    if path is not None:
        calendar_cache.write(path, s.days, s.opens, s.closes, s.holidays)
    return s


class MarketCalendar:
    """Sessions of XNYS from 2005 on, as sorted arrays for fast lookups; covers any day asked
    about (up to ``LAST_END``), whatever the date today. ``keep_in``: a folder where the first
    build's sessions are kept for the next run (building them imports pandas)."""

    def __init__(self, end: date = FIRST_END, keep_in: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._s = _kept_or_loaded_sessions(min(end, LAST_END), keep_in)
        self.first_day = self._s.days[0]

    @property
    def last_day(self) -> date:
        """The last session held so far (a query past it extends the calendar)."""
        return self._s.days[-1]

    def _through(self, day: date) -> _Sessions:
        """The contents, extended first if ``day`` lies past them (a year past it, whole years)."""
        s = self._s
        if day <= s.end or s.end >= LAST_END:
            return s
        with self._lock:  # worker threads and the event loop share the calendar
            if day > self._s.end:
                self._s = _load_sessions(min(date(min(day, LAST_END).year + 1, 12, 31), LAST_END))
            return self._s

    # -- sessions -------------------------------------------------------------------------
    def is_session(self, day: date) -> bool:
        days = self._through(day).days
        i = bisect.bisect_left(days, day)
        return i < len(days) and days[i] == day

    def session(self, day: date) -> SessionBounds:
        return _bounds(self._through(day), self.session_number(day))

    def session_number(self, day: date) -> int:
        """The session's position since ``first_day`` (0 for the first): fixed for a day, since
        the calendar only grows at its end."""
        s = self._through(day)
        i = bisect.bisect_left(s.days, day)
        if i >= len(s.days) or s.days[i] != day:
            raise ValueError(f"{day} is not a trading session ({self.closed_reason(day)})")
        return i

    def sessions_between(self, start: date, end: date) -> list[SessionBounds]:
        """Sessions with start <= day <= end."""
        s = self._through(end)
        lo = bisect.bisect_left(s.days, start)
        hi = bisect.bisect_right(s.days, end)
        return [_bounds(s, i) for i in range(lo, hi)]

    def previous_session(self, day: date) -> SessionBounds:
        """The last session strictly before ``day``."""
        s = self._through(day)
        i = bisect.bisect_left(s.days, day) - 1
        if i < 0:
            raise ValueError(f"no session before {day} in the calendar")
        return _bounds(s, i)

    def next_session(self, day: date) -> SessionBounds:
        """The first session strictly after ``day``."""
        s = self._through(day + timedelta(days=31))  # no closure has lasted a month
        i = bisect.bisect_right(s.days, day)
        if i >= len(s.days):
            raise ValueError(f"no session after {day} in the calendar")
        return _bounds(s, i)

    def close_at(self, day: date) -> datetime:
        """When options expiring on ``day`` stop: the session's close (13:00 on half days), or
        16:00 ET for a day the calendar does not hold as a session."""
        return self.session(day).close if self.is_session(day) else datetime.combine(day, time(16, 0), ET)

    def last_session_at_or_before(self, day: date) -> SessionBounds:
        return self.session(day) if self.is_session(day) else self.previous_session(day)

    def closed_reason(self, day: date) -> str:
        holidays = self._through(day).holidays
        if day in holidays:
            return f"holiday: {holidays[day]}"
        if day.weekday() >= 5:
            return "weekend"
        return "no session"

    # -- state at a moment ----------------------------------------------------------------
    def status(self, moment: datetime) -> MarketStatus:
        """Pre / regular / after / closed at an aware moment, by the US/Eastern date."""
        day = market_date(moment)
        if not self.is_session(day):
            return MarketStatus(SessionState.CLOSED, day, self.closed_reason(day))
        bounds = self.session(day)
        half = bounds.is_half_day
        note = " (half day)" if half else ""
        if moment < bounds.premarket_open:
            return MarketStatus(SessionState.CLOSED, day, "overnight", half)
        if moment < bounds.open:
            return MarketStatus(SessionState.PRE, day, "pre-market" + note, half)
        if moment < bounds.close:
            return MarketStatus(SessionState.REGULAR, day, "regular session" + note, half)
        if moment < bounds.after_hours_close:
            return MarketStatus(SessionState.AFTER, day, "after hours" + note, half)
        return MarketStatus(SessionState.CLOSED, day, "overnight", half)


def _bounds(s: _Sessions, i: int) -> SessionBounds:
    return SessionBounds(day=s.days[i], open=datetime.fromtimestamp(s.opens[i], UTC),
                         close=datetime.fromtimestamp(s.closes[i], UTC))


def _epoch_seconds(column) -> list[int]:
    ns = column.dt.tz_convert(None).to_numpy().astype("datetime64[s]").astype("int64")
    return [int(x) for x in ns]


_keep_sessions_in: Path | None = None


def keep_sessions_in(directory: Path | None) -> None:
    """Where ``default_calendar`` keeps its sessions between runs (the app's data folder);
    set before its first build. None (the default) keeps nothing."""
    global _keep_sessions_in
    _keep_sessions_in = directory


@lru_cache(maxsize=1)
def default_calendar() -> MarketCalendar:
    """The process-wide calendar (built once; thread-safe enough: worst case built twice)."""
    return MarketCalendar(keep_in=_keep_sessions_in)

