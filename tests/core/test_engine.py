"""The engine end to end on the demo provider: start, stream, workspace, notify, stop cleanly."""

from __future__ import annotations

import asyncio
import gc
import logging
import warnings
from pathlib import Path

import numpy as np
import pytest

from app.core.engine import Engine, EngineConfig
from app.core.events import NotificationPosted, QuoteUpdated, WatchlistsChanged
from app.core.health import ServiceState
from app.core.market_data import MarketDataService
from app.core.notifications import NotificationService
from app.core.supervisor import BackoffPolicy
from app.core.workspace import Workspace
from data.store.database import Store
from data.symbols import SymbolError


async def _until(predicate, timeout: float = 10.0) -> None:
    end = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < end, "condition not reached in time"
        await asyncio.sleep(0.02)


async def test_engine_streams_the_watchlist_and_follows_changes(tmp_path: Path) -> None:
    engine = Engine(EngineConfig(tmp_path, speed=10))
    quotes: list[str] = []
    engine.bus.subscribe(QuoteUpdated, lambda e: quotes.append(e.quote.symbol))
    await engine.start()
    try:
        ws = engine.service(Workspace)
        await _until(lambda: set(ws.active_watchlist.symbols) <= set(quotes))
        await ws.add_symbol("meta")
        assert "META" in engine.service(MarketDataService).symbols
        quotes.clear()
        await _until(lambda: "META" in quotes)
        await ws.remove_symbol("META")
        assert "META" not in engine.service(MarketDataService).symbols
        with pytest.raises(SymbolError):
            await ws.set_active_symbol("??")
        assert await ws.set_active_symbol("amd") == "AMD"
        assert "AMD" in engine.service(MarketDataService).symbols
        assert engine.health_ok()
    finally:
        await engine.stop()


async def test_workspace_changes_survive_a_restart(tmp_path: Path) -> None:
    first = Engine(EngineConfig(tmp_path))
    await first.start()
    await first.service(Workspace).create_watchlist("Swing")
    await first.service(Workspace).add_symbol("COST")
    await first.service(Workspace).set_active_symbol("NDX")
    await first.service(Workspace).set_preference("theme", "light")
    await first.stop()
    second = Engine(EngineConfig(tmp_path))
    seen: list[WatchlistsChanged] = []
    second.bus.subscribe(WatchlistsChanged, seen.append)
    await second.start()
    try:
        ws = second.service(Workspace)
        assert ws.active_watchlist.name == "Swing" and ws.active_watchlist.symbols == ("COST",)
        assert ws.active_symbol == "NDX" and ws.preferences["theme"] == "light"
        assert seen and seen[-1].active_id == ws.active_watchlist_id
    finally:
        await second.stop()


async def test_shutdown_leaves_no_pending_tasks_or_unawaited_coroutines(tmp_path: Path, caplog) -> None:
    loop = asyncio.get_running_loop()
    loop.set_debug(True)
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        engine = Engine(EngineConfig(tmp_path, speed=100))
        await engine.start()
        await asyncio.sleep(0.5)
        await engine.stop()
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        gc.collect()
    assert pending == []
    assert not [w for w in caught if "never awaited" in str(w.message)]
    assert "Task was destroyed" not in caplog.text
    assert engine.context is None


async def test_notifications_are_deduplicated_persisted_and_published(tmp_path: Path) -> None:
    from app.core.bus import EventBus

    store = Store.open(tmp_path)
    bus = EventBus()
    posted: list[NotificationPosted] = []
    bus.subscribe(NotificationPosted, posted.append)
    now = [0.0]
    service = NotificationService(store, bus, cooldown_s=60, clock=lambda: now[0])
    try:
        assert await service.notify("setup", "ORB long SPY", "entry 600") is not None
        assert await service.notify("setup", "ORB long SPY", "entry 600") is None  # within cooldown
        assert await service.notify("setup", "VWAP reclaim QQQ", "entry 500") is not None  # other key
        now[0] = 61
        assert await service.notify("setup", "ORB long SPY", "entry 601") is not None
        assert service.suppressed == 1 and len(posted) == 3
        assert [r.title for r in await service.recent()] == ["ORB long SPY", "VWAP reclaim QQQ", "ORB long SPY"]
    finally:
        store.close()


async def test_a_failing_service_raises_one_incident_notification_and_a_recovery(tmp_path: Path) -> None:
    engine = Engine(EngineConfig(tmp_path), backoff=BackoffPolicy(initial=0.05, maximum=0.05))
    posted: list[str] = []
    engine.bus.subscribe(NotificationPosted, lambda e: posted.append(e.record.title))
    await engine.start()
    try:
        stream_cls = type(engine.context.provider.open_stream())
        original = stream_cls.collect
        calls = {"n": 0}

        def failing_collect(self, symbols, now):  # the feed breaks twice, then recovers
            calls["n"] += 1
            if calls["n"] <= 2:
                raise ConnectionError("feed dropped")
            return original(self, symbols, now)

        stream_cls.collect = failing_collect
        try:
            await _until(lambda: engine.health.get("market-data").restarts >= 2, timeout=10)
            await _until(lambda: any("recovered" in t for t in posted), timeout=10)
        finally:
            stream_cls.collect = original
        h = engine.health.get("market-data")
        assert h.state is ServiceState.RUNNING and "feed dropped" in h.last_error
        assert [t for t in posted if "market-data" in t] == ["market-data is restarting", "market-data recovered"]
    finally:
        await engine.stop()


async def test_switching_provider_restarts_the_stream_without_a_restart(tmp_path: Path, monkeypatch) -> None:
    from app.core.events import ProviderChanged
    from data.providers.errors import ProviderError
    from tests.conftest import SHARED

    replay = SHARED / "data" / "bars_intraday" / "consolidated_rth_1min_2026" / "SPY_1min_20260122_20260306.csv"
    if not replay.exists():
        pytest.skip("../shared/data/bars_intraday not present (plain clone)")
    monkeypatch.delenv("MASSIVE_API_KEY", raising=False)
    monkeypatch.setattr("data.secrets.get_api_key", lambda name: None)
    engine = Engine(EngineConfig(tmp_path, speed=50, provider_args=(("replay_file", replay),)))
    changed: list[str] = []
    engine.bus.subscribe(ProviderChanged, lambda e: changed.append(e.provider))
    await engine.start()
    try:
        await _until(lambda: "SPY" in engine.service(MarketDataService).last_quotes)
        demo_quote = engine.service(MarketDataService).last_quotes["SPY"]
        with pytest.raises(ProviderError, match="API key"):
            await engine.switch_provider("massive")
        assert engine.context.provider.name == "demo"  # a refused switch leaves the running provider alone
        await engine.switch_provider("replay")
        assert changed == ["replay"] and engine.context.provider.name == "replay"
        await _until(lambda: "SPY" in engine.service(MarketDataService).last_quotes
                     and engine.service(MarketDataService).last_quotes["SPY"].ts < demo_quote.ts - 86400)
        assert engine.health.get("market-data").state is ServiceState.RUNNING
    finally:
        await engine.stop()


async def test_an_unavailable_provider_falls_back_to_demo_and_says_why(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("MASSIVE_API_KEY", raising=False)
    monkeypatch.setattr("data.secrets.get_api_key", lambda name: None)
    engine = Engine(EngineConfig(tmp_path, provider="massive"))
    posted: list[NotificationPosted] = []
    engine.bus.subscribe(NotificationPosted, posted.append)
    await engine.start()
    try:
        assert engine.context.provider.name == "demo" and engine.config.provider == "demo"
        assert posted and "API key" in posted[0].record.message and posted[0].record.kind == "provider"
    finally:
        await engine.stop()


async def test_the_options_service_publishes_the_active_symbols_chain(tmp_path: Path) -> None:
    from app.core.events import OptionsUnavailable, OptionsUpdated

    engine = Engine(EngineConfig(tmp_path))
    updates: list[OptionsUpdated] = []
    engine.bus.subscribe(OptionsUpdated, updates.append)
    await engine.start()
    try:
        await engine.service(Workspace).set_active_symbol("QQQ")
        await _until(lambda: any(u.snapshot.symbol == "QQQ" for u in updates))
        snap = next(u.snapshot for u in updates if u.snapshot.symbol == "QQQ")
        assert len(snap.chain) > 100 and snap.spot > 0 and snap.provider == "demo"
        g = snap.greeks
        assert np.all(np.isfinite(g.theta[g.T > 0])) and np.all(g.vega >= 0)
        assert not g.local_greeks.any()  # the demo sends delta and gamma
    finally:
        await engine.stop()

    class NoOptions:  # a provider without the options interface (e.g. replay)
        name = "replay"

    from app.core.bus import EventBus
    from app.core.option_chains import OptionChainService

    bus = EventBus()
    said: list[OptionsUnavailable] = []
    bus.subscribe(OptionsUnavailable, said.append)
    await OptionChainService(NoOptions(), bus, None, lambda: "SPY").refresh()  # type: ignore[arg-type]
    assert said and "No options data from the replay provider" in said[0].reason


async def test_a_symbol_the_demo_does_not_have_is_refused_up_front(tmp_path: Path) -> None:
    engine = Engine(EngineConfig(tmp_path, speed=10))
    await engine.start()
    try:
        ws = engine.service(Workspace)
        before = (ws.active_symbol, ws.active_watchlist.symbols)
        with pytest.raises(SymbolError, match="ZZZZ is not in the demo universe"):
            await ws.set_active_symbol("zzzz")
        with pytest.raises(SymbolError, match="not in the demo universe"):
            await ws.add_symbol("ZZZZ")
        assert (ws.active_symbol, ws.active_watchlist.symbols) == before  # nothing changed
        assert await ws.set_active_symbol("nvda") == "NVDA"
    finally:
        await engine.stop()
