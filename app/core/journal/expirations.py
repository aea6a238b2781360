"""Contracts an export left held past their expiry (Webull writes no expiration rows): settled in
the journal at the underlying's expiry-day price once the app knows it — the close, or the open for
an AM-settled monthly — and fetched for that from a provider with real prices. Until then the trade
stays open (the list says "past expiry"); nothing is assumed worthless without the price.

The settling executions are made each time the trades are read, never stored: a broker's own
expiration row imported later simply takes their place."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from analytics.journal_expiry import synthetic_expirations
from analytics.journal_trades import Trade
from data.market_calendar import ET, market_date
from data.models import Timeframe
from data.providers.base import MarketDataProvider
from data.providers.errors import ProviderError
from data.store import settlements
from data.store.database import Store
from data.store.records import Execution
from data.symbols import SymbolError, parse_option_symbol

log = logging.getLogger(__name__)
MAX_FETCHES = 40  # per pass: a first import of years of Webull fills must not flood the provider

Prices = dict[tuple[str, date], tuple[float, float]]


def assumed_expirations(fills: list[Execution], prices: Prices, today: date) -> list[Execution]:
    def close(symbol: str, day: date) -> float | None:
        return prices[(symbol, day)][1] if (symbol, day) in prices else None

    def open_(symbol: str, day: date) -> float | None:
        return prices[(symbol, day)][0] if (symbol, day) in prices else None

    return synthetic_expirations(fills, today, settle=close, settle_am=open_, skip_unknown=True)


def past_expiry(trade: Trade, today: date) -> list[date]:
    """The expiries of an open trade's contracts that are before ``today``."""
    if not trade.is_open or trade.instrument == "stock":
        return []
    out = []
    for leg in trade.legs:
        try:
            expiry = parse_option_symbol(leg).expiry
        except SymbolError:
            continue
        if expiry < today:
            out.append(expiry)
    return out


async def fetch_settlements(store: Store, provider: MarketDataProvider, trades: list[Trade]) -> int:
    """Store the expiry-day open and close of each underlying an open trade needs; how many."""
    if not provider.real_prices:
        return 0
    now = provider.clock.now()
    known = await store.run(settlements.prices)
    wanted = sorted({(t.symbol, d) for t in trades for d in past_expiry(t, market_date(now))} - set(known))
    stored = 0
    for symbol, day in wanted[:MAX_FETCHES]:
        if provider.symbol_problem(symbol):
            continue
        start = datetime.combine(day, time(0, 0), ET)
        try:
            bars = await provider.get_bars(symbol, Timeframe.D1, start, start + timedelta(days=1))
        except ProviderError as exc:
            log.info("no %s bar of %s to settle its expired contracts: %s", day, symbol, exc)
            continue
        on_day = [i for i, ts in enumerate(bars.ts) if market_date(datetime.fromtimestamp(int(ts), ET)) == day]
        if not on_day:
            continue
        day_open, day_close = float(bars.open[on_day[0]]), float(bars.close[on_day[0]])
        await store.run(lambda s, symbol=symbol, day=day, o=day_open, c=day_close: settlements.save(
            s, symbol, day, o, c, provider.name, now))
        stored += 1
    return stored
