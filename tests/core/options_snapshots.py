"""Options snapshots for the core tests: a demo chain at a fixed moment, analysed as the
option-chain service does it."""

from __future__ import annotations

from datetime import datetime

from app.core.option_chains import _analyse
from app.core.option_pricing import load_option_pricing
from app.core.snapshots import OptionsSnapshot
from data.market_calendar import MarketCalendar
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from data.rates import RISK_FREE_RATE, dividend_yield


def demo_provider(calendar: MarketCalendar, at: datetime) -> DemoProvider:
    return DemoProvider(calendar, clock=SimClock(at, 1.0, lambda: 0.0), option_pricing=load_option_pricing)


def demo_snapshot(calendar: MarketCalendar, symbol: str, at: datetime, open_price: float | None = None,
                  provider: DemoProvider | None = None) -> OptionsSnapshot:
    provider = provider or demo_provider(calendar, at)
    chain, spot = provider.chain_at(symbol, at), provider.quote_at(symbol, at).last
    r, q = RISK_FREE_RATE, dividend_yield(symbol)
    greeks, gex, iv = _analyse(chain, spot, r, q, calendar)
    return OptionsSnapshot(symbol, "demo", chain, spot, r, q, greeks, gex, open_price, iv, 0.0)
