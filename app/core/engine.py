"""The engine: owns the services' lifecycle — build, prepare, start, switch provider, stop.

Qt-free. What the services are is declared in ``app.core.services.SERVICES``; the engine only
runs that list. The UI creates one ``Engine``, awaits ``start()`` after its window is on screen
(the calendar and store open in worker threads), finds services by class with ``service()``,
and awaits ``stop()`` on quit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from app.core.bus import EventBus
from app.core.context import EngineConfig, EngineContext
from app.core.events import EngineStarted, ErrorReported, ProviderChanged, ServiceHealthChanged
from app.core.health import HealthRegistry, ServiceState
from app.core.logging_setup import redact
from app.core.provider_factory import close_provider
from app.core.service_set import ServiceSet
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
        self._services = ServiceSet(self.supervisor)
        self._switching = asyncio.Lock()  # one provider switch at a time
        self._unsubscribe: list[Callable[[], None]] = []

    def service(self, kind: type[T]) -> T:
        """The running service of class ``kind`` (also the workspace and notifications)."""
        return self._services.get(kind)

    def _symbol_problem(self, symbol: str) -> str | None:
        """Why the running provider has no data for ``symbol`` (its ``SymbolUniverse``), or None."""
        from data.providers.base import SymbolUniverse

        provider = self.context.provider if self.context is not None else None
        return provider.symbol_problem(symbol) if isinstance(provider, SymbolUniverse) else None

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
        from app.core.store_recovery import open_calendar_and_store
        from app.core.workspace import Workspace

        calendar, store = await open_calendar_and_store(self.config.data_dir)
        # (a provider may read the keychain, which can block on D-Bus or an unlock prompt)
        provider, self.config, fallback_reason = await asyncio.to_thread(first_provider, calendar, self.config)
        workspace = Workspace(store, self.bus, self._symbol_problem)
        await workspace.load()
        await workspace.follow_provider(provider)  # before the services read it: a replay's symbol
        notifications = NotificationService(store, self.bus,
                                            cooldown_s=workspace.preferences["notification_cooldown_s"],
                                            market_clock=lambda: self.context.clock if self.context else None)
        self._services.put({Workspace: workspace, NotificationService: notifications})
        self.context = EngineContext(self.config, self.bus, self.health, calendar, store, provider, workspace,
                                     notifications, self.service, self._current_context,
                                     self.report_error)
        self._unsubscribe.append(self.bus.subscribe(ErrorReported, notifications.notify_error))
        self._specs = self._specs if self._specs is not None else SERVICES
        await self._services.start_built(self._services.build(self._specs, self.context))
        self.started = True
        self.bus.publish(EngineStarted(provider.name))
        if fallback_reason:
            log.warning(fallback_reason)
            await notifications.notify("provider", "Data provider unavailable", fallback_reason)

    async def switch_provider(self, name: str, provider_args: tuple[tuple[str, object], ...] | None = None) -> None:
        """Swap the market-data provider without restarting the app. ``provider_args`` replace the
        config's (e.g. another recording to replay); without them the config's are kept and a
        switch to the provider already running does nothing. The new provider and the services
        that follow it are built first (a missing key or file, or a failing builder, leaves the
        running ones untouched); then the old services stop, the new ones take their place
        together with the new context, and the old provider is closed."""
        from app.core.provider_factory import create_provider

        if self.context is None:
            raise RuntimeError("the engine is not running")
        async with self._switching:
            ctx = self.context
            args = self.config.provider_args if provider_args is None else tuple(provider_args)
            config = replace(self.config, provider=name, provider_args=args)
            if name == ctx.provider.name and provider_args is None:
                return
            new = await asyncio.to_thread(create_provider, name, ctx.calendar, config)
            await self._install(ctx.with_provider(new, config))
            await self._follow_symbol(new)  # (before ProviderChanged: the chart then loads the right symbol once)
            self.bus.publish(ProviderChanged(name))

    async def reload_followers(self) -> None:
        """Rebuild the services that follow the provider on the same provider: a replay jumped in
        time, and what they folded or seeded belongs to another moment."""
        if self.context is None:
            raise RuntimeError("the engine is not running")
        async with self._switching:
            await self._install(self.context)
            self.bus.publish(ProviderChanged(self.context.provider.name))

    async def _install(self, new_ctx: EngineContext) -> None:
        """Build the followers on ``new_ctx`` (all or nothing), then put them and it in place of
        the running ones; the old provider is closed if ``new_ctx`` has another one."""
        old = self._current_context()
        following = tuple(spec for spec in self._specs if spec.follows_provider)
        try:
            built = self._services.build(following, new_ctx)
        except Exception:
            if new_ctx.provider is not old.provider:
                await close_provider(new_ctx.provider, 5.0)
            raise
        await self._services.retire(following, forget=False)  # (replaced below: never missing meanwhile)
        self.config, self.context = new_ctx.config, new_ctx
        try:
            await self._services.start_built(built)
        finally:
            if new_ctx.provider is not old.provider:
                await close_provider(old.provider, 5.0)

    async def _follow_symbol(self, provider: MarketDataProvider) -> None:
        """The workspace's provider rule (a replay's symbol becomes the active one); the switch
        itself is done, so a failure to save is reported, not raised as a failed switch."""
        from app.core.workspace import Workspace

        try:
            await self.service(Workspace).follow_provider(provider)
        except Exception as exc:
            log.exception("could not follow the provider's symbol")
            self.report_error("workspace", f"could not make {getattr(provider, 'symbol', '?')} active: {exc}")

    def _bus_handler_failed(self, where: str, exc: BaseException) -> None:
        self.report_error("bus", f"{where}: {type(exc).__name__}: {exc}")

    def report_error(self, source: str, message: str) -> None:
        """Called by the exception hooks (on the loop thread): show the error in the UI."""
        try:
            self.bus.publish(ErrorReported(source, redact(message)))  # shown and stored as the log is
        except Exception:
            log.exception("could not publish an error report")

    def health_ok(self) -> bool:
        return all(h.state is ServiceState.RUNNING for h in self.health.snapshot())

    async def stop(self, timeout: float = 5.0) -> None:
        """Orderly shutdown: services, pending handlers, provider, then the database. ``started``
        turns false first: a GUI callback landing between these awaits (a symbol box's timer)
        finds no engine instead of a service already retired."""
        self.started = False
        await self.supervisor.stop(timeout)
        if self._specs is not None:
            await self._services.retire(tuple(reversed(self._specs)))
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        await self.bus.drain(timeout)
        ctx, self.context = self.context, None
        if ctx is not None:
            await close_provider(ctx.provider, timeout)
            await asyncio.to_thread(ctx.store.close)
        self._services.clear()

    def close_without_loop(self) -> None:
        """The event loop is gone (e.g. the display server went away and took the GUI loop with
        it): close what needs no loop. Every write is already committed; closing the database
        checkpoints its WAL, so the next start opens a tidy file."""
        self.supervisor.abandon()  # (a service waking meanwhile finds no engine: it ends quietly)
        ctx, self.context = self.context, None
        if ctx is not None:
            ctx.store.close()
        self.started = False

