"""The replay provider: a recorded session played through the standard provider interface.

The replay clock runs at 1x…1000x over the recording's own timeline and can pause, step one
bar and seek. The stream reports each bar when it starts (forming: open only) and when it ends
(closed: the recorded OHLCV), with a quote at the close; long gaps with no bars (nights,
weekends) are skipped. History requests return what has been "played" up to the clock, in
the recording's timeframe or any coarser one.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from data.bar_aggregation import aggregate, et_day_and_minute, regular_session_only
from data.market_calendar import MarketCalendar
from data.models import Bar, Bars, Quote, StreamEvent, SymbolInfo, Timeframe
from data.providers.base import OpenStreams
from data.providers.errors import ProviderError
from data.providers.replay.recording import load_recording
from data.providers.sim_clock import SimClock
from data.symbols import SymbolError, normalize_symbol, symbol_kind

MAX_IDLE_GAP_S = 15 * 60  # a gap longer than this with no bars is skipped


class ReplayProvider:
    name = "replay"
    real_prices = True

    def __init__(self, calendar: MarketCalendar, path: Path, *, speed: float = 1.0, symbol: str | None = None,
                 tz: str = "America/New_York", label: str = "auto", clock: SimClock | None = None,
                 tick_interval: float = 0.1) -> None:
        self.calendar = calendar
        recording = load_recording(path, symbol=symbol, tz=tz, label=label)
        self.bars = recording.bars
        self.finest_timeframe = self.bars.timeframe  # nothing finer can be made from the recording
        self.report = recording.report
        self.symbol = self.bars.symbol
        self.bar_seconds = self.bars.timeframe.minutes * 60
        self._clock = clock or SimClock(self.default_start(), speed)
        self.tick_interval = tick_interval
        self._streams = OpenStreams()

    def default_start(self) -> datetime:
        """The first bar of the second recorded day (the first day is history), else the first bar."""
        day, _ = et_day_and_minute(self.bars.ts)
        second = np.flatnonzero(day != day[0])
        first = int(self.bars.ts[second[0]] if len(second) else self.bars.ts[0])
        return datetime.fromtimestamp(first, UTC)

    @property
    def clock(self) -> SimClock:
        return self._clock

    # -- control ------------------------------------------------------------------------------
    def span(self) -> tuple[datetime, datetime]:
        """From the first bar's start to the last bar's end."""
        return (datetime.fromtimestamp(int(self.bars.ts[0]), UTC),
                datetime.fromtimestamp(int(self.bars.ts[-1]) + self.bar_seconds, UTC))

    def set_speed(self, speed: float) -> None:
        self._clock.set_speed(speed)

    def pause(self) -> None:
        self._clock.pause()

    def resume(self) -> None:
        self._clock.resume()

    def step(self) -> None:
        """Pause and advance to the end of the next bar."""
        self._clock.pause()
        nxt = self._next_bar_index(self._clock.now())
        if nxt < len(self.bars):
            self._clock.jump_to(datetime.fromtimestamp(int(self.bars.ts[nxt]) + self.bar_seconds, UTC))

    def seek(self, moment: datetime) -> None:
        """Continue from ``moment``, paused or running as before."""
        self._clock.jump_to(moment)
        for stream in self._streams:
            stream.reset()

    def _next_bar_index(self, now: datetime) -> int:
        """Index of the first bar that has not finished by ``now``."""
        return int(np.searchsorted(self.bars.ts + self.bar_seconds, now.timestamp(), side="right"))

    # -- requests --------------------------------------------------------------------------------
    def _check(self, symbol: str) -> str:
        try:
            sym = normalize_symbol(symbol)
        except SymbolError as exc:
            raise ProviderError(str(exc)) from None
        if sym != self.symbol:
            raise ProviderError(f"The replay file holds {self.symbol} only, not {sym}.")
        return sym

    def bars_at(self, timeframe: Timeframe, start: datetime | None, end: datetime | None, now: datetime,
                extended: bool = True) -> Bars:
        """Finished bars up to ``now`` (the forming one included with its open only); without
        ``extended`` (and always for daily bars), only the regular session's."""
        t_now = now.timestamp()
        done = int(np.searchsorted(self.bars.ts + self.bar_seconds, t_now, side="right"))
        started = int(np.searchsorted(self.bars.ts, t_now, side="right"))
        played = self.bars.slice(0, done)
        if started > done:  # the forming bar: only its open is known yet
            i = done
            o = float(self.bars.open[i])
            played = played.concat(Bars(self.symbol, self.bars.timeframe, [self.bars.ts[i]], [o], [o], [o], [o], [0.0]))
        if start is not None or end is not None:
            lo = int(np.searchsorted(played.ts, start.timestamp())) if start else 0
            hi = int(np.searchsorted(played.ts, end.timestamp(), side="right")) if end else len(played)
            played = played.slice(lo, hi)
        if not extended or not timeframe.is_intraday:
            played = regular_session_only(played)
        if timeframe is self.bars.timeframe:
            return played
        try:
            return aggregate(played, timeframe)
        except ValueError:
            raise ProviderError(f"The recording has {self.bars.timeframe.value} bars; "
                                f"{timeframe.value} cannot be made from them.") from None

    async def get_bars(self, symbol: str, timeframe: Timeframe, start: datetime | None = None,
                       end: datetime | None = None, *, extended: bool = False) -> Bars:
        self._check(symbol)
        return await asyncio.to_thread(self.bars_at, timeframe, start, end, self._clock.now(), extended)

    def quote_at(self, now: datetime) -> Quote:
        played = self.bars_at(self.bars.timeframe, None, None, now)
        if not len(played):
            raise ProviderError(f"The replay of {self.symbol} has not started yet.")
        last = float(played.close[-1])
        day, _ = et_day_and_minute(played.ts)
        earlier = np.flatnonzero(day < day[-1])
        prev_close = float(played.close[earlier[-1]]) if len(earlier) else float(played.open[0])
        today = day == day[-1]
        return Quote(self.symbol, int(now.timestamp()), last, round(last - 0.01, 2), round(last + 0.01, 2),
                     prev_close, float(played.volume[today].sum()))

    async def get_quote(self, symbol: str) -> Quote:
        self._check(symbol)
        return self.quote_at(self._clock.now())

    def symbol_problem(self, symbol: str) -> str | None:
        return None if symbol == self.symbol else f"The replay file holds {self.symbol} only, not {symbol}."

    async def search_symbols(self, query: str, limit: int = 10) -> list[SymbolInfo]:
        q = query.strip().upper()
        if q and not self.symbol.startswith(q):
            return []
        return [SymbolInfo(self.symbol, f"{self.symbol} (replay of {self.report.received:,} rows)",
                           symbol_kind(self.symbol))]

    def open_stream(self) -> ReplayStream:
        return self._streams.add(ReplayStream(self))

    async def aclose(self) -> None:
        await self._streams.close_all()


class ReplayStream:
    def __init__(self, provider: ReplayProvider) -> None:
        self._provider = provider
        self._subscribed = False
        self._closed = False
        self._wake = asyncio.Event()
        self.last_activity = 0.0
        self.reset()

    def reset(self) -> None:
        """Start reporting from the clock's current position (after a seek)."""
        now = self._provider.clock.now().timestamp()
        bars = self._provider.bars
        self._next_close = int(np.searchsorted(bars.ts + self._provider.bar_seconds, now, side="right"))
        self._next_open = int(np.searchsorted(bars.ts, now, side="right"))

    def subscribe(self, symbols: list[str]) -> None:
        if any(normalize_symbol(s) == self._provider.symbol for s in symbols):
            self._subscribed = True
            self._wake.set()

    def unsubscribe(self, symbols: list[str]) -> None:
        if any(normalize_symbol(s) == self._provider.symbol for s in symbols):
            self._subscribed = False

    async def aclose(self) -> None:
        self._closed = True
        self._wake.set()

    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        return self._run()

    async def _run(self) -> AsyncIterator[StreamEvent]:
        first = True
        while not self._closed:
            self._skip_idle_gap()
            events = self.collect(self._provider.clock.now(), include_quote=first)
            first = False
            self.last_activity = time.monotonic()
            for event in events:
                yield event
            self._wake.clear()
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
            # lands as the wake-up fires, and the stream would then outlive its service.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._provider.tick_interval):
                    await self._wake.wait()

    def _skip_idle_gap(self) -> None:
        p = self._provider
        if p.clock.paused or self._next_open >= len(p.bars):
            return
        now = p.clock.now().timestamp()
        start = int(p.bars.ts[self._next_open])
        open_bar_running = self._next_close < self._next_open
        if not open_bar_running and start - now > MAX_IDLE_GAP_S:
            p.clock.jump_to(datetime.fromtimestamp(start, UTC))

    def collect(self, now: datetime, include_quote: bool = False) -> list[StreamEvent]:
        """Bars that opened or closed since the last call, each close followed by a quote."""
        p, bars = self._provider, self._provider.bars
        if not self._subscribed:
            return []
        t = now.timestamp()
        events: list[StreamEvent] = []
        while self._next_close < len(bars) and bars.ts[self._next_close] + p.bar_seconds <= t:
            i = self._next_close
            events.append(Bar(p.symbol, bars.timeframe, int(bars.ts[i]), float(bars.open[i]), float(bars.high[i]),
                              float(bars.low[i]), float(bars.close[i]), float(bars.volume[i]), closed=True))
            self._next_close += 1
            include_quote = True
        self._next_open = max(self._next_open, self._next_close)
        while self._next_open < len(bars) and bars.ts[self._next_open] <= t:
            i = self._next_open
            o = float(bars.open[i])
            events.append(Bar(p.symbol, bars.timeframe, int(bars.ts[i]), o, o, o, o, 0.0, closed=False))
            self._next_open += 1
            include_quote = True
        if include_quote:
            with contextlib.suppress(ProviderError):
                events.append(p.quote_at(now))
        return events
