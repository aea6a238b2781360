"""The issue's "done when": two app engines (demo market, their own data folders) signed in to one
account on one machine, one of them offline for a while, both editing the journal, watchlists,
alerts and positions through the engine's own services, end with the same data — and the
services' in-memory views (what the panels show) follow the changes that arrived."""

from __future__ import annotations

import asyncio

from analytics.positions import Leg
from app.core.alerts import AlertsService
from app.core.engine import Engine, EngineConfig
from app.core.journal.imports import JournalService
from app.core.positions.service import PositionsService
from app.core.sync.service import SyncService
from app.core.workspace import Workspace
from data.store import journal
from tests.server.sync.devices import PASSWORD, contents
from tests.server.sync.proxy import CuttingProxy


async def _synced(*engines: Engine, rounds: int = 3) -> None:
    for _ in range(rounds):
        for engine in engines:
            status = await engine.service(SyncService).sync_now()
            assert status.state == "synced", status


async def _until(condition, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


def _contents(engine: Engine) -> dict:
    return engine.context.store.run_sync(lambda session: contents(session.connection()))


async def test_two_app_engines_one_offline_end_with_the_same_data(backend, tmp_path, unique) -> None:
    proxy = await CuttingProxy(int(backend.base_url.rsplit(":", 1)[1])).start()
    desk, laptop = Engine(EngineConfig(tmp_path / "desk")), Engine(EngineConfig(tmp_path / "laptop"))
    await desk.start()
    await laptop.start()
    try:
        email = f"engines-{unique}@example.com"
        await desk.service(SyncService).sign_in(backend.base_url, email, PASSWORD, create=True)
        await laptop.service(SyncService).sign_in(proxy.url, email, PASSWORD)
        await _synced(desk, laptop)

        proxy.set_online(False)  # the laptop loses its connection
        await laptop.service(Workspace).add_symbol("INTC")
        await laptop.service(AlertsService).create("SPY", "above", 612.5)
        await laptop.service(JournalService).annotate("T-laptop", notes="written offline", rating=3)
        assert (await laptop.service(SyncService).sync_now()).state == "offline"
        await desk.service(Workspace).add_symbol("PLTR")
        await desk.service(PositionsService).open("SPY", (Leg("stock", "SPY", "SPY", 100, 600.0),))
        await desk.service(JournalService).annotate("T-desk", setup="ORB")
        await desk.service(Workspace).set_preference("theme", "light")
        await desk.service(SyncService).sync_now()
        proxy.set_online(True)
        await _synced(laptop, desk)

        assert _contents(desk) == _contents(laptop)
        for engine in (desk, laptop):  # the views the panels show followed
            symbols = engine.service(Workspace).active_watchlist.symbols
            assert {"INTC", "PLTR"} <= set(symbols)
            await _until(lambda e=engine: [a.price for a in e.service(AlertsService).alerts] == [612.5])
            await _until(lambda e=engine: [p.underlying for p in e.service(PositionsService).positions] == ["SPY"])
            assert engine.service(Workspace).preferences["theme"] == "light"
        notes = laptop.context.store.run_sync(journal.notes)
        assert notes["T-laptop"].notes == "written offline" and notes["T-desk"].setup == "ORB"
    finally:
        await laptop.stop()
        await desk.stop()
        await proxy.stop()
