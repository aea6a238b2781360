"""The interface every market-data provider implements (demo, replay, Massive).

Providers return the standard models of ``data.models``; consumers never see raw payloads.
All methods are async and must not block the event loop (CPU-heavy generation or parsing runs
in a worker thread inside the provider).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from data.models import Bars, IndicatorSeries, Quote, StreamEvent, SymbolInfo, Timeframe
from data.providers.errors import ProviderError

if TYPE_CHECKING:
    from data.option_chain import OptionChain
    from data.reference import TreasuryYields

__all__ = ["Clock", "IndicatorsProvider", "MarketDataProvider", "MarketStream", "OpenStreams", "OptionsProvider",
           "ProviderError", "RatesProvider", "ReplayControls"]


class Clock(Protocol):
    """Market time as the provider sees it; consumers ask it, never the provider's name."""

    def now(self) -> datetime:
        """Current aware UTC time as the provider's market sees it."""
        ...

    @property
    def speed(self) -> float:
        """How many market seconds pass per wall second (1.0 for a live feed)."""
        ...

    @property
    def simulated(self) -> bool:
        """True when this is not the wall clock (the demo market, a replay): shown as such."""
        ...

    @property
    def paused(self) -> bool:
        """True while simulated time stands still (a live clock never pauses)."""
        ...


class MarketStream(Protocol):
    """Live data for a changing set of symbols; iterate to receive quotes and bar updates.

    ``last_activity`` is the ``time.monotonic()`` of the latest sign of life (a poll, a frame,
    a ping), 0.0 before the first one, so a quiet market is not mistaken for a hung connection.
    """

    last_activity: float

    def subscribe(self, symbols: list[str]) -> None: ...

    def unsubscribe(self, symbols: list[str]) -> None: ...

    def __aiter__(self) -> AsyncIterator[StreamEvent]: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class MarketDataProvider(Protocol):
    name: str
    finest_timeframe: Timeframe  # the finest bars it serves: 1-minute, or a recording's own resolution
    real_prices: bool  # a real market's prices (False: the demo market's, made up)

    @property
    def clock(self) -> Clock: ...

    async def get_bars(self, symbol: str, timeframe: Timeframe, start: datetime | None = None,
                       end: datetime | None = None, *, extended: bool = False) -> Bars: ...

    async def get_quote(self, symbol: str) -> Quote: ...

    async def search_symbols(self, query: str, limit: int = 10) -> list[SymbolInfo]: ...

    def open_stream(self) -> MarketStream: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class OptionsProvider(Protocol):
    """What a provider with options data adds (Massive; the demo market). Panels check
    ``isinstance(provider, OptionsProvider)`` and otherwise say the provider has no options."""

    chain_refresh_s: float  # the provider's pace for a full chain: local data often, a paid REST API gently

    async def get_expirations(self, underlying: str) -> list[date]:
        """Listed expirations from today (ET market date) on, nearest first."""
        ...

    async def get_option_chain(self, underlying: str, expiration: date | None = None) -> OptionChain:
        """Every listed contract of ``underlying`` (or of one expiration) with quotes, IV and
        greeks where the provider has them, as of now."""
        ...


@runtime_checkable
class SymbolUniverse(Protocol):
    """A provider that serves a known set of symbols (the demo's universe, a recording's one
    symbol): the workspace refuses others up front, with this reason, instead of letting the
    panels each fail on them."""

    def symbol_problem(self, symbol: str) -> str | None:
        """Why ``symbol`` (normalized) has no data here, or None when it has."""
        ...


@runtime_checkable
class RatesProvider(Protocol):
    """A provider that serves the Treasury par yield curve (Massive): pricing then reads each
    expiry's rate from it instead of the flat default (``app.core.rates``)."""

    async def get_treasury_yields(self, since: date | None = None) -> list[TreasuryYields]:
        """The curve by day, newest first."""
        ...


@runtime_checkable
class IndicatorsProvider(Protocol):
    """A provider that computes indicators itself (Massive's ``/v1/indicators``): the chart can show
    its series beside ours (``app.core.provider_indicators``)."""

    indicator_timeframes: frozenset[Timeframe]  # where its series sit on our bars' grid

    async def get_indicator(self, symbol: str, name: str, timeframe: Timeframe, windows: tuple[int, ...] = (),
                            *, limit: int = 500, start: datetime | None = None,
                            adjusted: bool = True) -> IndicatorSeries:
        """``name`` (sma, ema, rsi, macd) on closes, the newest ``limit`` values (from ``start`` on when
        given), oldest first; ``windows`` () = the provider's defaults (``data.models.INDICATOR_WINDOWS``)."""
        ...


@runtime_checkable
class ReplayControls(Protocol):
    """What a provider playing recorded time adds (the replay provider): the app offers these
    controls to the user when ``isinstance(provider, ReplayControls)``."""

    symbol: str  # the one symbol the recording holds (the app makes it the active one)

    def span(self) -> tuple[datetime, datetime]:
        """The recorded time: the first bar's start and the last bar's end (for progress and seeking)."""
        ...

    def set_speed(self, speed: float) -> None:
        """Play ``speed`` market seconds per wall second (the clock's range, 1x to 1000x)."""
        ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def step(self) -> None:
        """Pause and advance to the end of the next bar."""
        ...

    def seek(self, moment: datetime) -> None:
        """Continue from ``moment``, paused or running as before."""
        ...


class OpenStreams(list):
    """The streams a provider opened, so that closing the provider closes every one of them."""

    def add(self, stream: MarketStream) -> MarketStream:
        self.append(stream)
        return stream

    async def close_all(self) -> None:
        for stream in list(self):
            await stream.aclose()
        self.clear()
