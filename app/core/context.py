"""What every engine service is built from: one context object instead of a dozen arguments.

The engine makes a new context when the provider is switched (``with_provider``); services
that follow the provider are rebuilt from it, the others keep theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from app.core.bus import EventBus
    from app.core.health import HealthRegistry
    from app.core.notifications import NotificationService
    from app.core.workspace import Workspace
    from data.market_calendar import MarketCalendar
    from data.providers.base import Clock, MarketDataProvider
    from data.store.database import Store

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class EngineConfig:
    data_dir: Path
    provider: str = "demo"
    speed: float = 1.0
    seed: int = 7
    provider_args: tuple[tuple[str, object], ...] = ()  # e.g. (("replay_file", path),)


@dataclass(frozen=True, slots=True)
class EngineContext:
    config: EngineConfig
    bus: EventBus
    health: HealthRegistry
    calendar: MarketCalendar
    store: Store
    provider: MarketDataProvider
    workspace: Workspace
    notifications: NotificationService
    service: Callable[[type[T]], T]  # another service, by its class (built earlier in the list)
    current: Callable[[], EngineContext]  # the engine's context now (a provider switch makes a new one)
    report_error: Callable[[str, str], None]  # (source, message) → ErrorReported, shown to the trader

    @property
    def clock(self) -> Clock:
        """Market time as the current provider sees it (simulated for demo and replay)."""
        return self.provider.clock

    def with_provider(self, provider: MarketDataProvider, config: EngineConfig) -> EngineContext:
        return replace(self, provider=provider, config=config)
