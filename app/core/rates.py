"""The risk-free rate curve pricing reads: the provider's Treasury par yields where it serves them
(``RatesProvider``: Massive), as a ``YieldCurve``; None otherwise (the flat ``data.rates`` default
stands in, as for the demo market, whose options are priced on it).

The latest curve is kept a day (it is published once a day) in the store, so a restart does not
ask again; a provider that refuses (a plan without the endpoint) is not asked again for an hour,
and the reason is logged once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

from analytics.yield_curve import YieldCurve, curve_from_par_yields
from data.providers.base import MarketDataProvider, RatesProvider
from data.providers.errors import ProviderError
from data.store import provider_cache
from data.store.database import Store

log = logging.getLogger(__name__)
FRESH = timedelta(hours=24)
RETRY_AFTER = timedelta(hours=1)
STALE_DAYS = 10  # a curve older than this (calendar days) is not today's rates


class RatesService:
    def __init__(self, store: Store, provider: Callable[[], MarketDataProvider], now: Callable[[], datetime]) -> None:
        self._store, self._provider, self._now = store, provider, now
        self._curve: tuple[str, datetime, YieldCurve | None] | None = None  # (provider, read at, curve)
        self._refused: dict[str, datetime] = {}

    async def curve(self) -> YieldCurve | None:
        provider, now = self._provider(), self._now()
        if not isinstance(provider, RatesProvider):
            return None
        if self._curve is not None and self._curve[0] == provider.name and now - self._curve[1] <= FRESH:
            return self._curve[2]
        refused = self._refused.get(provider.name)
        if refused is not None and now - refused < RETRY_AFTER:
            return None
        key = f"treasury-yields:{provider.name}"
        row = await self._store.run(lambda s: provider_cache.get(s, key, now, FRESH))
        if row is None:
            try:
                days = await provider.get_treasury_yields()
            except ProviderError as exc:
                if refused is None:
                    log.warning("no Treasury yields from %s (the flat default rate stands in): %s", provider.name, exc)
                self._refused[provider.name] = now
                return None
            if not days:
                self._refused[provider.name] = now  # nothing served: not asked again on every chain
                return None
            row = {"day": days[0].day.isoformat(), "yields": days[0].yields}
            await self._store.run(lambda s: provider_cache.put(s, key, row, now))
        curve = curve_from_par_yields(date.fromisoformat(row["day"]), row["yields"], provider.name)
        if curve is not None and (now.date() - curve.asof).days > STALE_DAYS:
            log.warning("the Treasury curve of %s is from %s: too old, the flat default rate stands in",
                        provider.name, curve.asof)
            curve = None
        self._curve = (provider.name, now, curve)
        return curve
