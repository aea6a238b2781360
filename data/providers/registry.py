"""Provider registry: names the user can pick, how to build each one and the secret (API key)
each needs. The registry reads no secret: the caller looks up ``needs_secret(name)`` and passes
the key in as ``api_key``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from data.providers.errors import ProviderError

if TYPE_CHECKING:
    from data.market_calendar import MarketCalendar
    from data.providers.base import MarketDataProvider

Factory = Callable[..., "MarketDataProvider"]


DEMO_CLOCK_FILE = "demo_clock.json"  # in the data dir: where the demo clock resumes on the next run


def _demo(calendar: MarketCalendar, *, speed: float, seed: int, option_pricing: object = None,
          data_dir: Path | None = None, cache_dir: Path | None = None, **_provider_args: object) -> MarketDataProvider:
    from data.providers.demo.day_bar_file import FILENAME
    from data.providers.demo.provider import DemoProvider

    return DemoProvider(calendar, seed=seed, speed=speed, option_pricing=option_pricing,  # type: ignore[arg-type]
                        clock_file=Path(data_dir) / DEMO_CLOCK_FILE if data_dir is not None else None,
                        day_bar_file=Path(cache_dir) / FILENAME if cache_dir is not None else None)


def _replay(calendar: MarketCalendar, *, speed: float, replay_file: Path | None = None,
            replay_symbol: str | None = None, replay_tz: str = "America/New_York", replay_label: str = "auto",
            **_provider_args: object) -> MarketDataProvider:
    from data.providers.replay.provider import ReplayProvider
    from data.providers.replay.recording import RecordingError

    if replay_file is None:
        raise ProviderError("The replay provider needs a recording: open one with File → Open recording…, "
                            "or pass --replay-file FILE.csv.")
    try:
        return ReplayProvider(calendar, Path(replay_file), speed=speed, symbol=replay_symbol, tz=replay_tz,
                              label=replay_label)
    except RecordingError as exc:
        raise ProviderError(str(exc)) from None


def _massive(calendar: MarketCalendar, *, api_key: str | None = None, delayed: bool = False,
             cache_dir: Path | None = None, **_provider_args: object) -> MarketDataProvider:
    from data.providers.massive.provider import MassiveProvider

    if not api_key:
        raise ProviderError("The Massive provider needs an API key: save it in Preferences (kept in the OS "
                            "keychain) or set MASSIVE_API_KEY.")
    from data.providers.bar_cache import BarCache

    cache = BarCache(Path(cache_dir)) if cache_dir else None
    return MassiveProvider(calendar, api_key, delayed=bool(delayed), cache=cache)


class ProviderEntry(NamedTuple):  # (not a dataclass: read before the first paint, see app/ui/panels)
    create: Factory
    secret: str | None = None  # the key it needs (a ``data.secrets`` name), handed in as ``api_key``


PROVIDERS: dict[str, ProviderEntry] = {"demo": ProviderEntry(_demo), "replay": ProviderEntry(_replay),
                                       "massive": ProviderEntry(_massive, secret="massive")}


def available_providers() -> list[str]:
    return list(PROVIDERS)


def create_provider(name: str, calendar: MarketCalendar, *, speed: float = 1.0, seed: int = 7,
                    **provider_args: object) -> MarketDataProvider:
    """Build provider ``name``; ``provider_args`` are provider-specific (``replay_file``, ``api_key`` …)."""
    entry = PROVIDERS.get(name)
    if entry is None:
        raise ProviderError(f"Unknown data provider '{name}'. Available: {', '.join(PROVIDERS)}.")
    return entry.create(calendar, speed=speed, seed=seed, **provider_args)


def needs_secret(name: str) -> str | None:
    """The secret provider ``name`` needs (pass it as ``api_key``), or None (also for an unknown name)."""
    entry = PROVIDERS.get(name)
    return entry.secret if entry is not None else None
