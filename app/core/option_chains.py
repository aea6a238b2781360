"""Keeps the active symbol's option chain fresh and publishes it, greeks filled in — and the chains of
the symbols options panels in other link groups show (``followed``), after the active one's.

Supervised service. Every ``chain_refresh_s`` (the provider's pace: seconds for the demo,
longer for a paid REST API) and at once when the active symbol changes, it fetches the full
chain, completes IV and greeks off the event loop (``analytics.chain_greeks``: the provider's
where it sends them, else Black-76 on each expiry's parity forward; GEX sums those same
gammas; ``RISK_FREE_RATE`` and the dividend table only stand in for an expiry without a
call/put pair to read its forward from) and publishes
``OptionsUpdated``; the options panels render from that one snapshot. A provider without
options, or a symbol without a chain, gives ``OptionsUnavailable`` with the reason.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from app.core.bus import EventBus
from app.core.events import ActiveSymbolChanged, LinkedSymbolChanged, OptionsUnavailable, OptionsUpdated
from app.core.logging_setup import redact
from app.core.snapshots import OptionsSnapshot
from app.core.supervisor import ServiceContext
from app.core.waiting import woken
from data.market_calendar import MarketCalendar, market_date
from data.models import Quote
from data.option_chain import OptionChain
from data.providers.base import MarketDataProvider, OptionsProvider
from data.providers.errors import ProviderError
from data.rates import RISK_FREE_RATE, dividend_yield
from data.validation import valid_quote

if TYPE_CHECKING:  # analytics loads SciPy: imported where the work runs, in a worker thread
    from analytics.chain_greeks import ChainGreeks
    from analytics.gex import GexProfile
    from analytics.iv_summary import IvSummary
    from analytics.yield_curve import YieldCurve

log = logging.getLogger(__name__)
DEFAULT_REFRESH_S = 15.0


class OptionChainService:
    name = "option-chains"
    stale_after = 120.0

    def __init__(self, provider: MarketDataProvider, bus: EventBus, calendar: MarketCalendar,
                 active_symbol: Callable[[], str], rates: Callable[[], Awaitable[YieldCurve | None]] | None = None,
                 followed: Callable[[], set[str]] = set) -> None:
        self._provider = provider
        self._rates = rates  # the Treasury curve where the provider serves one (app.core.rates)
        self._bus = bus
        self._calendar = calendar
        self._active_symbol = active_symbol
        self._followed = followed  # the symbols options panels in other groups (or none) show
        self._wake = asyncio.Event()
        self.latest: OptionsSnapshot | None = None  # the active symbol's
        self.by_symbol: dict[str, OptionsSnapshot] = {}  # each followed symbol's newest
        self.unavailable: dict[str, str] = {}  # why a symbol's newest refresh brought no chain
        self._refreshed_followed: set[str] = set()  # the followed symbols of the last refresh
        self._opens: dict[tuple[str, date], float | None] = {}

    @property
    def refresh_s(self) -> float:
        return self._provider.chain_refresh_s if isinstance(self._provider, OptionsProvider) else DEFAULT_REFRESH_S

    async def run(self, ctx: ServiceContext) -> None:
        offs = [self._bus.subscribe(ActiveSymbolChanged, lambda _e: self._wake.set()),
                self._bus.subscribe(LinkedSymbolChanged, self._links_changed)]
        try:
            ctx.running()
            while True:
                self._wake.clear()
                await self.refresh()
                ctx.heartbeat()
                await woken(self._wake, self.refresh_s)
        finally:
            for off in offs:
                off()

    def _links_changed(self, _event: LinkedSymbolChanged) -> None:
        """A chart's or panel's group changed: refresh now only if the options panels show another set."""
        if self._followed() - {self._active_symbol()} != self._refreshed_followed:
            self._wake.set()

    def latest_of(self, symbol: str) -> OptionsSnapshot | None:
        return self.latest if self.latest is not None and self.latest.symbol == symbol else self.by_symbol.get(symbol)

    def _wanted(self, symbol: str) -> bool:
        return symbol == self._active_symbol() or symbol in self._followed()

    async def _open_price(self, symbol: str, now: datetime) -> float | None:
        """Today's regular-session opening price (cached: it does not change after 09:30)."""
        day = market_date(now)
        if not self._calendar.is_session(day):
            return None
        session = self._calendar.session(day)
        if now < session.open:
            return None
        key = (symbol, day)
        if key not in self._opens:
            try:
                self._opens[key] = await _first_open(self._provider, symbol, session.open)
            except ProviderError as exc:
                log.info("no opening price for %s: %s", symbol, exc)
                return None
        return self._opens[key]

    async def refresh(self) -> None:
        """The active symbol's chain, then each followed one's (a symbol no longer shown is dropped)."""
        active = self._active_symbol()
        await self.refresh_symbol(active)
        followed = self._refreshed_followed = self._followed() - {active}
        for symbol in sorted(followed):
            if symbol != self._active_symbol():  # (the trader may have moved on meanwhile)
                await self._refresh_followed(symbol)
        for gone in set(self.by_symbol) - followed - {active}:
            del self.by_symbol[gone]

    async def _refresh_followed(self, symbol: str) -> None:
        """Another group's chain: its failure, whatever it is, is that panel's, not the active chain's."""
        self.by_symbol.pop(symbol, None)  # (kept only when this refresh brings a new one)
        try:
            await self.refresh_symbol(symbol)
        except Exception as exc:
            log.warning("the %s option chain failed: %s", symbol, exc, exc_info=True)
            self._unavailable(symbol, f"The {symbol} option chain failed: {redact(str(exc))}")

    async def refresh_symbol(self, symbol: str) -> None:
        provider = self._provider
        if not isinstance(provider, OptionsProvider):
            self._unavailable(symbol, f"No options data from the {provider.name} provider.")
            return
        started = time.perf_counter()
        try:
            quote = await provider.get_quote(symbol)
            chain = await provider.get_option_chain(symbol)
        except ProviderError as exc:
            self._unavailable(symbol, redact(str(exc)))  # shown: as the log
            return
        if not valid_quote(quote):  # greeks and GEX of a price of 0, inf or NaN would be nonsense
            self._unavailable(symbol, f"No valid price for {symbol} right now.")
            return
        spot = quote.last
        if not self._wanted(symbol):
            return  # the user moved on while this was loading
        if len(chain) == 0:
            self._unavailable(symbol, f"No listed options for {symbol}.")
            return
        curve = await self._rates() if self._rates is not None else None
        r, q = rate_of(curve), dividend_yield(symbol)
        greeks, gex, iv = await asyncio.to_thread(_analyse, chain, spot, r, q, self._calendar, curve)
        open_price = await self._open_price(symbol, chain.asof)
        snapshot = OptionsSnapshot(symbol, provider.name, chain, spot, r, q, greeks, gex, open_price, iv,
                                   (time.perf_counter() - started) * 1000)
        if symbol == self._active_symbol():
            self.latest = snapshot
        self.by_symbol[symbol] = snapshot
        self.unavailable.pop(symbol, None)
        self._bus.publish(OptionsUpdated(snapshot))

    def _unavailable(self, symbol: str, reason: str) -> None:
        self.unavailable[symbol] = reason  # (kept for a panel built later: it missed the event)
        self._bus.publish(OptionsUnavailable(symbol, reason))


async def _first_open(provider: MarketDataProvider, symbol: str, session_open: datetime) -> float | None:
    bars = await provider.get_bars(symbol, provider.finest_timeframe, session_open, session_open + timedelta(minutes=5))
    at_open = np.flatnonzero(bars.ts >= int(session_open.timestamp()))
    return float(bars.open[at_open[0]]) if len(at_open) else None


class ChainUnavailableError(Exception):
    """Why a symbol's chain cannot be read now, in plain words."""


async def read_snapshot(provider: MarketDataProvider, calendar: MarketCalendar, symbol: str,
                        curve: YieldCurve | None = None, *, quote: Quote | None = None,
                        with_open: bool = False) -> OptionsSnapshot:
    """One chain of ``symbol`` read and analysed as the options panels read theirs — for a symbol
    that is not the active one (the morning brief, the coach's tools). ``quote``: one already read;
    ``with_open``: today's regular open too (the 0DTE move used). ``ChainUnavailableError`` says why not."""
    if not isinstance(provider, OptionsProvider):
        raise ChainUnavailableError(f"No options data from the {provider.name} provider.")
    try:
        quote = quote or await provider.get_quote(symbol)
        chain = await provider.get_option_chain(symbol)
    except ProviderError as exc:
        raise ChainUnavailableError(f"No {symbol} options: {redact(str(exc))}") from None
    if not valid_quote(quote):
        raise ChainUnavailableError(f"No valid price for {symbol} right now.")
    if not len(chain):
        raise ChainUnavailableError(f"No listed options for {symbol}.")
    r, q = rate_of(curve), dividend_yield(symbol)
    greeks, gex, iv = await asyncio.to_thread(_analyse, chain, quote.last, r, q, calendar, curve)
    open_price, day = None, market_date(chain.asof)
    if with_open and calendar.is_session(day) and chain.asof >= calendar.session(day).open:
        try:
            open_price = await _first_open(provider, symbol, calendar.session(day).open)
        except ProviderError:
            open_price = None
    return OptionsSnapshot(symbol, provider.name, chain, quote.last, r, q, greeks, gex, open_price, iv, 0.0)


def rate_of(curve: YieldCurve | None) -> float:
    """The snapshot's one rate (the panels' r): the curve's 30-day rate, else the flat default."""
    return float(curve.rate(30 / 365)) if curve is not None else RISK_FREE_RATE


def _analyse(chain: OptionChain, spot: float, r: float, q: float, calendar: MarketCalendar,
             curve: YieldCurve | None = None) -> tuple[ChainGreeks, GexProfile, IvSummary]:
    """Greeks for every contract — the one set every panel reads — then GEX from those gammas
    and the IV statistics from the same times to expiry; with a Treasury ``curve`` each expiry
    without parity pairs takes its maturity's rate."""
    from analytics.chain_greeks import chain_greeks
    from analytics.gex import gex_profile
    from analytics.iv_summary import iv_summary
    from analytics.option_time import chain_expiry_times

    # (the chain's listings get cached here, not by the chain panel's expiry list on the GUI thread)
    years = chain_expiry_times(chain, calendar.close_at)
    greeks = chain_greeks(chain, spot, r, q, calendar.close_at, T=years, curve=curve)
    return greeks, gex_profile(chain, spot, greeks=greeks), iv_summary(chain, spot, years, r)
