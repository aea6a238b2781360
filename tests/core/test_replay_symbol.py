"""A replay plays one symbol, and it becomes the active one: at start (the command line's
``--replay-file``) and after a switch (the GUI's File → Open recording…), by one rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.chart_data import ChartDataService
from app.core.engine import Engine, EngineConfig
from app.core.events import ActiveSymbolChanged, ProviderChanged
from app.core.workspace import Workspace
from data.providers.errors import ProviderError
from tests.recordings import write_recording


async def test_starting_on_a_recording_makes_its_symbol_active(tmp_path: Path) -> None:
    path = write_recording(tmp_path, "AAPL")
    engine = Engine(EngineConfig(tmp_path / "data", provider="replay", provider_args=(("replay_file", path),)))
    await engine.start()
    try:
        assert engine.context.provider.name == "replay"
        assert engine.service(Workspace).active_symbol == "AAPL"
    finally:
        await engine.stop()


async def test_a_switch_with_provider_args_opens_that_recording_and_follows_its_symbol(tmp_path: Path) -> None:
    engine = Engine(EngineConfig(tmp_path / "data"))
    await engine.start()
    order: list[str] = []
    engine.bus.subscribe(ActiveSymbolChanged, lambda e: order.append(f"symbol {e.symbol}"))
    engine.bus.subscribe(ProviderChanged, lambda e: order.append(f"provider {e.provider}"))
    try:
        await engine.switch_provider("replay", provider_args=(("replay_file", write_recording(tmp_path, "AAPL")),))
        assert engine.service(Workspace).active_symbol == "AAPL"
        # another recording on the running replay provider is a switch too
        await engine.switch_provider("replay", provider_args=(("replay_file", write_recording(tmp_path, "QQQ")),))
        assert engine.service(Workspace).active_symbol == "QQQ" and engine.context.provider.symbol == "QQQ"
        # the symbol is set before the provider change is announced: the chart loads once, right
        assert order == ["symbol AAPL", "provider replay", "symbol QQQ", "provider replay"]
        await engine.switch_provider("demo")  # back: the trader's symbol stays
        assert engine.context.provider.name == "demo" and engine.service(Workspace).active_symbol == "QQQ"
    finally:
        await engine.stop()


async def test_a_bad_recording_leaves_the_running_provider_and_symbol(tmp_path: Path) -> None:
    bad = tmp_path / "TSLA_1min.csv"
    bad.write_bytes(b"\x00\x01\x02")
    engine = Engine(EngineConfig(tmp_path / "data"))
    await engine.start()
    try:
        before = engine.service(ChartDataService)
        with pytest.raises(ProviderError, match="binary data"):
            await engine.switch_provider("replay", provider_args=(("replay_file", bad),))
        assert engine.context.provider.name == "demo" and engine.config.provider_args == ()
        assert engine.service(Workspace).active_symbol == "SPY" and engine.service(ChartDataService) is before
    finally:
        await engine.stop()


async def test_reloading_the_followers_keeps_the_provider_and_rebuilds_its_services(tmp_path: Path) -> None:
    engine = Engine(EngineConfig(tmp_path / "data", provider="replay",
                                 provider_args=(("replay_file", write_recording(tmp_path, "AAPL")),)))
    await engine.start()
    changed: list[str] = []
    engine.bus.subscribe(ProviderChanged, lambda e: changed.append(e.provider))
    try:
        provider, chart = engine.context.provider, engine.service(ChartDataService)
        await engine.reload_followers()
        assert engine.context.provider is provider and engine.service(ChartDataService) is not chart
        assert changed == ["replay"]
    finally:
        await engine.stop()
