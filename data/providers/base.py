"""The interface every market-data provider implements (demo now; replay and Massive later).

Providers return the standard models of ``data.models``; consumers never see raw payloads.
All methods are async and must not block the event loop (CPU-heavy generation or parsing runs
in a worker thread inside the provider).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from data.models import Bars, Quote, StreamEvent, SymbolInfo, Timeframe
from data.providers.errors import ProviderError

if TYPE_CHECKING:
    from data.option_chain import OptionChain

__all__ = ["Clock", "MarketDataProvider", "MarketStream", "OpenStreams", "OptionsProvider", "ProviderError"]


class Clock(Protocol):
    def now(self) -> datetime:
        """Current aware UTC time as the provider's market sees it."""
        ...

    @property
    def speed(self) -> float: ...


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

    async def get_expirations(self, underlying: str) -> list[date]:
        """Listed expirations from today (ET market date) on, nearest first."""
        ...

    async def get_option_chain(self, underlying: str, expiration: date | None = None) -> OptionChain:
        """Every listed contract of ``underlying`` (or of one expiration) with quotes, IV and
        greeks where the provider has them, as of now."""
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
