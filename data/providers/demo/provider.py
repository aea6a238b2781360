"""The demo provider: the simulated market served through the standard provider interface.

No key, no network. Data only depends on (seed, symbol, simulated time), so the same seed and
the same clock give the same bars and ticks. History is cut at the simulated "now": the bar of
the current minute is returned partially formed, exactly as the stream reports it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import threading
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from data.bar_aggregation import aggregate
from data.market_calendar import MarketCalendar, SessionBounds, SessionState, market_date
from data.models import Bar, Bars, Quote, StreamEvent, SymbolInfo, Timeframe
from data.option_chain import OptionChain
from data.providers.base import OpenStreams
from data.providers.demo.daily_bars import DailyBook
from data.providers.demo.day_bar_file import DayBarFile, model_key
from data.providers.demo.market_model import MODEL_VERSION, DemoMarket, symbol_key
from data.providers.demo.options import DemoOptions, OptionPricing
from data.providers.demo.profiles import in_universe, popular_symbols, profile_for, universe_message
from data.providers.errors import ProviderError
from data.providers.sim_clock import SimClock, save_time, saved_time
from data.symbols import SymbolError, normalize_symbol, symbol_kind

log = logging.getLogger(__name__)

# Default history per timeframe when the caller gives no start (calendar days).
DEFAULT_LOOKBACK_DAYS = {
    Timeframe.M1: 7, Timeframe.M5: 30, Timeframe.M15: 60,
    Timeframe.H1: 120, Timeframe.H4: 365, Timeframe.D1: 730,
}
MAX_CLOSED_BARS_PER_TICK = 500  # after a clock jump, report at most this many closed minutes
CLOCK_SAVE_EVERY_S = 5.0  # wall seconds between saves of the simulated time (a killed app loses at most this)


def demo_start(calendar: MarketCalendar, wall_now: datetime, resume: datetime | None = None) -> datetime:
    """Where the demo clock starts: now during the regular session, else the regular open of
    the latest session, so a fresh start on a weekend, at night or in a long pre-market (at 1x,
    04:50 ET left four and a half hours of nothing to watch) shows a live day at once.

    ``resume`` is where the previous run's clock stood: when it is later than that (a weekend
    replay of Friday, or a run at a higher speed), the clock continues from it — so what that run
    showed and fired (alerts "at 09:38") stays in the past — or, if the market was closed there,
    from the next session's open."""
    start = wall_now
    if calendar.status(wall_now).state is not SessionState.REGULAR:
        session = calendar.last_session_at_or_before(market_date(wall_now))
        if session.open > wall_now:
            session = calendar.previous_session(session.day)
        start = session.open
    if resume is None or resume <= start:
        return start
    if calendar.status(resume).state is not SessionState.CLOSED:
        return resume
    session = calendar.last_session_at_or_before(market_date(resume))
    return session.open if session.open > resume else calendar.next_session(session.day).open


class DemoProvider:
    name = "demo"
    finest_timeframe = Timeframe.M1
    real_prices = False
    chain_refresh_s = 5.0  # option chains are local: refresh often

    def __init__(self, calendar: MarketCalendar, *, seed: int = 7, clock: SimClock | None = None,
                 speed: float = 1.0, tick_interval: float = 0.25,
                 option_pricing: Callable[[], OptionPricing] | None = None, clock_file: Path | None = None,
                 day_bar_file: Path | None = None) -> None:
        self.calendar = calendar
        self.market = DemoMarket(calendar, seed)
        # ``clock_file`` keeps the simulated moment between runs (see demo_start); saved while
        # the stream runs and when the provider closes.
        self.clock_file = clock_file
        if clock is None:
            resume = saved_time(clock_file) if clock_file is not None else None
            clock = SimClock(demo_start(calendar, datetime.now(UTC), resume), speed)
        self._clock = clock
        self._saved_at = -math.inf  # wall (monotonic) time of the last save
        self.tick_interval = tick_interval
        self._streams = OpenStreams()
        # The option maths comes from the app (analytics sits above data); loaded on first use,
        # in a worker thread, so SciPy's import never lands on the event loop.
        self._load_pricing = option_pricing
        self._options: DemoOptions | None = None
        self._options_lock = threading.Lock()
        # ``day_bar_file`` keeps whole sessions' daily bars between runs (``DayBarFile``)
        self._day_bar_file = DayBarFile(day_bar_file, model_key(MODEL_VERSION, seed)) if day_bar_file else None
        self._daily = DailyBook(calendar, lambda symbol, start, now: self.minute_bars(symbol, start, now, False),
                                self.market.regular_day_bars, self._day_bar_file)

    @property
    def clock(self) -> SimClock:
        return self._clock

    # -- requests -------------------------------------------------------------------------
    async def get_bars(self, symbol: str, timeframe: Timeframe, start: datetime | None = None,
                       end: datetime | None = None, *, extended: bool = False) -> Bars:
        sym = _valid(symbol)
        return await asyncio.to_thread(self.bars_at, sym, timeframe, start, end, extended,
                                       self._clock.now())

    async def get_quote(self, symbol: str) -> Quote:
        sym = _valid(symbol)
        return await asyncio.to_thread(self.quote_at, sym, self._clock.now())

    def symbol_problem(self, symbol: str) -> str | None:
        return None if in_universe(symbol) else universe_message(symbol)

    async def search_symbols(self, query: str, limit: int = 10) -> list[SymbolInfo]:
        """Demo symbols whose ticker starts with, or whose name contains, ``query`` (the exact
        ticker first); a ticker outside the demo universe finds nothing."""
        q = query.strip().upper()
        if not q:
            return []
        try:
            exact = normalize_symbol(q)
        except SymbolError:
            exact = q
        hits = [exact] if in_universe(exact) else []
        hits += [s for s in popular_symbols()
                 if s not in hits and (s.startswith(q) or q in profile_for(s).name.upper())]
        return [SymbolInfo(s, profile_for(s).name, symbol_kind(s)) for s in hits[:limit]]

    async def get_expirations(self, underlying: str) -> list[date]:
        sym = _valid(underlying)
        now = self._clock.now()
        return await asyncio.to_thread(lambda: self.options().expirations(sym, now))

    async def get_option_chain(self, underlying: str, expiration: date | None = None) -> OptionChain:
        sym = _valid(underlying)
        now = self._clock.now()
        return await asyncio.to_thread(self.chain_at, sym, now, expiration)

    def chain_at(self, symbol: str, now: datetime, expiration: date | None = None) -> OptionChain:
        """The option chain as of ``now``, priced off the simulated spot at that moment."""
        return self.options().chain(symbol, now, self.quote_at(symbol, now).last, expiration)

    def options(self) -> DemoOptions:
        with self._options_lock:
            if self._options is None:
                if self._load_pricing is None:
                    raise ProviderError("This demo market was built without option pricing.")
                self._options = DemoOptions(self.calendar, self._load_pricing(), self.market.seed,
                                            self._previous_close)
            return self._options

    def _previous_close(self, symbol: str, day: date) -> float:
        return self.market.regular_close(symbol, self.calendar.previous_session(day).day)

    def open_stream(self) -> DemoStream:
        return self._streams.add(DemoStream(self))

    async def aclose(self) -> None:
        await self._streams.close_all()
        self.save_clock()
        if self._day_bar_file is not None:
            self._day_bar_file.close()

    def clock_save_due(self, every_s: float) -> bool:
        return self.clock_file is not None and time.monotonic() - self._saved_at >= every_s

    def save_clock(self) -> None:
        """Save the simulated moment to ``clock_file`` (if any) for the next run to resume from."""
        if self.clock_file is not None:
            self._saved_at = time.monotonic()
            save_time(self.clock_file, self._clock.now())

    # -- synchronous core (runs in worker threads; pure function of its arguments) ----------
    def minute_bars(self, symbol: str, start: datetime, now: datetime, extended: bool) -> Bars:
        """1-minute bars from ``start`` up to ``now``, the current minute partially formed."""
        days = self.calendar.sessions_between(market_date(start), market_date(now))
        kept = self.market.sessions_bars(symbol, [s.day for s in days])
        chunks = [self._session_minutes(symbol, s, extended, bars) for s, bars in zip(days, kept, strict=True)]
        if not chunks:
            return Bars.empty(symbol, Timeframe.M1)
        bars = chunks[0].concat(*chunks[1:])
        t_now = now.timestamp()
        lo = int(np.searchsorted(bars.ts, int(start.timestamp())))
        done = int(np.searchsorted(bars.ts, t_now - 60, side="right"))
        forming = done < len(bars) and bars.ts[done] <= t_now
        out = bars.slice(lo, done)
        if forming:
            part = self._partial(bars, done, t_now)
            out = out.concat(Bars(symbol, Timeframe.M1, [part.ts], [part.open], [part.high],
                                  [part.low], [part.close], [part.volume]))
        return out

    def bars_at(self, symbol: str, timeframe: Timeframe, start: datetime | None,
                end: datetime | None, extended: bool, now: datetime) -> Bars:
        end = min(end, now) if end else now
        start = start or end - timedelta(days=DEFAULT_LOOKBACK_DAYS[timeframe])
        if start >= end:
            return Bars.empty(symbol, timeframe)
        if timeframe is Timeframe.D1:  # regular-session only, as every chart shows them
            return self._daily.bars(symbol, start, end)
        return aggregate(self.minute_bars(symbol, start, end, extended), timeframe)

    def quote_at(self, symbol: str, now: datetime) -> Quote:
        session = self._reference_session(symbol, now)
        bars = self.market.session_bars(symbol, session.day)
        t_now = now.timestamp()
        i = int(np.searchsorted(bars.ts, t_now, side="right")) - 1
        if i < 0:
            raise ProviderError(f"no demo data for {symbol} at {now:%Y-%m-%d %H:%M}")
        if t_now < bars.ts[i] + 60:
            bar = self._partial(bars, i, t_now)
            last, day_volume = bar.close, float(bars.volume[:i].sum()) + bar.volume
        else:
            last, day_volume = float(bars.close[i]), float(bars.volume[: i + 1].sum())
        prev = self.calendar.previous_session(session.day)
        prev_close = self.market.regular_close(symbol, prev.day)
        half_spread = max(0.01, round(last * 0.00002, 2))
        return Quote(symbol, int(t_now), last, round(last - half_spread, 2),
                     round(last + half_spread, 2), prev_close, day_volume)

    def _reference_session(self, symbol: str, now: datetime) -> SessionBounds:
        """The session whose prices are current at ``now`` (the latest one that has begun)."""
        session = self.calendar.last_session_at_or_before(market_date(now))
        first = session.premarket_open if profile_for(symbol).extended_hours else session.open
        if now < first:
            session = self.calendar.previous_session(session.day)
        return session

    def _session_minutes(self, symbol: str, session: SessionBounds, extended: bool, bars: Bars) -> Bars:
        if extended:
            return bars
        lo = int(np.searchsorted(bars.ts, int(session.open.timestamp())))
        hi = int(np.searchsorted(bars.ts, int(session.close.timestamp())))
        return bars.slice(lo, hi)

    def _partial(self, bars: Bars, i: int, t_now: float) -> Bar:
        """Minute ``i`` as seen ``t_now - ts`` seconds into it (consistent with the final bar)."""
        elapsed = int(min(59, max(0, t_now - bars.ts[i])))
        path = intraminute_path(self.market.seed, bars.symbol, int(bars.ts[i]), bars.open[i],
                                bars.high[i], bars.low[i], bars.close[i])
        seen = path[: elapsed + 1]
        return Bar(bars.symbol, Timeframe.M1, int(bars.ts[i]), float(bars.open[i]),
                   float(seen.max()), float(seen.min()), float(seen[-1]),
                   float(np.round(bars.volume[i] * (elapsed + 1) / 60)), closed=False)


def intraminute_path(seed: int, symbol: str, ts: int, o: float, h: float, l: float, c: float
                     ) -> np.ndarray:
    """61 prices (one per second) from ``o`` to ``c`` that touch exactly ``h`` and ``l``."""
    rng = np.random.default_rng([seed, symbol_key(symbol), ts])
    t1, t2 = sorted(rng.choice(np.arange(5, 56), size=2, replace=False))
    first, second = (h, l) if rng.random() < 0.5 else (l, h)
    xs = np.array([0, t1, t2, 60])
    ys = np.array([o, first, second, c])
    path = np.interp(np.arange(61), xs, ys)
    noise = rng.standard_normal(61) * (h - l) * 0.08
    noise[[0, t1, t2, 60]] = 0.0
    path = np.clip(np.round(path + noise, 2), l, h)
    path[[0, t1, t2, 60]] = ys
    return path


def _valid(symbol: str) -> str:
    """The normalized symbol if the demo market lists it; otherwise the reason, for the user."""
    try:
        sym = normalize_symbol(symbol)
    except SymbolError as exc:
        raise ProviderError(str(exc)) from None
    if not in_universe(sym):
        raise ProviderError(universe_message(sym))
    return sym


class DemoStream:
    """Polls the simulated market every ``tick_interval`` wall seconds for subscribed symbols."""

    def __init__(self, provider: DemoProvider) -> None:
        self._provider = provider
        self._symbols: dict[str, None] = {}
        self._closed = False
        self._last_quote: dict[str, tuple[float, float]] = {}
        self._last_closed_ts: dict[str, int] = {}
        self._wake = asyncio.Event()
        self.last_activity = 0.0  # no poll has succeeded yet

    @property
    def symbols(self) -> list[str]:
        return list(self._symbols)

    def subscribe(self, symbols: list[str]) -> None:
        for s in symbols:
            try:
                self._symbols.setdefault(_valid(s), None)
            except ProviderError as exc:  # e.g. a watchlist entry from before the fixed universe
                log.warning("demo stream: %s", exc)
        self._wake.set()

    def unsubscribe(self, symbols: list[str]) -> None:
        for s in symbols:
            self._symbols.pop(s, None)
            self._last_quote.pop(s, None)
            self._last_closed_ts.pop(s, None)

    async def aclose(self) -> None:
        self._closed = True
        self._wake.set()

    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        return self._run()

    async def _run(self) -> AsyncIterator[StreamEvent]:
        provider = self._provider
        while not self._closed:
            self._skip_closed_time()
            now = provider.clock.now()
            events = await asyncio.to_thread(self.collect, list(self._symbols), now)
            if provider.clock_save_due(CLOCK_SAVE_EVERY_S):
                await asyncio.to_thread(provider.save_clock)
            self.last_activity = time.monotonic()
            for event in events:
                yield event
            self._wake.clear()
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
            # lands as the wake-up fires, and the stream would then outlive its service.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(provider.tick_interval):
                    await self._wake.wait()

    def _skip_closed_time(self) -> None:
        """When accelerated, jump over nights/weekends/holidays to the next pre-market."""
        clock, cal = self._provider.clock, self._provider.calendar
        now = clock.now()
        if clock.speed <= 1.0 or cal.status(now).state is not SessionState.CLOSED:
            return
        nxt = cal.next_session(market_date(now) - timedelta(days=1))
        target = nxt.premarket_open if nxt.premarket_open > now else cal.next_session(nxt.day).premarket_open
        clock.jump_to(target)

    def collect(self, symbols: list[str], now: datetime) -> list[StreamEvent]:
        """Everything that changed for ``symbols`` since the previous call, as of ``now``."""
        events: list[StreamEvent] = []
        for sym in symbols:
            try:
                quote = self._provider.quote_at(sym, now)
            except ProviderError as exc:
                log.warning("demo stream: %s", exc)
                continue
            key = (quote.last, quote.day_volume)
            if self._last_quote.get(sym) != key:
                self._last_quote[sym] = key
                events.append(quote)
            events.extend(self._bar_events(sym, now))
        return events

    def _bar_events(self, symbol: str, now: datetime) -> list[Bar]:
        since = self._last_closed_ts.get(symbol)
        start = datetime.fromtimestamp(since + 60, UTC) if since else now - timedelta(minutes=1)
        bars = self._provider.minute_bars(symbol, start, now, extended=True)
        out: list[Bar] = []
        n_closed = len(bars) - (1 if len(bars) and bars.ts[-1] + 60 > now.timestamp() else 0)
        for i in range(max(0, n_closed - MAX_CLOSED_BARS_PER_TICK), n_closed):
            out.append(Bar(symbol, Timeframe.M1, int(bars.ts[i]), float(bars.open[i]), float(bars.high[i]),
                           float(bars.low[i]), float(bars.close[i]), float(bars.volume[i]), closed=True))
        if n_closed:
            self._last_closed_ts[symbol] = int(bars.ts[n_closed - 1])
        elif since is None:
            self._last_closed_ts[symbol] = int(now.timestamp()) // 60 * 60 - 60
        if n_closed < len(bars):
            i = len(bars) - 1
            out.append(Bar(symbol, Timeframe.M1, int(bars.ts[i]), float(bars.open[i]), float(bars.high[i]),
                           float(bars.low[i]), float(bars.close[i]), float(bars.volume[i]), closed=False))
        return out
