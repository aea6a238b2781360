"""Builds the market-data provider the engine runs on, from its name and the engine config."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.context import EngineConfig
    from data.market_calendar import MarketCalendar
    from data.providers.base import MarketDataProvider


def create_provider(name: str, calendar: MarketCalendar, config: EngineConfig) -> MarketDataProvider:
    """Build provider ``name``; its key (if any) is registered with the log redactor first. A
    missing key or file raises ``ProviderError`` with the user's message."""
    from app.core.option_pricing import load_option_pricing
    from data.providers.registry import create_provider as create

    if name == "massive":
        from app.core.logging_setup import register_secret
        from data.secrets import get_api_key

        found = get_api_key("massive")
        if found:
            register_secret(found.value)
    return create(name, calendar, speed=config.speed, seed=config.seed,
                  cache_dir=config.data_dir / "cache", option_pricing=load_option_pricing,
                  **dict(config.provider_args))
