"""US equity market calendar (NYSE, via exchange_calendars XNYS) in US/Eastern terms.

Everything a trader means by "today" is the US/Eastern market date, never the UTC date: at
21:00 ET the UTC date is already tomorrow. Session bounds come from the exchange calendar, so
holidays and half days (13:00 ET close) are right without our own tables.

Loading exchange_calendars imports pandas (about a second), so build ``MarketCalendar`` off
the GUI thread; after construction every query is a cheap bisect over plain arrays.
"""

from __future__ import annotations

import bisect
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import Enum
from functools import lru_cache
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

CALENDAR_START = "2005-01-03"


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


class MarketCalendar:
    """Sessions of XNYS from 2005 to a year ahead, as sorted arrays for fast lookups."""

    def __init__(self) -> None:
        import exchange_calendars as xcals  # heavy (pandas); see module doc

        with warnings.catch_warnings():
            # exchange_calendars itself trips a pandas 3.1 deprecation; nothing for us to fix.
            warnings.filterwarnings("ignore", message="Series.values returning an ndarray")
            cal = xcals.get_calendar("XNYS", start=CALENDAR_START)
        self._days: list[date] = [ts.date() for ts in cal.sessions]
        schedule = cal.schedule
        self._opens: list[int] = _epoch_seconds(schedule["open"])
        self._closes: list[int] = _epoch_seconds(schedule["close"])
        first, last = self._days[0], self._days[-1]
        names = cal.regular_holidays.holidays(start=str(first), end=str(last), return_name=True)
        self._holidays: dict[date, str] = {ts.date(): str(name) for ts, name in names.items()}
        for ts in cal.adhoc_holidays:
            if first <= ts.date() <= last:
                self._holidays.setdefault(ts.date(), "market closed")
        self.first_day, self.last_day = first, last

    # -- sessions -------------------------------------------------------------------------
    def is_session(self, day: date) -> bool:
        i = bisect.bisect_left(self._days, day)
        return i < len(self._days) and self._days[i] == day

    def session(self, day: date) -> SessionBounds:
        i = bisect.bisect_left(self._days, day)
        if i >= len(self._days) or self._days[i] != day:
            raise ValueError(f"{day} is not a trading session ({self.closed_reason(day)})")
        return self._bounds(i)

    def sessions_between(self, start: date, end: date) -> list[SessionBounds]:
        """Sessions with start <= day <= end."""
        lo = bisect.bisect_left(self._days, start)
        hi = bisect.bisect_right(self._days, end)
        return [self._bounds(i) for i in range(lo, hi)]

    def previous_session(self, day: date) -> SessionBounds:
        """The last session strictly before ``day``."""
        i = bisect.bisect_left(self._days, day) - 1
        if i < 0:
            raise ValueError(f"no session before {day} in the calendar")
        return self._bounds(i)

    def next_session(self, day: date) -> SessionBounds:
        """The first session strictly after ``day``."""
        i = bisect.bisect_right(self._days, day)
        if i >= len(self._days):
            raise ValueError(f"no session after {day} in the calendar")
        return self._bounds(i)

    def close_at(self, day: date) -> datetime:
        """When options expiring on ``day`` stop: the session's close (13:00 on half days), or
        16:00 ET for a day the calendar does not hold as a session."""
        return self.session(day).close if self.is_session(day) else datetime.combine(day, time(16, 0), ET)

    def last_session_at_or_before(self, day: date) -> SessionBounds:
        return self.session(day) if self.is_session(day) else self.previous_session(day)

    def closed_reason(self, day: date) -> str:
        if day in self._holidays:
            return f"holiday: {self._holidays[day]}"
        if day.weekday() >= 5:
            return "weekend"
        return "no session"

    def _bounds(self, i: int) -> SessionBounds:
        return SessionBounds(
            day=self._days[i],
            open=datetime.fromtimestamp(self._opens[i], UTC),
            close=datetime.fromtimestamp(self._closes[i], UTC),
        )

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


def _epoch_seconds(column) -> list[int]:
    ns = column.dt.tz_convert(None).to_numpy().astype("datetime64[s]").astype("int64")
    return [int(x) for x in ns]


@lru_cache(maxsize=1)
def default_calendar() -> MarketCalendar:
    """The process-wide calendar (built once; thread-safe enough: worst case built twice)."""
    return MarketCalendar()

