"""The engine: owns the bus, store, provider, workspace and services; starts and stops them.

Qt-free. The UI creates one ``Engine``, awaits ``start()`` after its window is on screen (the
calendar and store open in worker threads), and awaits ``stop()`` on quit.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.bus import EventBus
from app.core.events import (
    ActiveSymbolChanged,
    AlertsChanged,
    EngineStarted,
    ErrorReported,
    ProviderChanged,
    ServiceHealthChanged,
    WatchlistsChanged,
)
from app.core.health import HealthRegistry, ServiceState
from app.core.supervisor import BackoffPolicy, Supervisor
from data.providers.errors import ProviderError

if TYPE_CHECKING:
    from app.core.alerts import AlertMonitorService, AlertsService
    from app.core.market_data import MarketDataService
    from app.core.notifications import NotificationService
    from app.core.options import OptionsService
    from app.core.workspace import Workspace
    from data.market_calendar import MarketCalendar
    from data.providers.base import MarketDataProvider
    from data.store.database import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EngineConfig:
    data_dir: Path
    provider: str = "demo"
    speed: float = 1.0
    seed: int = 7
    provider_options: tuple[tuple[str, object], ...] = ()  # e.g. (("replay_file", path),)


class Engine:
    def __init__(self, config: EngineConfig, backoff: BackoffPolicy | None = None) -> None:
        self.config = config
        self.bus = EventBus(on_error=self._bus_handler_failed)
        self.health = HealthRegistry(on_change=lambda name: self.bus.publish(ServiceHealthChanged(name)))
        self.supervisor = Supervisor(self.health, backoff)
        self.calendar: MarketCalendar | None = None
        self.store: Store | None = None
        self.provider: MarketDataProvider | None = None
        self.workspace: Workspace | None = None
        self.notifications: NotificationService | None = None
        self.market_data: MarketDataService | None = None
        self.options: OptionsService | None = None
        self.alerts: AlertsService | None = None
        self.alert_monitor: AlertMonitorService | None = None
        self.started = False

    async def start(self) -> None:
        # Heavy modules (pandas via the calendar, SQLAlchemy/Alembic, numpy) load here, after
        # the window is on screen, and the blocking parts run in worker threads.
        from app.core.alerts import AlertMonitorService, AlertsService
        from app.core.health_watch import HealthWatchService
        from app.core.notifications import NotificationService
        from app.core.workspace import Workspace
        from data.market_calendar import default_calendar
        from data.store.database import Store

        self.calendar, self.store = await asyncio.gather(
            asyncio.to_thread(default_calendar), asyncio.to_thread(Store.open, self.config.data_dir))
        fallback_reason = None
        try:
            self.provider = self._create_provider(self.config.provider)
        except ProviderError as exc:
            if self.config.provider == "demo":
                raise
            # e.g. Massive chosen but no key on this machine: start on the demo market and say why
            fallback_reason = f"{self.config.provider} is unavailable: {exc} Running on the demo market."
            self.config = replace(self.config, provider="demo")
            self.provider = self._create_provider("demo")
        self.workspace = Workspace(self.store, self.bus)
        await self.workspace.load()
        self.notifications = NotificationService(
            self.store, self.bus, cooldown_s=self.workspace.preferences["notification_cooldown_s"])
        self.alerts = AlertsService(self.store, self.bus)
        await self.alerts.refresh()
        self.bus.subscribe(ErrorReported, self._on_error_reported)
        self.bus.subscribe(WatchlistsChanged, self._on_subscriptions_changed)
        self.bus.subscribe(ActiveSymbolChanged, self._on_subscriptions_changed)
        self.bus.subscribe(AlertsChanged, self._on_subscriptions_changed)
        self._start_provider_services()
        self.alert_monitor = AlertMonitorService(self.alerts, self.store, self.bus, self.notifications)
        self.supervisor.start(self.alert_monitor)
        self.supervisor.start(HealthWatchService(self.health, self.notifications, self.bus))
        self.started = True
        self.bus.publish(EngineStarted(self.provider.name))
        if fallback_reason:
            log.warning(fallback_reason)
            await self.notifications.notify("provider", "Data provider unavailable", fallback_reason)

    async def switch_provider(self, name: str) -> None:
        """Swap the market-data provider without restarting the app: the new one is built first
        (a missing key or file fails here, leaving the running one untouched), then the stream
        service is restarted on it."""
        if self.provider is not None and name == self.provider.name:
            return
        new = self._create_provider(name)
        await self.supervisor.stop_service("market-data")
        await self.supervisor.stop_service("options")
        await self.supervisor.stop_service("iv-history")
        old, self.provider = self.provider, new
        await _close_provider(old, 5.0)
        self.config = replace(self.config, provider=name)
        self._start_provider_services()
        self.bus.publish(ProviderChanged(name))

    def _create_provider(self, name: str) -> MarketDataProvider:
        """Build provider ``name``; its key (if any) is registered with the log redactor first."""
        from data.providers.registry import create_provider

        if name == "massive":
            from app.core.logging_setup import register_secret
            from data.secrets import get_api_key

            found = get_api_key("massive")
            if found:
                register_secret(found.value)
        return create_provider(name, self.calendar, speed=self.config.speed, seed=self.config.seed,
                               **self._provider_options())

    def _start_provider_services(self) -> None:
        """(Re)start the services that read the current provider: the stream, with the symbols
        needed now, and the option-chain refresher."""
        from app.core.iv_history import IvHistoryService
        from app.core.market_data import MarketDataService
        from app.core.options import OptionsService

        self.market_data = MarketDataService(self.provider, self.bus)
        self.market_data.set_symbols(self._symbols_needed())
        self.supervisor.start(self.market_data)
        self.options = OptionsService(self.provider, self.bus, self.calendar, lambda: self.workspace.active_symbol)
        self.supervisor.start(self.options)
        self.supervisor.start(IvHistoryService(self.provider, self.store, self.bus, self.calendar,
                                               self._symbols_needed))

    def _provider_options(self) -> dict[str, object]:
        from app.core.option_pricing import load_option_pricing

        return {"cache_dir": self.config.data_dir / "cache", "option_pricing": load_option_pricing,
                **dict(self.config.provider_options)}

    def _symbols_needed(self) -> set[str]:
        """The watchlist and active symbol, plus every symbol an active alert watches."""
        needed = self.workspace.symbols_needed() if self.workspace else set()
        return needed | (self.alerts.active_symbols() if self.alerts else set())

    def _on_subscriptions_changed(self, _event: object) -> None:
        if self.market_data and self.workspace:
            self.market_data.set_symbols(self._symbols_needed())

    async def _on_error_reported(self, event: ErrorReported) -> None:
        """Errors reach the notification log (and tray/toast), at most once a minute per source."""
        if self.notifications is None:
            return
        try:
            await self.notifications.notify("error", f"Error in {event.source}", event.message,
                                            key=event.source, cooldown_s=60)
        except Exception:
            log.exception("could not record an error notification")

    def _bus_handler_failed(self, where: str, exc: BaseException) -> None:
        self.report_error("bus", f"{where}: {type(exc).__name__}: {exc}")

    def report_error(self, source: str, message: str) -> None:
        """Called by the exception hooks (on the loop thread): show the error in the UI."""
        try:
            self.bus.publish(ErrorReported(source, message))
        except Exception:
            log.exception("could not publish an error report")

    def health_ok(self) -> bool:
        return all(h.state is ServiceState.RUNNING for h in self.health.snapshot())

    async def stop(self, timeout: float = 5.0) -> None:
        """Orderly shutdown: services, pending handlers, provider, then the database."""
        await self.supervisor.stop(timeout)
        await self.bus.drain(timeout)
        await _close_provider(self.provider, timeout)
        if self.store is not None:
            await asyncio.to_thread(self.store.close)
            self.store = None
        self.started = False


    def close_without_loop(self) -> None:
        """The event loop is gone (e.g. the display server went away and took the GUI loop with
        it): close what needs no loop. Every write is already committed; closing the database
        checkpoints its WAL, so the next start opens a tidy file."""
        if self.store is not None:
            self.store.close()
            self.store = None
        self.started = False


async def _close_provider(provider: MarketDataProvider | None, timeout: float) -> None:
    """Close a provider; shutdown or a provider switch goes on whatever the provider does."""
    if provider is None:
        return
    try:
        async with asyncio.timeout(timeout):
            await provider.aclose()
    except Exception:
        log.exception("provider %s did not close cleanly", provider.name)
