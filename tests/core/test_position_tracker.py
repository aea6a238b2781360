"""The position tracker on the demo market: an SPX iron condor entered from the chain is valued with
the chain's greeks, read for break-evens and probability of profit, advised and notified once;
an expired leg is settled as a stored event."""

from __future__ import annotations

import asyncio
import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from analytics.strategies import iron_condor
from app.core.alerts import AlertsService
from app.core.bus import EventBus
from app.core.events import NotificationPosted, PositionsValued
from app.core.notifications import NotificationService
from app.core.option_pricing import load_option_pricing
from app.core.positions.chains import PositionChains
from app.core.positions.expiry import settlements
from app.core.positions.service import PositionsService
from app.core.positions.tracker import PositionTrackerService
from data.market_calendar import MarketCalendar
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from data.store.database import Store
from data.store.records import LegRecord, PositionRecord

MIDDAY = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # Tuesday 12:00 ET


async def _setup(tmp_path: Path, prefs: dict | None = None):
    calendar = MarketCalendar()
    provider = DemoProvider(calendar, clock=SimClock(MIDDAY, 1.0, lambda: 0.0), option_pricing=load_option_pricing)
    store = await asyncio.to_thread(Store.open, tmp_path)
    bus = EventBus()
    now = provider.clock.now
    notifications = NotificationService(store, bus, market_clock=lambda: provider.clock)
    tracker_ref: list[PositionTrackerService] = []
    positions = PositionsService(store, bus, AlertsService(store, bus, now), now,
                                 mid_of=lambda s: tracker_ref[0].mid_of(s))
    await positions.prepare()
    quotes = {}
    tracker = PositionTrackerService(bus, calendar, positions, PositionChains(lambda: provider, calendar, lambda: None),
                                     notifications, quotes=lambda: quotes, preferences=lambda: prefs or {}, now=now)
    tracker_ref.append(tracker)
    return provider, store, bus, positions, tracker, quotes


def _condor_strikes(chain, expiry: date, spot: float) -> tuple[float, ...]:
    strikes = np.unique(chain.strike[(chain.expiry == np.datetime64(expiry, "D")) & chain.is_call])
    at = int(np.searchsorted(strikes, spot))
    return tuple(float(strikes[i]) for i in (at - 60, at - 12, at + 12, at + 60))  # wide wings: risk beyond the credit


async def test_an_iron_condor_is_valued_read_and_advised_from_the_live_chain(tmp_path: Path) -> None:
    provider, store, bus, positions, tracker, quotes = await _setup(tmp_path)
    valued: list[PositionsValued] = []
    notes: list[NotificationPosted] = []
    bus.subscribe(PositionsValued, valued.append)
    bus.subscribe(NotificationPosted, notes.append)
    try:
        quote = await provider.get_quote("SPX")
        quotes["SPX"] = quote
        chain = await provider.get_option_chain("SPX")
        expiry = sorted({d for d in chain.expirations() if (d - MIDDAY.date()).days >= 14})[0]
        legs = iron_condor(chain, expiry, *_condor_strikes(chain, expiry, quote.last), today=MIDDAY.date())
        credit = -sum(leg.quantity * leg.open_price for leg in legs)  # per share, at today's mids
        bump = 1.5 * credit / 2  # sold for 2.5x: 60 % of the credit already kept
        rich = tuple(replace(leg, open_price=leg.open_price + (bump if leg.quantity < 0 else 0.0)) for leg in legs)
        opened = await positions.open("SPX", rich, strategy="iron condor", source="chain")
        views = await tracker.refresh()
        (view,) = views
        assert valued and valued[-1].views == views and view.position.id == opened.id
        value = view.value
        assert not value.missing and not value.stale and math.isfinite(value.value) and value.is_credit
        assert math.isfinite(value.delta_shares) and value.theta > 0  # a short premium trade earns the decay
        assert len(view.payoff.break_evens) == 2 and 0 < view.probability_of_profit < 1
        assert math.isfinite(view.payoff.max_profit) and math.isfinite(view.payoff.max_loss)
        take = [a for a in view.advice if a.rule == "take_profit"]
        assert take, [a.rule for a in view.advice]  # sold at 3x today's mids: well over 50 % of the credit kept
        assert any("iron condor" in n.record.title and n.record.kind == "position" for n in notes)
        shown = len(notes)
        await tracker.refresh()
        assert len(notes) == shown  # the same advice is not notified again within the cooldown
        tracker.dismiss(take[0].key)
        assert not math.isnan(tracker.mid_of(legs[0].symbol))
    finally:
        await asyncio.to_thread(store.close)


def test_expired_legs_settle_as_a_broker_would() -> None:
    expiry = date(2026, 11, 20)
    after = datetime(2026, 11, 20, 21, 30, tzinfo=UTC)

    def leg(symbol: str, is_call: bool, strike: float, quantity: int) -> LegRecord:
        return LegRecord("option", symbol, symbol[:3] if symbol.startswith("SPY") else "SPX", quantity, 1.0,
                         expiry, is_call, strike, 100)

    spx = PositionRecord(1, "SPX", "bull put spread", "open",
                         (leg("SPXW261120P06600000", False, 6600, -1), leg("SPXW261120P06550000", False, 6550, 1)),
                         after - timedelta(days=5), None, "manual", "", None)
    ((kind, fills, reason),) = settlements(spx, after, {"SPX": 6580.0}, MarketCalendar().close_at)
    assert kind == "expired" and {f.symbol: f.price for f in fills} == {"SPXW261120P06600000": 20.0,
                                                                      "SPXW261120P06550000": 0.0}
    assert "cash-settled at 20.00" in reason and "expired worthless" in reason
    spy = PositionRecord(2, "SPY", "short put", "open", (leg("SPY261120P00600000", False, 600, -2),),
                         after - timedelta(days=5), None, "manual", "", None)
    ((kind, fills, reason),) = settlements(spy, after, {"SPY": 590.0}, MarketCalendar().close_at)
    assert kind == "assigned" and (fills[1].symbol, fills[1].quantity, fills[1].price) == ("SPY", 200, 600.0)
    assert "200 shares bought at the 600.00 strike" in reason
    assert settlements(spy, after - timedelta(hours=2), {"SPY": 590.0}, MarketCalendar().close_at) == []  # not yet
