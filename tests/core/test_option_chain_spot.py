"""The option-chain service analyses a chain only around a valid spot price."""

from __future__ import annotations

import math
from datetime import date

from app.core.bus import EventBus
from app.core.events import OptionsUnavailable, OptionsUpdated
from app.core.option_chains import OptionChainService
from data.models import Quote


class BadSpotProvider:
    """An options provider whose quote is not a price (e.g. a feed glitch)."""

    name = "glitchy"
    chain_refresh_s = 5.0

    def __init__(self, last: float) -> None:
        self.last = last

    async def get_quote(self, symbol: str) -> Quote:
        return Quote(symbol, 1_764_000_000, self.last, math.nan, math.nan, 600.0, 1e6)

    async def get_expirations(self, underlying: str) -> list[date]:
        return []

    async def get_option_chain(self, underlying: str, expiration: date | None = None) -> object:
        return object()  # never analysed: the service stops at the price


async def test_a_chain_is_not_analysed_around_an_invalid_spot() -> None:
    for last in (math.inf, 0.0, -1.0, math.nan):
        bus, said, updated = EventBus(), [], []
        bus.subscribe(OptionsUnavailable, said.append)
        bus.subscribe(OptionsUpdated, updated.append)
        await OptionChainService(BadSpotProvider(last), bus, None, lambda: "SPY").refresh()  # type: ignore[arg-type]
        assert not updated and said and "No valid price for SPY" in said[0].reason, last

