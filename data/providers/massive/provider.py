"""The Massive provider: REST history/quotes/search/chains/reference data/indicators plus one WebSocket per cluster.

Intraday bars are fetched as minute aggregates and aggregated here, so every provider's 5m/1h/4h
bars sit on the same 09:30-anchored grid; daily bars come as Massive's daily aggregates.
Symbol search answers are cached for 24 h, snapshots and chains for a few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

from data.bar_aggregation import aggregate, regular_session_only
from data.market_calendar import ET, MarketCalendar, market_date
from data.models import Bar, Bars, Quote, StreamEvent, SymbolInfo, Timeframe
from data.option_chain import OptionChain
from data.providers.bar_cache import BarCache
from data.providers.base import OpenStreams
from data.providers.massive.client import MassiveClient
from data.providers.massive.errors import MassiveError
from data.providers.massive.indicators import MassiveIndicators
from data.providers.massive.market_clock import MarketClock
from data.providers.massive.parsers import (
    Parsed,
    parse_aggregates,
    parse_indices_snapshot,
    parse_option_chain,
    parse_option_contracts,
    parse_stock_snapshot,
    parse_ticker_search,
    to_massive_ticker,
)
from data.providers.massive.reference_parsers import (
    parse_dividends,
    parse_news,
    parse_snapshot_list,
    parse_splits,
    parse_ticker_details,
    parse_treasury_yields,
)
from data.providers.massive.stream import MassiveStream
from data.providers.quote_book import QuoteBook
from data.reference import Dividend, NewsItem, Split, TickerDetails, TreasuryYields
from data.symbols import SymbolError, SymbolKind, normalize_symbol, symbol_kind

LOOKBACK_DAYS = {Timeframe.M1: 5, Timeframe.M5: 20, Timeframe.M15: 45, Timeframe.H1: 90, Timeframe.H4: 180,
                 Timeframe.D1: 730}
log = logging.getLogger(__name__)
SEARCH_TTL_S = 24 * 3600
SNAPSHOT_TTL_S = 5
SEED_RETRY_S = 300.0
EXPIRATIONS_TTL_S = 3600
REFERENCE_TTL_S = 12 * 3600  # details and corporate actions change at most daily
MOVERS_TTL_S = 60


class MassiveProvider(MassiveIndicators):  # + get_indicator (Massive's own EMA/SMA/RSI/MACD)
    name = "massive"
    finest_timeframe = Timeframe.M1
    real_prices = True
    chain_refresh_s = 30.0  # a full chain is many REST pages: refresh gently

    def __init__(self, calendar: MarketCalendar, api_key: str, *, delayed: bool = False,
                 client: MassiveClient | None = None, ws_url: str | None = None,
                 cache: BarCache | None = None) -> None:
        self.calendar = calendar
        self._key = api_key
        self.delayed = delayed
        self.client = client or MassiveClient(api_key)
        self._ws_url = ws_url  # tests point this at a local server ("{cluster}" is filled in)
        self._clock = MarketClock(follow_feed=not delayed)
        self._cache: dict[tuple, tuple[float, object]] = {}
        self._streams = OpenStreams()
        self.bar_cache = cache

    @property
    def clock(self) -> MarketClock:
        return self._clock

    def _cached(self, key: tuple, ttl: float) -> object | None:
        hit = self._cache.get(key)
        return hit[1] if hit and time.monotonic() - hit[0] < ttl else None

    def _store(self, key: tuple, value: object) -> object:
        self._cache[key] = (time.monotonic(), value)
        return value

    # -- history -----------------------------------------------------------------------------
    async def get_bars(self, symbol: str, timeframe: Timeframe, start: datetime | None = None,
                       end: datetime | None = None, *, extended: bool = False) -> Bars:
        sym = _valid(symbol)
        end = end or self._clock.now()
        start = start or end - timedelta(days=LOOKBACK_DAYS[timeframe])
        base = Timeframe.D1 if timeframe is Timeframe.D1 else Timeframe.M1
        bars = await self._history(sym, base, int(start.timestamp()), int(end.timestamp()))
        if not extended:
            bars = regular_session_only(bars)
        return await asyncio.to_thread(aggregate, bars, timeframe) if timeframe is not base else bars

    async def _fetch(self, sym: str, base: Timeframe, start: int, end: int) -> Bars:
        span = "day" if base is Timeframe.D1 else "minute"
        path = f"/v2/aggs/ticker/{to_massive_ticker(sym)}/range/1/{span}/{start * 1000}/{end * 1000}"
        pages = await self.client.paginate(path, {"adjusted": True, "sort": "asc", "limit": 50000})
        parts = [parse_aggregates(p, sym, base).value for p in pages]
        return parts[0].concat(*parts[1:]) if parts else Bars.empty(sym, base)

    async def _history(self, sym: str, base: Timeframe, start: int, end: int) -> Bars:
        """Bars in [start, end]: finished sessions from the persistent cache where it holds
        them, the rest (always including today) from Massive; new finished bars are cached."""
        if self.bar_cache is None:
            return await self._fetch(sym, base, start, end)
        today = int(datetime.combine(self._clock.now().astimezone(ET).date(), datetime.min.time(), ET).timestamp())
        covered = await asyncio.to_thread(self.bar_cache.coverage, sym, base)
        if covered and covered[0] <= start < covered[1]:
            cached = await asyncio.to_thread(self.bar_cache.read, sym, base, start, min(covered[1], end + 1))
            fresh = await self._fetch(sym, base, covered[1], end) if end >= covered[1] else Bars.empty(sym, base)
            fetched_from = covered[1]
        else:
            cached, fresh, fetched_from = Bars.empty(sym, base), await self._fetch(sym, base, start, end), start
        until = min(today, end + 1)
        if until > fetched_from and len(fresh):
            await asyncio.to_thread(self.bar_cache.store, fresh, fetched_from, until)
        merged = cached.concat(fresh)
        _, first = np.unique(merged.ts, return_index=True)  # sorted, one bar per timestamp
        return merged.take(first)

    async def backfill_minutes(self, symbol: str, first: int, last: int) -> list[Bar]:
        """Minute bars starting in [``first``, ``last``] and after, up to now: one ranged request
        (the stream's repair loop; its ledger drops any minute not closed on the market's clock)."""
        start = datetime.fromtimestamp(first, UTC)
        end = max(self._clock.now(), datetime.fromtimestamp(last + 60, UTC))
        bars = await self._fetch(_valid(symbol), Timeframe.M1, int(start.timestamp()), int(end.timestamp()))
        return [Bar(symbol, Timeframe.M1, int(bars.ts[i]), float(bars.open[i]), float(bars.high[i]),
                    float(bars.low[i]), float(bars.close[i]), float(bars.volume[i]), closed=True)
                for i in range(len(bars))]

    # -- quotes, search, chains ---------------------------------------------------------------
    async def get_quote(self, symbol: str) -> Quote:
        sym = _valid(symbol)
        cached = self._cached(("quote", sym), SNAPSHOT_TTL_S)
        if cached is not None:
            return cached  # type: ignore[return-value]
        if symbol_kind(sym) is SymbolKind.INDEX:
            quotes = parse_indices_snapshot(
                await self.client.get("/v3/snapshot/indices", {"ticker.any_of": to_massive_ticker(sym)})).value
            if sym not in quotes:
                raise MassiveError(f"Massive has no index snapshot for {sym} (check the plan's index data).")
            return self._store(("quote", sym), quotes[sym])  # type: ignore[return-value]
        payload = await self.client.get(f"/v2/snapshot/locale/us/markets/stocks/tickers/{sym}")
        return self._store(("quote", sym), parse_stock_snapshot(payload, sym))  # type: ignore[return-value]

    async def search_symbols(self, query: str, limit: int = 10) -> list[SymbolInfo]:
        q = query.strip()
        if not q:
            return []
        cached = self._cached(("search", q.upper(), limit), SEARCH_TTL_S)
        if cached is not None:
            return cached  # type: ignore[return-value]
        payload = await self.client.get("/v3/reference/tickers", {"search": q, "active": True, "limit": limit})
        return self._store(("search", q.upper(), limit), parse_ticker_search(payload).value)  # type: ignore[return-value]

    async def get_expirations(self, underlying: str) -> list[date]:
        """From the contracts reference (the chain snapshot would cost every quote to list them)."""
        sym = _valid(underlying)
        key = ("expirations", sym)
        cached = self._cached(key, EXPIRATIONS_TTL_S)
        if cached is not None:
            return cached  # type: ignore[return-value]
        today = market_date(self._clock.now())
        days = sorted({c.expiry for c in await self.get_option_contracts(sym) if c.expiry >= today})
        return self._store(key, days)  # type: ignore[return-value]

    async def get_option_chain(self, underlying: str, expiration: date | str | None = None,
                               strike_range: tuple[float, float] | None = None) -> OptionChain:
        sym = _valid(underlying)
        if isinstance(expiration, date):
            expiration = expiration.isoformat()
        params: dict[str, object] = {"limit": 250, "expiration_date": expiration}
        if strike_range:
            params["strike_price.gte"], params["strike_price.lte"] = strike_range
        key = ("chain", sym, expiration, strike_range)
        cached = self._cached(key, SNAPSHOT_TTL_S)
        if cached is not None:
            return cached  # type: ignore[return-value]
        pages = await self.client.paginate(f"/v3/snapshot/options/{to_massive_ticker(sym)}", params, max_pages=40)
        chain = parse_option_chain(pages, sym, self._clock.now().astimezone(ET)).value
        return self._store(key, chain)  # type: ignore[return-value]

    async def get_option_contracts(self, underlying: str, expiration: str | None = None) -> list:
        """Listed contracts (reference data; adjusted deliverables flagged)."""
        sym = _valid(underlying)
        pages = await self.client.paginate("/v3/reference/options/contracts",
                                           {"underlying_ticker": sym, "expiration_date": expiration,
                                            "expired": False, "limit": 1000}, max_pages=20)
        return parse_option_contracts(pages).value

    # -- reference data: the morning brief, symbol details, corporate actions --------------------
    async def get_news(self, symbol: str, since: datetime | None = None, limit: int | None = None) -> list[NewsItem]:
        """Articles about ``symbol``, newest first; ``since``: published at or after it."""
        params = {"ticker": _valid(symbol), "limit": limit,
                  "published_utc.gte": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if since else None}
        return parse_news(await self.client.paginate("/v2/reference/news", params, max_pages=1)).value

    async def get_ticker_details(self, symbol: str) -> TickerDetails:
        """Name, type, primary exchange, market cap and description."""
        sym = _valid(symbol)
        if (hit := self._cached(("details", sym), REFERENCE_TTL_S)) is None:
            payload = await self.client.get(f"/v3/reference/tickers/{to_massive_ticker(sym)}")
            hit = self._store(("details", sym), parse_ticker_details(payload))
        return hit  # type: ignore[return-value]

    async def get_dividends(self, symbol: str, since: date | None = None) -> list[Dividend]:
        """Cash dividends of ``symbol``, newest ex-date first (``since``: ex-date at or after it)."""
        return await self._reference_list("dividends", "ex_dividend_date", parse_dividends, symbol, since)

    async def get_splits(self, symbol: str, since: date | None = None) -> list[Split]:
        """Splits of ``symbol``, newest first (``since``: executed at or after it)."""
        return await self._reference_list("splits", "execution_date", parse_splits, symbol, since)

    async def get_treasury_yields(self, since: date | None = None) -> list[TreasuryYields]:
        """The Treasury par yield curve by day, newest first (``since``: that day on; else the latest days)."""
        key = ("treasury-yields", since)
        if (hit := self._cached(key, REFERENCE_TTL_S)) is None:
            params = {"date.gte": since.isoformat() if since else None, "sort": "date", "order": "desc", "limit": 10}
            payload = await self.client.get("/fed/v1/treasury-yields", params)
            hit = self._store(key, parse_treasury_yields([payload]).value)
        return hit  # type: ignore[return-value]

    async def _reference_list(self, dataset: str, day_field: str, parse: Callable[[list[Any]], Parsed], symbol: str,
                              since: date | None) -> list:
        sym = _valid(symbol)
        key = (dataset, sym, since)
        if (hit := self._cached(key, REFERENCE_TTL_S)) is None:
            params = {"ticker": sym, f"{day_field}.gte": since.isoformat() if since else None, "order": "desc",
                      "limit": 1000}
            pages = await self.client.paginate(f"/v3/reference/{dataset}", params, max_pages=5)
            hit = self._store(key, parse(pages).value)
        return hit  # type: ignore[return-value]

    async def get_movers(self, direction: str = "gainers") -> list[Quote]:
        """Today's top 20 US stock ``gainers`` or ``losers`` by percent change, as Massive ranks them."""
        if direction not in ("gainers", "losers"):
            raise MassiveError(f"Movers are 'gainers' or 'losers', not '{direction}'.")
        key = ("movers", direction)
        if (hit := self._cached(key, MOVERS_TTL_S)) is None:
            payload = await self.client.get(f"/v2/snapshot/locale/us/markets/stocks/{direction}")
            hit = self._store(key, parse_snapshot_list(payload).value)
        return hit  # type: ignore[return-value]

    # -- streaming ------------------------------------------------------------------------------
    def open_stream(self) -> MassiveMultiStream:
        return self._streams.add(MassiveMultiStream(self))

    def stream_for(self, cluster: str) -> MassiveStream:
        url = self._ws_url.format(cluster=cluster) if self._ws_url else None
        return MassiveStream(self._key, cluster=cluster, delayed=self.delayed, url=url,
                             backfill=self.backfill_minutes, rate_limited=lambda: self.client.rate_limited)

    async def aclose(self) -> None:
        await self._streams.close_all()
        await self.client.aclose()
        if self.bar_cache is not None:
            self.bar_cache.close()


class _Snapshot:
    """A REST snapshot quote to pass through as it is (a stream quote is merged first)."""

    def __init__(self, quote: Quote) -> None:
        self.quote = quote


class MassiveMultiStream:
    """One ``MassiveStream`` per cluster in use (stocks, indices), merged into one iterator.

    Stream events carry partial quotes; a ``QuoteBook`` completes them, with each symbol's
    previous close from a REST snapshot fetched when it is subscribed (and again when a new
    session starts). The snapshot is also shown at once, so a closed market still has prices.
    """

    def __init__(self, provider: MassiveProvider) -> None:
        self._provider = provider
        self._streams: dict[str, MassiveStream] = {}
        self._queue: asyncio.Queue = asyncio.Queue()
        self._tasks: dict[str, asyncio.Task] = {}
        self._closed = False
        self.book = QuoteBook()
        self._seeding: dict[str, asyncio.Task] = {}
        self._seed_tried: dict[str, float] = {}  # monotonic time of the last snapshot attempt

    @property
    def last_activity(self) -> float:
        return max((s.last_activity for s in self._streams.values()), default=0.0)

    def _cluster(self, symbol: str) -> str:
        kind = symbol_kind(symbol)
        if kind is SymbolKind.INDEX:
            return "indices"
        return "options" if kind is SymbolKind.OPTION else "stocks"

    def subscribe(self, symbols: list[str]) -> None:
        for sym in symbols:
            cluster = self._cluster(_valid(sym))
            if cluster not in self._streams:
                self._streams[cluster] = self._provider.stream_for(cluster)
            self._streams[cluster].subscribe([sym])
            if cluster not in self._tasks and not self._closed:
                self._tasks[cluster] = asyncio.ensure_future(self._pump(self._streams[cluster]))
            self._seed_soon(_valid(sym))

    def unsubscribe(self, symbols: list[str]) -> None:
        for sym in symbols:
            stream = self._streams.get(self._cluster(sym))
            if stream is not None:
                stream.unsubscribe([sym])
            self.book.forget(sym)
            task = self._seeding.pop(sym, None)
            if task is not None:
                task.cancel()

    def _seed_soon(self, symbol: str) -> None:
        """Fetch ``symbol``'s snapshot for its previous close, once at a time and at most every
        ``SEED_RETRY_S`` (a plan without snapshots must not cost a request per tick)."""
        if self._closed or symbol_kind(symbol) is SymbolKind.OPTION or symbol in self._seeding:
            return
        tried = self._seed_tried.get(symbol)
        if tried is not None and time.monotonic() - tried < SEED_RETRY_S:
            return
        self._seed_tried[symbol] = time.monotonic()
        task = asyncio.ensure_future(self._seed(symbol))
        self._seeding[symbol] = task
        task.add_done_callback(lambda _t, s=symbol: self._seeding.pop(s, None))

    async def _seed(self, symbol: str) -> None:
        try:
            snapshot = await self._provider.get_quote(symbol)
        except Exception as exc:  # no snapshot (plan, symbol, network): change % stays blank
            log.info("no snapshot for %s: %s", symbol, exc)
            return
        shown = self.book.seed(snapshot, market_date(self._provider.clock.now()))
        if shown is not None:
            await self._queue.put(_Snapshot(shown))

    async def _pump(self, stream: MassiveStream) -> None:
        try:
            async for event in stream:
                await self._queue.put(event)
        except Exception as exc:
            await self._queue.put(exc)

    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        return self._run()

    async def _run(self) -> AsyncIterator[StreamEvent]:
        while not self._closed:
            item = await self._queue.get()
            if isinstance(item, Exception):
                raise item
            if isinstance(item, _Snapshot):
                yield item.quote
            elif isinstance(item, Quote):
                self._provider.clock.observe(item.ts)  # the feed's time corrects a wrong PC clock
                quote = self.book.merge(item)
                if self.book.needs_seed(quote):
                    self._seed_soon(quote.symbol)
                yield quote
            else:
                yield item

    async def aclose(self) -> None:
        self._closed = True
        for task in list(self._seeding.values()):
            task.cancel()
        for stream in self._streams.values():
            await stream.aclose()
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._queue.put_nowait(MassiveError("stream closed"))


def _valid(symbol: str) -> str:
    try:
        return normalize_symbol(symbol)
    except SymbolError as exc:
        raise MassiveError(str(exc)) from None
