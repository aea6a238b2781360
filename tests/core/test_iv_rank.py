"""The IV-rank service: an HV proxy until enough IV is stored, stored IV re-read on IvRecorded,
closes re-read for another provider, one rank per snapshot."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from analytics.volatility import iv_rank
from app.core.bus import EventBus
from app.core.events import IvRecorded
from app.core.iv_rank import NO_HISTORY, IvRankService
from data.store import iv_history
from data.store.database import Store

NOW = datetime(2026, 11, 25, 15, tzinfo=UTC)


class DailyCloses:
    """Just what the service asks a provider for: its clock and daily bars."""

    def __init__(self, closes: np.ndarray) -> None:
        self.closes = closes
        self.clock = SimpleNamespace(now=lambda: NOW)
        self.asked = 0

    async def get_bars(self, symbol: str, timeframe: object, start: datetime, end: datetime) -> SimpleNamespace:
        self.asked += 1
        return SimpleNamespace(close=self.closes)


def _snapshot(atm: float, symbol: str = "SPY") -> SimpleNamespace:
    return SimpleNamespace(symbol=symbol, iv=SimpleNamespace(atm_30d=atm))


@pytest.fixture
def store(tmp_path: Path):
    store = Store.open(tmp_path)
    yield store
    store.close()


async def test_proxy_first_then_stored_iv_once_recorded(store: Store) -> None:
    closes = 100 * np.exp(np.cumsum(np.random.default_rng(1).normal(0, .01, 300)))
    provider, bus = DailyCloses(closes), EventBus()
    service = IvRankService(store, bus, lambda: provider, lambda: None)
    assert await service.rank() is None  # no chain yet
    snap = _snapshot(0.15)
    view = await service.rank(snap)
    assert view.rank == iv_rank(0.15, np.array([]), closes) and view.rank.basis == "historical-volatility proxy"
    assert view.symbol == "SPY" and view.stored_days == 0 and view.reason == ""
    assert await service.rank(snap) is view and provider.asked == 1  # once per snapshot, closes read once
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(80)]
    ivs = np.linspace(0.1, 0.3, 80)
    for day, iv in zip(days, ivs, strict=True):
        await store.run(lambda s, d=day, v=float(iv): iv_history.record(s, "SPY", d, v, NOW))
    assert (await service.rank(_snapshot(0.15))).stored_days == 0  # not re-read until IvRecorded
    bus.publish(IvRecorded("SPY", days[-1], float(ivs[-1])))
    real = await service.rank(snap)
    assert real.rank == iv_rank(0.15, ivs) and real.rank.basis == "implied volatility" and real.stored_days == 80


async def test_too_little_history_says_so_and_another_provider_is_read_afresh(store: Store) -> None:
    short, long = DailyCloses(np.linspace(100, 110, 30)), DailyCloses(np.linspace(100, 130, 300))
    current = {"provider": short}
    service = IvRankService(store, EventBus(), lambda: current["provider"], lambda: None)
    view = await service.rank(_snapshot(0.2))
    assert view.rank is None and view.reason == NO_HISTORY
    current["provider"] = long  # a provider switch
    assert (await service.rank(_snapshot(0.2))).rank is not None and long.asked == 1


async def test_askers_at_the_same_time_share_one_load(store: Store) -> None:
    """The options context and the IV panel ask at start-up, each with its own snapshot: one read
    of the store and the provider serves both; an asker that gives up does not stop it."""
    closes = 100 * np.exp(np.cumsum(np.random.default_rng(2).normal(0, .01, 300)))
    provider = DailyCloses(closes)
    gate, real_get_bars = asyncio.Event(), provider.get_bars

    async def slow_get_bars(*args: object) -> SimpleNamespace:
        await gate.wait()
        return await real_get_bars(*args)

    provider.get_bars = slow_get_bars
    service = IvRankService(store, EventBus(), lambda: provider, lambda: None)
    quitter = asyncio.create_task(service.rank(_snapshot(0.2)))
    first, second = (asyncio.create_task(service.rank(_snapshot(atm))) for atm in (0.2, 0.25))
    await asyncio.sleep(0.05)
    quitter.cancel()
    gate.set()
    views = await asyncio.gather(first, second)
    assert provider.asked == 1  # each snapshot its own rank, on the one history:
    assert [v.rank for v in views] == [iv_rank(atm, np.array([]), closes) for atm in (0.2, 0.25)]
    assert views[0].rank != views[1].rank


async def test_a_closed_service_no_longer_listens(store: Store) -> None:
    bus = EventBus()
    service = IvRankService(store, bus, lambda: DailyCloses(np.ones(30)), lambda: None)
    forgotten: list[str] = []
    service._forget = forgotten.append  # what an IvRecorded does
    bus.publish(IvRecorded("SPY", date(2026, 11, 25), 0.2))
    service.close()
    bus.publish(IvRecorded("QQQ", date(2026, 11, 25), 0.2))
    assert not bus._handlers[IvRecorded] and forgotten == ["SPY"]  # heard until closed


async def test_closing_the_service_cancels_a_load_under_way(store: Store) -> None:
    """The engine's stop cancels the askers, and the load is shielded from them: closing the
    service must end it, or a task outlives the engine."""
    provider = DailyCloses(np.ones(300))
    never = asyncio.Event()

    async def stuck_get_bars(*args: object) -> SimpleNamespace:
        await never.wait()
        raise AssertionError("unreachable")

    provider.get_bars = stuck_get_bars
    service = IvRankService(store, EventBus(), lambda: provider, lambda: None)
    asker = asyncio.create_task(service.rank(_snapshot(0.2)))
    await asyncio.sleep(0.05)
    (load,) = service._loading.values()
    asker.cancel()
    service.close()
    await asyncio.wait([load], timeout=2)  # (bounded: without the cancel it would wait forever)
    assert load.cancelled() and not service._loading
