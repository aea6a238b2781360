"""The rate curve pricing reads: Massive's Treasury par yields (a payload shaped as the endpoint's
documented fields, through the real client and provider) as continuous rates per maturity, kept a
day in the store; a plan without the endpoint leaves the flat default, asked again only after an
hour; the demo market has no curve."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from analytics.yield_curve import continuous_from_par
from app.core.rates import RatesService
from data.providers.massive.client import MassiveClient
from data.providers.massive.provider import MassiveProvider
from data.store.database import Store

KEY = "rates-key-0123456789"
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
PAGE = {"status": "OK", "results": [
    {"date": "2026-11-30", "yield_1_month": 4.21, "yield_3_month": 4.05, "yield_6_month": 3.9, "yield_1_year": 3.71,
     "yield_2_year": 3.52, "yield_5_year": 3.6, "yield_10_year": 4.15, "yield_30_year": 4.6},
    {"date": "2026-11-27", "yield_1_month": 4.3, "yield_3_month": "n/a"},  # older, and half junk
]}


def _provider(calendar, status: int, requests: list) -> MassiveProvider:
    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.url.path != "/fed/v1/treasury-yields":
            return httpx.Response(404, json={})
        if status != 200:
            return httpx.Response(status, json={"status": "NOT_AUTHORIZED", "message": "upgrade your plan"})
        return httpx.Response(200, json=PAGE)

    return MassiveProvider(calendar, KEY, client=MassiveClient(KEY, transport=httpx.MockTransport(handler),
                                                               max_retries=0))


async def test_the_curve_comes_from_the_treasury_yields_and_is_kept_a_day(tmp_path, calendar) -> None:
    store = await asyncio.to_thread(Store.open, tmp_path)
    requests: list[httpx.Request] = []
    provider = _provider(calendar, 200, requests)
    now = [NOW]
    try:
        service = RatesService(store, lambda: provider, lambda: now[0])
        curve = await service.curve()
        assert curve is not None and curve.asof == date(2026, 11, 30) and curve.source == "massive"
        assert curve.rate(0.25) == pytest.approx(continuous_from_par(4.05))
        assert curve.rate(1.5) == pytest.approx((continuous_from_par(3.71) + continuous_from_par(3.52)) / 2)
        assert requests[0].url.params["order"] == "desc" and requests[0].url.params["sort"] == "date"
        assert (await RatesService(store, lambda: provider, lambda: now[0]).curve()).rate(0.25) == curve.rate(0.25)
        assert len(requests) == 1  # a second service (a restart) read the stored curve
        now[0] += timedelta(hours=25)
        later = _provider(calendar, 200, requests)  # (the provider keeps its own answers half a day)
        await RatesService(store, lambda: later, lambda: now[0]).curve()
        assert len(requests) == 2  # a day later: asked again
        await later.aclose()
    finally:
        await provider.aclose()
        store.close()


async def test_a_refusal_leaves_the_flat_default_and_the_demo_has_no_curve(tmp_path, calendar) -> None:
    from tests.core.options_snapshots import demo_provider

    store = await asyncio.to_thread(Store.open, tmp_path)
    requests: list[httpx.Request] = []
    provider = _provider(calendar, 403, requests)
    demo = demo_provider(calendar, NOW)
    now = [NOW]
    try:
        service = RatesService(store, lambda: provider, lambda: now[0])
        assert await service.curve() is None and await service.curve() is None
        assert len(requests) == 1  # not asked again within the hour
        now[0] += timedelta(minutes=61)
        assert await service.curve() is None and len(requests) == 2
        assert await RatesService(store, lambda: demo, lambda: now[0]).curve() is None
    finally:
        await provider.aclose()
        await demo.aclose()
        store.close()


async def test_the_option_chain_service_prices_with_the_curve(calendar) -> None:
    from analytics.yield_curve import curve_from_par_yields
    from app.core.bus import EventBus
    from app.core.events import OptionsUpdated
    from app.core.option_chains import OptionChainService
    from tests.core.options_snapshots import demo_provider

    curve = curve_from_par_yields(date(2026, 11, 30), PAGE["results"][0], "massive")
    demo = demo_provider(calendar, datetime(2026, 11, 25, 19, 30, tzinfo=UTC))
    bus, got = EventBus(), []
    bus.subscribe(OptionsUpdated, got.append)

    async def rates():
        return curve

    try:
        await OptionChainService(demo, bus, calendar, lambda: "AAPL", rates=rates).refresh()
        await OptionChainService(demo, bus, calendar, lambda: "AAPL").refresh()
        curved, flat = (e.snapshot for e in got)
        assert curved.r == pytest.approx(float(curve.rate(30 / 365))) and flat.r == 0.04
        # every demo expiry has parity pairs: their own rate wins, the curve only stands in (see
        # tests/analytics/test_yield_curve.py for an expiry without pairs)
        flat_fit = {(e.expiry, e.root): e for e in flat.greeks.forwards.expiries if e.source == "parity"}
        same = [(e, flat_fit[(e.expiry, e.root)]) for e in curved.greeks.forwards.expiries
                if e.source == "parity" and (e.expiry, e.root) in flat_fit]
        assert len(same) >= 5 and all(a.rate == pytest.approx(b.rate, rel=1e-9) for a, b in same)
    finally:
        await demo.aclose()
