"""The option chains open positions are valued from, with the app's one set of greeks.

For the active symbol it is the options service's own snapshot (the chain panel's numbers, so an
advice's prices match what the trader sees there); for any other underlying with open option
legs the chain is fetched here, at the tracker's cadence, and completed by the same
``analytics.chain_greeks`` off the event loop. A provider without options gives no chain: those
legs are valued as missing, never at 0.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from app.core.option_chains import rate_of
from app.core.snapshots import OptionsSnapshot
from data.market_calendar import MarketCalendar
from data.option_chain import OptionChain
from data.providers.base import MarketDataProvider, OptionsProvider
from data.providers.errors import ProviderError
from data.rates import dividend_yield
from data.validation import valid_quote

if TYPE_CHECKING:
    from analytics.chain_greeks import ChainGreeks
    from analytics.yield_curve import YieldCurve

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class ChainView:
    """One underlying's chain as of one refresh, greeks filled in."""

    underlying: str
    chain: OptionChain
    greeks: ChainGreeks
    spot: float
    r: float
    q: float
    asof: datetime


class PositionChains:
    def __init__(self, provider: Callable[[], MarketDataProvider], calendar: MarketCalendar,
                 latest_options: Callable[[], OptionsSnapshot | None],
                 rates: Callable[[], Awaitable[YieldCurve | None]] | None = None) -> None:
        self._provider, self._calendar, self._latest_options = provider, calendar, latest_options
        self._rates = rates
        self.problems: dict[str, str] = {}  # underlying -> why it has no chain now

    async def views(self, underlyings: set[str]) -> dict[str, ChainView]:
        """A fresh view per underlying that has one (the others are in ``problems``)."""
        found = await asyncio.gather(*(self.view(u) for u in sorted(underlyings)))
        return {v.underlying: v for v in found if v is not None}

    async def view(self, underlying: str) -> ChainView | None:
        snapshot = self._latest_options()
        if snapshot is not None and snapshot.symbol == underlying:
            self.problems.pop(underlying, None)
            return ChainView(underlying, snapshot.chain, snapshot.greeks, snapshot.spot, snapshot.r, snapshot.q,
                             snapshot.chain.asof)
        provider = self._provider()
        if not isinstance(provider, OptionsProvider):
            self.problems[underlying] = f"No options data from the {provider.name} provider."
            return None
        try:
            quote = await provider.get_quote(underlying)
            chain = await provider.get_option_chain(underlying)
        except ProviderError as exc:
            self.problems[underlying] = str(exc)
            return None
        if not valid_quote(quote) or not len(chain):
            self.problems[underlying] = f"No valid price or chain for {underlying} right now."
            return None
        curve = await self._rates() if self._rates is not None else None
        r, q = rate_of(curve), dividend_yield(underlying)
        greeks = await asyncio.to_thread(_greeks, chain, quote.last, r, q, self._calendar, curve)
        self.problems.pop(underlying, None)
        return ChainView(underlying, chain, greeks, quote.last, r, q, chain.asof)


def _greeks(chain: OptionChain, spot: float, r: float, q: float, calendar: MarketCalendar,
            curve: YieldCurve | None = None) -> ChainGreeks:
    from analytics.chain_greeks import chain_greeks

    return chain_greeks(chain, spot, r, q, calendar.close_at, curve=curve)
