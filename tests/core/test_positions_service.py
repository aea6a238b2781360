"""The positions service: every action one stored event at market time, prices from mids when not
given, refused (nothing stored) when a price or a leg is wrong, a stop watched by an alert."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest

from analytics.positions import option_leg
from app.core.alerts import AlertsService
from app.core.bus import EventBus
from app.core.events import PositionsChanged
from app.core.positions.service import PositionsService
from data.store import positions as repo
from data.store.database import Store

NOW = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)
EXP = date(2026, 12, 18)
MIDS = {"SPXW261218P06500000": 2.0, "SPXW261218P06550000": 3.1, "SPXW261218C07000000": 2.9,
        "SPXW261218C07050000": 1.7}


def _condor():
    return (option_leg("SPXW261218P06500000", "SPX", EXP, False, 6500, 1, 4.10, fees=0.65),
            option_leg("SPXW261218P06550000", "SPX", EXP, False, 6550, -1, 6.30, fees=0.65),
            option_leg("SPXW261218C07000000", "SPX", EXP, True, 7000, -1, 5.90, fees=0.65),
            option_leg("SPXW261218C07050000", "SPX", EXP, True, 7050, 1, 3.80, fees=0.65))


async def _service(tmp_path):
    store = await asyncio.to_thread(Store.open, tmp_path)
    bus = EventBus()
    alerts = AlertsService(store, bus, lambda: NOW)
    service = PositionsService(store, bus, alerts, lambda: NOW, mid_of=lambda s: MIDS.get(s, float("nan")),
                               classify=lambda legs: f"{len(legs)}-leg")
    await service.prepare()
    return store, bus, alerts, service


async def test_open_close_at_mid_and_the_history_survives_a_restart(tmp_path):
    store, bus, _alerts, service = await _service(tmp_path)
    seen: list[PositionsChanged] = []
    bus.subscribe(PositionsChanged, seen.append)
    try:
        opened = await service.open("spx", _condor(), strategy="iron condor", source="chain")
        assert opened.underlying == "SPX" and service.open_symbols() == {"SPX"} and seen
        closed = await service.close_position(opened.id)
        assert closed.status == "closed" and closed.events[-1].kind == "closed" and closed.events[-1].at == NOW
        assert closed.events[-1].cash == pytest.approx((2.0 - 3.1 - 2.9 + 1.7) * 100)  # paid to close
        assert closed.realized == pytest.approx((6.30 + 5.90 - 4.10 - 3.80) * 100 - 2.6 - 230.0)
    finally:
        await asyncio.to_thread(store.close)
    store, _bus, _alerts, service = await _service(tmp_path)
    try:
        assert [e.kind for e in service.positions[0].events] == ["opened", "closed"]
    finally:
        await asyncio.to_thread(store.close)


async def test_partial_close_roll_adjust_and_a_missing_price_is_refused(tmp_path):
    store, _bus, _alerts, service = await _service(tmp_path)
    try:
        legs = (option_leg("SPY261218C00600000", "SPY", EXP, True, 600, 4, 3.0),)
        p = await service.open("SPY", legs, strategy="long call")
        with pytest.raises(repo.PositionError, match="No price for SPY261218C00600000"):
            await service.close_position(p.id)  # no mid for it: never closed at 0
        part = await service.close_position(p.id, prices={"SPY261218C00600000": 4.5},
                                            quantities={"SPY261218C00600000": 1})
        assert part.events[-1].kind == "partly_closed" and part.legs[0].quantity == 3
        short = option_leg("SPY261218C00610000", "SPY", EXP, True, 610, -3, 1.2)
        converted = await service.adjust(p.id, (short,), reason="converted to a spread")
        assert converted.strategy == "2-leg" and {x.quantity for x in converted.legs} == {3, -3}
        later = option_leg("SPY270115C00610000", "SPY", date(2027, 1, 15), True, 610, -3, 2.4)
        rolled = await service.roll(p.id, {"SPY261218C00610000": 0.9}, (later,))
        assert rolled.events[-1].kind == "rolled" and "SPY270115C00610000" in {x.symbol for x in rolled.legs}
        with pytest.raises(repo.PositionError, match="expired"):
            await service.adjust(p.id, (option_leg("SPY261120C00600000", "SPY", date(2026, 11, 20), True, 600,
                                                   1, 1.0),))
        assert len(service.positions[0].events) == 4  # the refused actions stored nothing
    finally:
        await asyncio.to_thread(store.close)


async def test_a_stop_is_stored_on_the_position_and_watched_by_an_alert(tmp_path):
    store, _bus, alerts, service = await _service(tmp_path)
    try:
        p = await service.open("SPX", _condor(), strategy="iron condor")
        stopped = await service.set_stop(p.id, 6540.0)
        assert stopped.stop_level == 6540.0 and stopped.events[-1].kind == "stop_set"
        alert = alerts.alerts[-1]
        assert (alert.symbol, alert.condition, alert.price, alert.source) == ("SPX", "crosses", 6540.0, "position")
        with pytest.raises(repo.PositionError, match="needs at least one leg"):
            await service.open("SPX", ())
    finally:
        await asyncio.to_thread(store.close)
