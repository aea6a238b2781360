"""Which closed minute bars each symbol of one stream has, and which an outage may have cost it.

While the socket is up it is lossless (TCP): a minute without an ``AM`` had no trade. So gaps only
come from outages: from the latest ``AM`` minute seen before a drop (a drop can cut its batch in
half) to the first ``AM`` minute after the reconnect, both included. Every minute of that window
that is closed on the *provider's* clock (the newest event time the stream has seen, never the
PC clock) and not seen is pending until REST delivers it, or REST shows it had no bar (the
symbol's answer, or the cluster's, has bars two minutes past it), or its session is over.

A minute seen twice (stream and REST) is passed on once; a later copy with other numbers is
passed on again as the newer state of the same minute (downstream replaces it, never adds it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from data.market_calendar import ET, market_date
from data.models import Bar

MINUTE = 60
EMPTY_MARGIN = 2 * MINUTE  # REST this far past a minute without it: the minute had no trade


def _day_start(ts: float) -> int:
    """00:00 ET of the market day of ``ts``: minutes before it belong to a session that is over."""
    day = market_date(datetime.fromtimestamp(ts, UTC))
    return int(datetime(day.year, day.month, day.day, tzinfo=ET).timestamp())


@dataclass
class _Window:
    start: int  # first uncertain minute start
    end: int | None  # last uncertain minute start (None: the outage is still going on)
    symbols: frozenset[str]


@dataclass
class MinuteLedger:
    symbols: set[str] = field(default_factory=set)
    market_time: float = 0.0  # newest event time seen (provider's clock, UTC seconds)
    _seen: dict[str, dict[int, tuple]] = field(default_factory=dict)
    _empty: dict[str, set[int]] = field(default_factory=dict)
    _windows: list[_Window] = field(default_factory=list)
    _last_am: int | None = None  # newest AM minute of the current connection (or the last one)
    _outage: bool = False
    _today: int = 0  # 00:00 ET of the market day being repaired

    # -- the stream -----------------------------------------------------------------------------
    @property
    def in_outage(self) -> bool:
        """Dropped, and no live minute bar since: the window of uncertain minutes is still open."""
        return self._outage

    def observe(self, event_ts: float) -> None:
        if event_ts > self.market_time:
            self.market_time = event_ts

    def dropped(self) -> None:
        """The connection was lost: from the newest AM minute on, nothing is certain."""
        if self._outage:
            return
        self._outage = True
        start = self._last_am if self._last_am is not None else int(self.market_time // MINUTE) * MINUTE
        if start > 0:
            self._windows.append(_Window(start, None, frozenset(self.symbols)))

    def accept(self, bar: Bar, *, live: bool) -> bool:
        """Record ``bar``; True when it is news downstream (a first copy, or changed numbers)."""
        if bar.symbol not in self.symbols:
            return False
        if live:
            self.observe(bar.ts + MINUTE)
            if self._outage:
                self._outage = False
                for w in self._windows:
                    if w.end is None:
                        w.end = bar.ts  # its batch may have begun before we resubscribed
            self._last_am = max(self._last_am or bar.ts, bar.ts)
        elif bar.ts + MINUTE > self.market_time:
            return False  # REST's forming minute: not closed on the provider's clock yet
        values = (bar.open, bar.high, bar.low, bar.close, bar.volume)
        seen = self._seen.setdefault(bar.symbol, {})
        if seen.get(bar.ts) == values:
            return False
        seen[bar.ts] = values
        return True

    # -- repairs --------------------------------------------------------------------------------
    def gaps(self) -> dict[str, list[int]]:
        """Pending closed minutes of today's session per symbol (older sessions are over)."""
        self._forget_old_sessions()
        out: dict[str, list[int]] = {}
        for w in self._windows:
            for sym in w.symbols & self.symbols:
                if missing := self._missing(w, sym):
                    out.setdefault(sym, []).extend(missing)
        return {sym: sorted(set(ms)) for sym, ms in out.items()}

    def _missing(self, w: _Window, sym: str) -> list[int]:
        first = max(w.start, self._today)
        last = self.market_time - MINUTE if w.end is None else min(w.end, self.market_time - MINUTE)
        seen, empty = self._seen.get(sym, {}), self._empty.get(sym, set())
        return [m for m in range(first, int(last) + 1, MINUTE) if m not in seen and m not in empty]

    def pending(self) -> int:
        return sum(len(ms) for ms in self.gaps().values())

    def answered(self, symbol: str, asked: list[int], newest: int | None, cluster_newest: int | None) -> None:
        """REST answered for ``asked`` minutes of ``symbol``; its newest bar (any minute) is
        ``newest``, the cluster's in the same pass ``cluster_newest``: minutes REST has plainly
        passed without a bar had no trade."""
        horizon = max(newest if newest is not None else -1, (cluster_newest or -1) - EMPTY_MARGIN)
        seen = self._seen.get(symbol, {})
        empty = self._empty.setdefault(symbol, set())
        empty.update(m for m in asked if m < horizon and m not in seen)

    def _forget_old_sessions(self) -> None:
        today = _day_start(self.market_time) if self.market_time else 0
        if today != self._today:  # a new session: what the last one missed stays missed
            self._today = today
            keep = self.symbols
            self._seen = {sym: {m: v for m, v in ms.items() if m >= today} for sym, ms in self._seen.items()
                          if sym in keep}
            self._empty = {sym: {m for m in ms if m >= today} for sym, ms in self._empty.items() if sym in keep}
        self._windows = [w for w in self._windows if w.end is None or self._open(w)]

    def _open(self, w: _Window) -> bool:
        if w.end is not None and w.end + MINUTE > self.market_time:
            return True  # not all of it is closed yet
        return any(self._missing(w, sym) for sym in w.symbols & self.symbols)
