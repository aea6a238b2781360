"""The engine: owns the services' lifecycle — build, prepare, start, switch provider, stop.

Qt-free. What the services are is declared in ``app.core.services.SERVICES``; the engine only
runs that list. The UI creates one ``Engine``, awaits ``start()`` after its window is on screen
(the calendar and store open in worker threads), finds services by class with ``service()``,
and awaits ``stop()`` on quit.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from app.core.bus import EventBus
from app.core.context import EngineConfig, EngineContext
from app.core.events import EngineStarted, ErrorReported, ProviderChanged, ServiceHealthChanged
from app.core.health import HealthRegistry, ServiceState
from app.core.supervisor import BackoffPolicy, Supervisor

if TYPE_CHECKING:
    from app.core.services import ServiceSpec
    from data.providers.base import MarketDataProvider

__all__ = ["Engine", "EngineConfig"]
log = logging.getLogger(__name__)
T = TypeVar("T")


class Engine:
    def __init__(self, config: EngineConfig, backoff: BackoffPolicy | None = None,
                 services: tuple[ServiceSpec, ...] | None = None) -> None:
        self.config = config
        self.bus = EventBus(on_error=self._bus_handler_failed)
        self.health = HealthRegistry(on_change=lambda name: self.bus.publish(ServiceHealthChanged(name)))
        self.supervisor = Supervisor(self.health, backoff)
        self.context: EngineContext | None = None  # set by start(), None again after stop()
        self.started = False
        self._specs = services
        self._services: dict[type, object] = {}

    def service(self, kind: type[T]) -> T:
        """The running service of class ``kind`` (also the workspace and notifications)."""
        try:
            return self._services[kind]  # type: ignore[return-value]
        except KeyError:
            raise LookupError(f"the engine has no {kind.__name__} (not started yet?)") from None

    def _current_context(self) -> EngineContext:
        if self.context is None:
            raise LookupError("the engine is not running")
        return self.context

    async def start(self) -> None:
        # Heavy modules (pandas via the calendar, SQLAlchemy/Alembic, numpy) load here, after
        # the window is on screen, and the blocking parts run in worker threads.
        from app.core.notifications import NotificationService
        from app.core.provider_factory import first_provider
        from app.core.services import SERVICES
        from app.core.workspace import Workspace
        from data.market_calendar import default_calendar
        from data.store.database import Store

        calendar, store = await asyncio.gather(
            asyncio.to_thread(default_calendar), asyncio.to_thread(Store.open, self.config.data_dir))
        provider, self.config, fallback_reason = first_provider(calendar, self.config)
        workspace = Workspace(store, self.bus)
        await workspace.load()
        notifications = NotificationService(store, self.bus,
                                            cooldown_s=workspace.preferences["notification_cooldown_s"])
        self._services.update({Workspace: workspace, NotificationService: notifications})
        self.context = EngineContext(self.config, self.bus, self.health, calendar, store, provider, workspace,
                                     notifications, self.service, self._current_context,
                                     self.report_error)
        self.bus.subscribe(ErrorReported, notifications.notify_error)
        self._specs = self._specs if self._specs is not None else SERVICES
        await self._launch(self._specs)
        self.started = True
        self.bus.publish(EngineStarted(provider.name))
        if fallback_reason:
            log.warning(fallback_reason)
            await notifications.notify("provider", "Data provider unavailable", fallback_reason)

    async def _launch(self, specs: tuple[ServiceSpec, ...]) -> None:
        """Build every service of ``specs`` from the current context, prepare, then start them."""
        built = []
        for spec in specs:  # one by one: a builder may use a service built before it
            self._services[spec.kind] = service = spec.build(self.context)
            built.append((spec, service))
        for _spec, service in built:
            prepare = getattr(service, "prepare", None)
            if prepare is not None:
                await prepare()
        for spec, service in built:
            if spec.supervised:
                self.supervisor.start(service)

    async def switch_provider(self, name: str) -> None:
        """Swap the market-data provider without restarting the app: the new one is built first
        (a missing key or file fails here, leaving the running one untouched), then the services
        that follow the provider are rebuilt on it."""
        from app.core.provider_factory import create_provider

        ctx = self.context
        if ctx is None or name == ctx.provider.name:
            return
        new = create_provider(name, ctx.calendar, self.config)
        following = tuple(spec for spec in self._specs if spec.follows_provider)
        for spec in following:
            if spec.supervised:
                await self.supervisor.stop_service(spec.name)
        self.config = replace(self.config, provider=name)
        self.context = ctx.with_provider(new, self.config)
        await _close_provider(ctx.provider, 5.0)
        await self._launch(following)
        self.bus.publish(ProviderChanged(name))

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
        ctx, self.context = self.context, None
        if ctx is not None:
            await _close_provider(ctx.provider, timeout)
            await asyncio.to_thread(ctx.store.close)
        self._services.clear()
        self.started = False

    def close_without_loop(self) -> None:
        """The event loop is gone (e.g. the display server went away and took the GUI loop with
        it): close what needs no loop. Every write is already committed; closing the database
        checkpoints its WAL, so the next start opens a tidy file."""
        ctx, self.context = self.context, None
        if ctx is not None:
            ctx.store.close()
        self.started = False


async def _close_provider(provider: MarketDataProvider, timeout: float) -> None:
    """Close a provider; shutdown or a provider switch goes on whatever the provider does."""
    try:
        async with asyncio.timeout(timeout):
            await provider.aclose()
    except Exception:
        log.exception("provider %s did not close cleanly", provider.name)
