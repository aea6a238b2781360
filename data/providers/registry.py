"""Provider registry: names the user can pick and how to build each one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from data.providers.errors import ProviderError

if TYPE_CHECKING:
    from data.market_calendar import MarketCalendar
    from data.providers.base import MarketDataProvider

Factory = Callable[..., "MarketDataProvider"]


def _demo(calendar: MarketCalendar, *, speed: float, seed: int) -> MarketDataProvider:
    from data.providers.demo.provider import DemoProvider

    return DemoProvider(calendar, seed=seed, speed=speed)


# replay and massive register here when they exist (they are separate issues).
PROVIDERS: dict[str, Factory] = {"demo": _demo}


def available_providers() -> list[str]:
    return list(PROVIDERS)


def create_provider(name: str, calendar: MarketCalendar, *, speed: float = 1.0, seed: int = 7
                    ) -> MarketDataProvider:
    factory = PROVIDERS.get(name)
    if factory is None:
        raise ProviderError(f"Unknown data provider '{name}'. Available: {', '.join(PROVIDERS)}.")
    return factory(calendar, speed=speed, seed=seed)
