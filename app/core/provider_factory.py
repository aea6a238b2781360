"""Builds (and closes) the market-data provider the engine runs on, from its name and the config."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from data.providers.errors import ProviderError

if TYPE_CHECKING:
    from app.core.context import EngineConfig
    from data.market_calendar import MarketCalendar
    from data.providers.base import MarketDataProvider

log = logging.getLogger(__name__)


def create_provider(name: str, calendar: MarketCalendar, config: EngineConfig) -> MarketDataProvider:
    """Build provider ``name``; the key its registry entry needs (if any) is looked up here and
    registered with the log redactor first. A missing key or file raises ``ProviderError`` with
    the user's message. Blocks (the keychain): the engine calls it in a worker thread."""
    from app.core.option_pricing import load_option_pricing
    from data.providers.registry import create_provider as create
    from data.providers.registry import needs_secret

    args = dict(config.provider_args)
    secret = needs_secret(name)
    if secret is not None and not args.get("api_key"):
        from app.core.secrets import lookup_key

        key = lookup_key(secret)  # read once here (registered with the redactor), handed to the provider
        if key:
            args["api_key"] = key
    if secret is not None and args.get("api_key"):
        _check_key(secret, str(args["api_key"]))
    return create(name, calendar, speed=config.speed, seed=config.seed, data_dir=config.data_dir,
                  cache_dir=config.data_dir / "cache", option_pricing=load_option_pricing, **args)


def _check_key(secret: str, key: str) -> None:
    """A key HTTP cannot send (a pasted non-ASCII character …) fails here, clearly, not in a request header."""
    from data.secrets import key_problem

    if problem := key_problem(key):
        raise ProviderError(f"The saved {secret.replace('_', ' ').title()} key {problem}; save it again in "
                            "Preferences.")


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


async def close_provider(provider: MarketDataProvider, timeout: float) -> None:
    """Close a provider; shutdown or a provider switch goes on whatever the provider does."""
    try:
        async with asyncio.timeout(timeout):
            await provider.aclose()
    except Exception:
        log.exception("provider %s did not close cleanly", provider.name)
