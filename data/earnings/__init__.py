"""Earnings calendars from three sources, read into plain ``EarningsEvent`` records.

* ``demo``: the simulated market's quarterly dates (the ones that bump the demo chains' IV), with
  a BMO/AMC time and an EPS estimate fixed per symbol: deterministic, offline.
* ``alphavantage``: Alpha Vantage's free ``EARNINGS_CALENDAR`` (CSV, 25 requests a day).
* ``benzinga``: Massive's Benzinga earnings endpoint (a plan add-on), the fallback.

Every failure a trader can do something about is an ``EarningsSourceError`` whose message is
plain words (never a key, never a URL carrying one) and whose ``kind`` tells the caller what
happened: no key, a bad key, throttled, not in the plan, unreachable, malformed, empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from data.store.records import EarningsEvent

BMO, AMC, UNKNOWN = "bmo", "amc", "unknown"
NO_KEY, BAD_KEY, THROTTLED, NOT_IN_PLAN = "no_key", "bad_key", "throttled", "not_in_plan"
UNREACHABLE, MALFORMED, EMPTY = "unreachable", "malformed", "empty"


class EarningsSourceError(Exception):
    """A source could not give its calendar; ``str(exc)`` is for the trader."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class ParsedCalendar:
    events: tuple[EarningsEvent, ...]
    dropped: int = 0  # rows that could not be read (a bad date, no symbol …)


def timing_of_time(hhmmss: str | None) -> tuple[str, str | None]:
    """A report's session timing from its ET time "HH:MM[:SS]": before 09:30 is BMO, from 16:00
    AMC, 00:00 (or no time) unknown; during the session it stays unknown with its time kept."""
    if not hhmmss:
        return UNKNOWN, None
    parts = hhmmss.strip().split(":")
    try:
        hour, minute = int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    except ValueError:
        return UNKNOWN, None
    if not (0 <= hour < 24 and 0 <= minute < 60) or (hour, minute) == (0, 0):
        return UNKNOWN, None
    shown = f"{hour:02d}:{minute:02d}"
    if (hour, minute) < (9, 30):
        return BMO, shown
    return (AMC, shown) if hour >= 16 else (UNKNOWN, shown)
