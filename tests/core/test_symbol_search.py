"""The symbol search service on a real demo engine: the provider's answers cached for 24 h of
market time, a failing provider leaving the built-in list, favourites and recents saved."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core.engine import Engine, EngineConfig
from app.core.symbol_search import SymbolSearch
from app.core.workspace import Workspace
from data.models import SymbolInfo
from data.store import provider_cache
from data.store.preference_specs import PreferenceError, validate
from data.symbols import SymbolError, SymbolKind

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


class CountingProvider:
    """Answers the reference search with one ticker the built-in list lacks; counts the requests."""

    def __init__(self, name: str = "massive", fail: BaseException | None = None, delay_s: float = 0.0) -> None:
        self.name, self.fail, self.delay_s = name, fail, delay_s
        self.asked: list[str] = []

    async def search_symbols(self, query: str, limit: int = 10) -> list[SymbolInfo]:
        self.asked.append(query)
        await asyncio.sleep(self.delay_s)
        if self.fail is not None:
            raise self.fail
        return [SymbolInfo("ZM", "Zoom Communications Inc.", SymbolKind.STOCK)]


@pytest.fixture
async def engine(tmp_path: Path):
    engine = Engine(EngineConfig(tmp_path))
    await engine.start()
    try:
        yield engine
    finally:
        await engine.stop()


def search_on(engine: Engine, provider: CountingProvider, now: list[datetime], timeout_s: float = 4.0) -> SymbolSearch:
    return SymbolSearch(engine.context.store, engine.service(Workspace), lambda: provider, lambda: now[0],
                        timeout_s=timeout_s)


async def test_the_demo_engine_finds_tickers_by_company_name(engine: Engine) -> None:
    search = engine.service(SymbolSearch)
    assert [s.symbol for s in await search.suggest("nvidia")][:1] == ["NVDA"]
    assert [s.symbol for s in await search.suggest("appl")][:1] == ["AAPL"]
    assert all(s.symbol != "XLE" for s in await search.suggest(""))  # not in the demo universe: not offered
    now = engine.context.clock.now()  # cached on the provider's market clock
    cached = await engine.context.store.run(lambda s: provider_cache.get(s, "symbol_search:demo:nvidia", now,
                                                                         timedelta(hours=24)))
    assert cached[0]["symbol"] == "NVDA"


async def test_the_providers_answer_is_cached_for_24_hours_of_market_time(engine: Engine) -> None:
    provider, now = CountingProvider(), [T0]
    search = search_on(engine, provider, now)
    assert "ZM" in [s.symbol for s in await search.suggest("Zoom")]
    now[0] = T0 + timedelta(hours=23)
    assert "ZM" in [s.symbol for s in await search.suggest("zoom ")]  # same query, lower-cased and trimmed
    assert provider.asked == ["zoom"]
    now[0] = T0 + timedelta(hours=24, minutes=1)
    assert "ZM" in [s.symbol for s in await search.suggest("zoom")]
    assert provider.asked == ["zoom", "zoom"]  # stale: asked again
    other = search_on(engine, CountingProvider("demo"), now)  # per provider
    await other.suggest("zoom")
    assert other._provider().asked == ["zoom"]


async def test_a_failing_or_slow_provider_leaves_the_built_in_list(engine: Engine) -> None:
    now = [T0]
    down = CountingProvider(fail=ConnectionError("offline"))
    search = search_on(engine, down, now)
    rows = await search.suggest("apple")
    assert [s.symbol for s in rows] == ["AAPL"]
    await search.suggest("microsoft")
    assert down.asked == ["apple"]  # not asked again at every keystroke after a failure
    slow = search_on(engine, CountingProvider(delay_s=5), now, timeout_s=0.05)
    assert [s.symbol for s in await slow.suggest("nvidia")] == ["NVDA"]
    assert await engine.context.store.run(lambda s: provider_cache.fetched_at(s, "symbol_search:massive:nvidia")) \
        is None  # a failure is not cached


async def test_favourites_and_recents_are_saved_preferences(tmp_path: Path) -> None:
    first = Engine(EngineConfig(tmp_path))
    await first.start()
    try:
        search = first.service(SymbolSearch)
        assert await search.toggle_favourite("nvda") is True
        assert await search.toggle_favourite("spy") is True
        assert await search.toggle_favourite("NVDA") is False
        await search.toggle_favourite("aapl")
        for symbol in ["msft", "amd", "MSFT"]:
            await search.used(symbol)
        with pytest.raises(SymbolError):
            await search.toggle_favourite("12$")
        rows = await search.suggest("")
        assert [s.symbol for s in rows][:4] == ["SPY", "AAPL", "MSFT", "AMD"]
        assert rows[0].starred and rows[2].recent and not rows[2].starred
    finally:
        await first.stop()
    again = Engine(EngineConfig(tmp_path))
    await again.start()
    try:
        search = again.service(SymbolSearch)
        assert search.favourites == ["SPY", "AAPL"] and search.recents == ["MSFT", "AMD"]
        assert again.service(Workspace).preferences["favourite_symbols"] == ["SPY", "AAPL"]
        for i in range(30):
            await search.used(f"A{chr(65 + i % 26)}{chr(65 + i // 26)}")
        assert len(search.recents) == 20 and search.recents[0] == "ADB"
    finally:
        await again.stop()


def test_the_symbol_lists_are_validated() -> None:
    assert validate("favourite_symbols", ["SPY", "BRK.B", "SPX"]) == ["SPY", "BRK.B", "SPX"]
    for bad in ("SPY", ["spy"], ["SPY", "SPY"], ["12$"], [3], {"SPY": 1}):
        with pytest.raises(PreferenceError):
            validate("favourite_symbols", bad)
    with pytest.raises(PreferenceError, match="at most 20"):
        validate("recent_symbols", [f"A{chr(65 + i)}" for i in range(21)])
