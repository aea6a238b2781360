"""The journal's context service over a real replay of SPY minutes: an imported stock trade gets its
levels, VWAP distance, the options picture recorded before it and MAE/MFE — the same numbers the
pure functions give on those bars — stored once; a symbol the provider lacks, the demo market and
an options snapshot each behave as the module says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from analytics.journal_trades import mae_mfe
from analytics.trade_context import levels_at_entry
from app.core.bus import EventBus
from app.core.journal.context import DEMO_NOTE, TradeContextService
from app.core.journal.imports import JournalService
from data.market_calendar import default_calendar
from data.models import Timeframe
from data.providers.replay.provider import ReplayProvider
from data.providers.sim_clock import SimClock
from data.store import executions as exec_repo
from data.store import trade_context as repo
from data.store.database import Store
from data.store.records import Execution, OptionsContext
from tests.conftest import shared_path

ENTRY = datetime(2026, 3, 3, 15, 12, 30, tzinfo=UTC)  # 10:12:30 ET
EXIT = datetime(2026, 3, 3, 16, 41, 5, tzinfo=UTC)  # 11:41 ET


def _fill(exec_id: str, when: datetime, side: str, price: float, symbol: str = "SPY") -> Execution:
    return Execution("generic", "", exec_id, when, symbol, side, 100.0, price, 1.0)


async def _rank(_snap):
    return None


async def _zero_dte(_snap):
    return None


@pytest.fixture
def replay():
    path = shared_path("data", "bars_intraday", "consolidated_rth_1min_2026", "SPY_1min_20260122_20260306.csv")
    return ReplayProvider(default_calendar(), path, clock=SimClock(datetime(2026, 3, 6, 21, tzinfo=UTC), 1.0,
                                                                   lambda: 0.0))


async def test_an_imported_trade_gets_its_context_once(tmp_path: Path, replay) -> None:
    store = Store.open(tmp_path)
    journal = JournalService(store, now=replay.clock.now)
    service = TradeContextService(store, EventBus(), journal, lambda: replay, _rank, _zero_dte)
    try:
        await store.run(lambda s: exec_repo.add(s, [
            _fill("a1", ENTRY, "buy", 680.0), _fill("a2", EXIT, "sell", 681.5),
            _fill("b1", ENTRY, "buy", 200.0, symbol="AAPL")]))
        picture = OptionsContext("SPY", ENTRY.replace(second=0) - timedelta(minutes=4), "replay", 680.1,
                                 "negative gamma", 679.0, 690.0, 670.0, 0.21, 55.0, 7.5, 0.4)
        await store.run(lambda s: repo.record_options(s, picture))
        assert await service.fill() == 2
        assert await service.fill() == 0  # stored once

        spy, aapl = sorted(await journal.trades(), key=lambda t: t.symbol, reverse=True)
        bars = await replay.get_bars("SPY", Timeframe.M1, ENTRY - timedelta(days=6), EXIT + timedelta(minutes=1))
        assert spy.context is not None and spy.context.levels == levels_at_entry(bars, ENTRY, 680.0)
        assert spy.context.levels.price == 680.0 and spy.context.levels.vwap is not None
        assert spy.context.options == picture
        mae, mfe = mae_mfe(spy, bars)
        assert (spy.mae, spy.mfe) == (mae.dollars, mfe.dollars) and spy.mae <= 0 <= spy.mfe
        assert aapl.context is not None and aapl.context.levels is None
        assert "SPY only" in aapl.context.notes[0]  # the replay's own reason
    finally:
        store.close()


async def test_an_open_trade_is_measured_again_once_closed(tmp_path: Path, replay) -> None:
    store = Store.open(tmp_path)
    journal = JournalService(store, now=replay.clock.now)
    service = TradeContextService(store, EventBus(), journal, lambda: replay, _rank, _zero_dte)
    try:
        await store.run(lambda s: exec_repo.add(s, [_fill("a1", ENTRY, "buy", 680.0)]))
        assert await service.fill() == 1
        (trade,) = await journal.trades()
        assert trade.context is not None and trade.context.options is None and trade.mae is None
        assert any("options snapshot" in n for n in trade.context.notes)
        await store.run(lambda s: exec_repo.add(s, [_fill("a2", EXIT, "sell", 681.5)]))
        assert await service.fill() == 1
        (closed,) = await journal.trades()
        assert closed.mae is not None and closed.mfe is not None
    finally:
        store.close()


async def test_the_demo_market_leaves_imported_trades_for_a_real_provider(tmp_path: Path, replay) -> None:
    from tests.core.options_snapshots import demo_provider

    calendar = default_calendar()
    demo = demo_provider(calendar, datetime(2026, 3, 6, 21, tzinfo=UTC))
    current = [demo]
    store = Store.open(tmp_path)
    journal = JournalService(store, now=replay.clock.now)
    service = TradeContextService(store, EventBus(), journal, lambda: current[0], _rank, _zero_dte)
    try:
        fills = [_fill("a1", ENTRY, "buy", 680.0), _fill("a2", EXIT, "sell", 681.5)]
        await store.run(lambda s: exec_repo.add(s, fills))
        assert await service.fill() == 1
        (trade,) = await journal.trades()
        assert trade.context.notes == (DEMO_NOTE,) and trade.mae is None
        assert await service.fill() == 0  # not again in the demo market
        current[0] = replay  # a real provider: computed again, with bars
        assert await service.fill() == 1
        (trade,) = await journal.trades()
        assert trade.context.levels is not None and trade.mae is not None
    finally:
        store.close()
        await demo.aclose()


async def test_an_options_snapshot_is_recorded_once_a_minute(tmp_path: Path) -> None:
    from tests.core.options_snapshots import demo_provider, demo_snapshot

    calendar = default_calendar()
    at = datetime(2026, 3, 3, 15, 0, 12, tzinfo=UTC)
    demo = demo_provider(calendar, at)
    snap = demo_snapshot(calendar, "SPY", at, open_price=None, provider=demo)
    store = Store.open(tmp_path)
    service = TradeContextService(store, EventBus(), JournalService(store, now=demo.clock.now), lambda: demo,
                                  _rank, _zero_dte)
    try:
        assert await service.record(snap) is True
        assert await service.record(snap) is False  # that minute has its picture
        (got,) = await store.run(lambda s: repo.options_between(s, "SPY", at - timedelta(minutes=1), at))
        assert got.at == at.replace(second=0) and got.regime == snap.gex.regime and got.spot == snap.spot
        assert got.flip == snap.gex.flip and got.call_wall == snap.gex.call_wall and got.iv_rank is None
        assert got.iv_30d == pytest.approx(snap.iv.atm_30d)
    finally:
        store.close()
        await demo.aclose()


async def test_the_apps_own_trades_get_the_demo_markets_context(tmp_path: Path) -> None:
    """A position made in the demo market is described by it (its bars are that trade's market)."""
    from dataclasses import replace

    from tests.core.options_snapshots import demo_provider

    demo = demo_provider(default_calendar(), datetime(2026, 3, 6, 21, tzinfo=UTC))
    store = Store.open(tmp_path)
    journal = JournalService(store, now=demo.clock.now)
    service = TradeContextService(store, EventBus(), journal, lambda: demo, _rank, _zero_dte)
    try:
        fills = [replace(_fill("p:1:0", ENTRY, "buy", 680.0), broker="app"),
                 replace(_fill("p:2:0", EXIT, "sell", 681.5), broker="app")]
        await store.run(lambda s: exec_repo.add(s, fills))
        assert await service.fill() == 1
        (trade,) = await journal.trades()
        bars = await demo.get_bars("SPY", Timeframe.M1, ENTRY - timedelta(days=6), EXIT + timedelta(minutes=1),
                                   extended=True)
        assert trade.context.levels == levels_at_entry(bars, ENTRY, 680.0) and trade.context.levels is not None
        assert trade.mae is not None and DEMO_NOTE not in trade.context.notes
    finally:
        store.close()
        await demo.aclose()


async def test_stopping_drops_a_picture_still_being_computed(tmp_path: Path) -> None:
    """A quit does not wait for the minute's options picture (its IV rank may be queued behind the
    options worker): the record is cancelled, nothing half-written is stored, the store stays usable."""
    import asyncio

    from app.core.events import OptionsUpdated
    from app.core.health import HealthRegistry
    from app.core.supervisor import ServiceContext
    from tests.core.options_snapshots import demo_provider, demo_snapshot

    calendar = default_calendar()
    at = datetime(2026, 3, 3, 15, 0, 12, tzinfo=UTC)
    demo = demo_provider(calendar, at)
    snap = demo_snapshot(calendar, "SPY", at, open_price=None, provider=demo)
    store = Store.open(tmp_path)
    bus = EventBus()
    asked = asyncio.Event()

    async def rank_never_ready(_snap):
        asked.set()
        await asyncio.Event().wait()

    service = TradeContextService(store, bus, JournalService(store, now=demo.clock.now), lambda: demo,
                                  rank_never_ready, _zero_dte)
    health = HealthRegistry()
    health.register(service.name, service.stale_after)
    run = asyncio.create_task(service.run(ServiceContext(service.name, health)))
    try:
        for _ in range(200):  # the service subscribes once it runs
            bus.publish(OptionsUpdated(snap))
            if asked.is_set():
                break
            await asyncio.sleep(0.01)
        assert asked.is_set()
        (recording,) = service._pending
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run
        assert recording.cancelled()
        assert await store.run(lambda s: repo.options_between(s, "SPY", at - timedelta(minutes=1), at)) == []
    finally:
        store.close()
        await demo.aclose()
