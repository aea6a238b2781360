"""Builds the market-data provider the engine runs on, from its name and the engine config."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from data.providers.errors import ProviderError

if TYPE_CHECKING:
    from app.core.context import EngineConfig
    from data.market_calendar import MarketCalendar
    from data.providers.base import MarketDataProvider


def create_provider(name: str, calendar: MarketCalendar, config: EngineConfig) -> MarketDataProvider:
    """Build provider ``name``; its key (if any) is registered with the log redactor first. A
    missing key or file raises ``ProviderError`` with the user's message."""
    from app.core.option_pricing import load_option_pricing
    from data.providers.registry import create_provider as create

    args = dict(config.provider_args)
    if name == "massive" and not args.get("api_key"):
        from app.core.secrets import lookup_key

        key = lookup_key("massive")  # read once here (registered with the redactor), handed to the provider
        if key:
            args["api_key"] = key
    return create(name, calendar, speed=config.speed, seed=config.seed,
                  cache_dir=config.data_dir / "cache", option_pricing=load_option_pricing, **args)


def first_provider(calendar: MarketCalendar, config: EngineConfig
                   ) -> tuple[MarketDataProvider, EngineConfig, str | None]:
    """The configured provider; if it cannot start (e.g. Massive without a key on this machine),
    the demo market, with the config saying so and the reason to tell the user."""
    try:
        return create_provider(config.provider, calendar, config), config, None
    except ProviderError as exc:
        if config.provider == "demo":
            raise
        reason = f"{config.provider} is unavailable: {exc} Running on the demo market."
        config = replace(config, provider="demo")
        return create_provider("demo", calendar, config), config, reason
