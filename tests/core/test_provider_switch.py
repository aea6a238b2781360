"""A provider switch is all or nothing: the new provider's services take over together with the
new context, the old ones are released (``close()``), and a failure leaves the old ones running."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pytest

from app.core.chart_data import ChartDataService
from app.core.engine import Engine, EngineConfig
from app.core.market_data import MarketDataService
from app.core.services import SERVICES, ServiceSpec
from data.providers.base import ReplayControls


class ProviderProbe:
    """A service that follows the provider; it refuses to be built on a provider named in ``refuse``."""

    closed: ClassVar[list[str]] = []
    refuse: ClassVar[set[str]] = set()

    def __init__(self, provider_name: str) -> None:
        if provider_name in self.refuse:
            raise RuntimeError(f"cannot run on {provider_name}")
        self.provider_name = provider_name

    def close(self) -> None:
        ProviderProbe.closed.append(self.provider_name)


PROBE = ServiceSpec("probe", ProviderProbe, lambda c: ProviderProbe(c.provider.name), supervised=False,
                    follows_provider=True)


def _recording(tmp_path: Path) -> Path:
    """One regular session of 1-minute SPY bars, enough for the replay provider."""
    start = datetime(2026, 11, 24, 14, 30, tzinfo=UTC)
    rows = ["datetime,open,high,low,close,volume"]
    for i in range(390):
        t = (start + timedelta(minutes=i)).strftime("%Y-%m-%d %H:%M:%S")
        rows.append(f"{t},{600 + i * 0.01:.2f},{600.5 + i * 0.01:.2f},{599.5 + i * 0.01:.2f},{600 + i * 0.01:.2f},1000")
    path = tmp_path / "SPY_1min.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    ProviderProbe.closed, ProviderProbe.refuse = [], set()
    args = (("replay_file", _recording(tmp_path)), ("replay_tz", "UTC"))
    return Engine(EngineConfig(tmp_path / "data", provider_args=args), services=(*SERVICES, PROBE))


async def test_the_new_services_come_with_the_new_context_and_the_old_ones_are_released(engine: Engine) -> None:
    await engine.start()
    try:
        old_stream = engine.service(MarketDataService)
        await engine.switch_provider("replay")
        provider = engine.context.provider
        assert isinstance(provider, ReplayControls)
        assert engine.service(ChartDataService)._provider is provider  # rebuilt on the new provider
        assert engine.service(MarketDataService) is not old_stream
        assert engine.service(ProviderProbe).provider_name == "replay"
        assert ProviderProbe.closed == ["demo"]
    finally:
        await engine.stop()
    assert ProviderProbe.closed == ["demo", "replay"]  # stop releases every service too


async def test_a_failing_builder_leaves_the_running_provider_and_services_untouched(engine: Engine) -> None:
    await engine.start()
    try:
        before = {kind: engine.service(kind) for kind in (MarketDataService, ChartDataService, ProviderProbe)}
        ProviderProbe.refuse = {"replay"}
        with pytest.raises(RuntimeError, match="cannot run on replay"):
            await engine.switch_provider("replay")
        assert engine.context.provider.name == "demo" and engine.config.provider == "demo"
        assert {kind: engine.service(kind) for kind in before} == before
        assert ProviderProbe.closed == []
        ProviderProbe.refuse = set()
        await engine.switch_provider("replay")  # and a later switch still works
        assert engine.context.provider.name == "replay"
    finally:
        await engine.stop()


async def test_switching_before_the_engine_runs_is_refused(engine: Engine) -> None:
    with pytest.raises(RuntimeError, match="not running"):
        await engine.switch_provider("replay")


async def test_a_spec_must_build_a_service_of_its_kind_and_name(tmp_path: Path) -> None:
    wrong = ServiceSpec("wrong-name", MarketDataService, lambda c: MarketDataService(c.provider, c.bus))
    engine = Engine(EngineConfig(tmp_path), services=(wrong,))
    try:
        with pytest.raises(TypeError, match="'wrong-name' built"):
            await engine.start()
    finally:
        await engine.stop()
