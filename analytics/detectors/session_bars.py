"""The bars a detector reads: one symbol's intraday bars with each bar's ET day, minute and its
session's own hours (a half day closes at 13:00), so every detector shares one notion of the
session (regular hours only unless a detector asks for more)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.levels import SessionHours
from data.bar_aggregation import et_day_and_minute
from data.models import Bars


@dataclass(frozen=True, eq=False)
class SessionBars:
    symbol: str
    ts: np.ndarray  # bar start, UTC epoch seconds
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    bar_seconds: int
    day: np.ndarray  # ET day ordinal of each bar
    minute: np.ndarray  # ET minute of day of each bar's start
    open_minute: np.ndarray  # its session's regular open / close (ET minutes of day)
    close_minute: np.ndarray

    @classmethod
    def from_bars(cls, bars: Bars, hours: SessionHours | None = None,
                  day_minute: tuple[np.ndarray, np.ndarray] | None = None) -> SessionBars:
        """``day_minute``: the bars' ``et_day_and_minute`` when the caller has it already."""
        day, minute = et_day_and_minute(bars.ts) if day_minute is None else day_minute
        opens, closes = (hours or SessionHours.regular()).per_bar(day)
        return cls(bars.symbol, np.asarray(bars.ts, np.int64), bars.open, bars.high, bars.low, bars.close,
                   bars.volume, bars.timeframe.minutes * 60, day, minute, opens, closes)

    def __len__(self) -> int:
        return len(self.ts)

    def head(self, n: int) -> SessionBars:
        """The first ``n`` bars (what a detector saw when the ``n``-th bar had just closed)."""
        return SessionBars(self.symbol, *(a[:n] for a in (self.ts, self.open, self.high, self.low, self.close,
                                                         self.volume)), self.bar_seconds,
                           *(a[:n] for a in (self.day, self.minute, self.open_minute, self.close_minute)))

    def tail(self, start: int) -> SessionBars:
        """The bars from ``start`` on (a detector that reads fewer sessions of context)."""
        return SessionBars(self.symbol, *(a[start:] for a in (self.ts, self.open, self.high, self.low, self.close,
                                                             self.volume)), self.bar_seconds,
                           *(a[start:] for a in (self.day, self.minute, self.open_minute, self.close_minute)))

    def last_sessions(self, n: int) -> tuple[SessionBars, int]:
        """The bars of the last ``n`` sessions and the index they start at."""
        starts = self.session_starts()
        start = int(starts[-n]) if len(starts) > n else 0
        return (self.tail(start) if start else self), start

    @property
    def regular(self) -> np.ndarray:
        """Bars inside their session's regular hours."""
        return (self.minute >= self.open_minute) & (self.minute < self.close_minute)

    def session_starts(self) -> np.ndarray:
        """Index of each session's first bar (sessions in time order)."""
        return np.flatnonzero(np.concatenate(([True], self.day[1:] != self.day[:-1]))) if len(self) else \
            np.empty(0, np.int64)

    def bar_close(self, i: int) -> int:
        return int(self.ts[i]) + self.bar_seconds
