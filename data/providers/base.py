"""The interface every market-data provider implements (demo now; replay and Massive later).

Providers return the standard models of ``data.models``; consumers never see raw payloads.
All methods are async and must not block the event loop (CPU-heavy generation or parsing runs
in a worker thread inside the provider).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Protocol, runtime_checkable

from data.models import Bars, Quote, StreamEvent, SymbolInfo, Timeframe
from data.providers.errors import ProviderError

__all__ = ["Clock", "MarketDataProvider", "MarketStream", "OpenStreams", "ProviderError"]


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

    @property
    def clock(self) -> Clock: ...

    async def get_bars(self, symbol: str, timeframe: Timeframe, start: datetime | None = None,
                       end: datetime | None = None, *, extended: bool = False) -> Bars: ...

    async def get_quote(self, symbol: str) -> Quote: ...

    async def search_symbols(self, query: str, limit: int = 10) -> list[SymbolInfo]: ...

    def open_stream(self) -> MarketStream: ...

    async def aclose(self) -> None: ...


class OpenStreams(list):
    """The streams a provider opened, so that closing the provider closes every one of them."""

    def add(self, stream: MarketStream) -> MarketStream:
        self.append(stream)
        return stream

    async def close_all(self) -> None:
        for stream in list(self):
            await stream.aclose()
        self.clear()
