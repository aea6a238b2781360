"""The running services, found by class: built from their specs all or nothing, prepared,
started under the supervisor, retired and released. The engine decides when; this does how."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from app.core.context import EngineContext
from app.core.supervisor import Supervisor

if TYPE_CHECKING:
    from app.core.services import ServiceSpec

T = TypeVar("T")


class ServiceSet:
    def __init__(self, supervisor: Supervisor) -> None:
        self._supervisor = supervisor
        self._running: dict[type, object] = {}

    def get(self, kind: type[T]) -> T:
        """The running service of class ``kind``."""
        try:
            return self._running[kind]  # type: ignore[return-value]
        except KeyError:
            raise LookupError(f"the engine has no {kind.__name__} (not started yet?)") from None

    def put(self, services: dict[type, object]) -> None:
        """Services the engine makes itself (the workspace, notifications)."""
        self._running.update(services)

    def build(self, specs: tuple[ServiceSpec, ...], ctx: EngineContext) -> list[tuple[ServiceSpec, object]]:
        """Build ``specs`` in order from ``ctx`` without installing them: a builder sees the ones
        built before it in this batch, and the running ones otherwise."""
        staged: dict[type, object] = {}
        staged_ctx = replace(ctx, service=lambda kind: staged[kind] if kind in staged else self.get(kind))
        for spec in specs:
            staged[spec.kind] = service = spec.build(staged_ctx)
            if not isinstance(service, spec.kind) or (spec.supervised and service.name != spec.name):
                raise TypeError(f"ServiceSpec {spec.name!r} built {service!r}, not a {spec.kind.__name__} of that name")
        return [(spec, staged[spec.kind]) for spec in specs]

    async def start_built(self, built: list[tuple[ServiceSpec, object]]) -> None:
        """Install built services, prepare them (optional ``async prepare()``), start the supervised."""
        self._running.update({spec.kind: service for spec, service in built})
        for _spec, service in built:
            if (prepare := getattr(service, "prepare", None)) is not None:
                await prepare()
        for spec, service in built:
            if spec.supervised:
                self._supervisor.start(service)

    async def retire(self, specs: tuple[ServiceSpec, ...], forget: bool = True) -> None:
        """Stop the running services of ``specs`` and let them release what they hold
        (``close()``); ``forget=False`` keeps them findable until replacements are installed."""
        await self._supervisor.stop_services(tuple(spec.name for spec in specs if spec.supervised))
        for spec in specs:
            service = self._running.pop(spec.kind, None) if forget else self._running.get(spec.kind)
            if (close := getattr(service, "close", None)) is not None:
                close()

    def clear(self) -> None:
        self._running.clear()
