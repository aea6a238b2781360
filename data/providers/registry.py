"""Provider registry: names the user can pick and how to build each one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from data.providers.errors import ProviderError

if TYPE_CHECKING:
    from data.market_calendar import MarketCalendar
    from data.providers.base import MarketDataProvider

Factory = Callable[..., "MarketDataProvider"]


def _demo(calendar: MarketCalendar, *, speed: float, seed: int, option_pricing: object = None,
          **_options: object) -> MarketDataProvider:
    from data.providers.demo.provider import DemoProvider

    return DemoProvider(calendar, seed=seed, speed=speed, option_pricing=option_pricing)  # type: ignore[arg-type]


def _replay(calendar: MarketCalendar, *, speed: float, replay_file: Path | None = None,
            replay_symbol: str | None = None, replay_tz: str = "America/New_York", replay_label: str = "start",
            **_options: object) -> MarketDataProvider:
    from data.providers.replay.provider import ReplayProvider
    from data.providers.replay.recording import RecordingError

    if replay_file is None:
        raise ProviderError("The replay provider needs a recording: pass --replay-file FILE.csv.")
    try:
        return ReplayProvider(calendar, Path(replay_file), speed=speed, symbol=replay_symbol, tz=replay_tz,
                              label=replay_label)
    except RecordingError as exc:
        raise ProviderError(str(exc)) from None


def _massive(calendar: MarketCalendar, *, api_key: str | None = None, delayed: bool = False,
             cache_dir: Path | None = None, **_options: object) -> MarketDataProvider:
    from data.providers.massive.provider import MassiveProvider
    from data.secrets import get_api_key

    if not api_key:
        found = get_api_key("massive")
        api_key = found.value if found else None
    if not api_key:
        raise ProviderError("The Massive provider needs an API key: save it in Preferences (kept in the OS "
                            "keychain) or set MASSIVE_API_KEY.")
    from data.providers.bar_cache import BarCache

    cache = BarCache(Path(cache_dir)) if cache_dir else None
    return MassiveProvider(calendar, api_key, delayed=bool(delayed), cache=cache)


PROVIDERS: dict[str, Factory] = {"demo": _demo, "replay": _replay, "massive": _massive}


def available_providers() -> list[str]:
    return list(PROVIDERS)


def create_provider(name: str, calendar: MarketCalendar, *, speed: float = 1.0, seed: int = 7,
                    **options: object) -> MarketDataProvider:
    """Build provider ``name``; ``options`` are provider-specific (``replay_file`` …)."""
    factory = PROVIDERS.get(name)
    if factory is None:
        raise ProviderError(f"Unknown data provider '{name}'. Available: {', '.join(PROVIDERS)}.")
    return factory(calendar, speed=speed, seed=seed, **options)
