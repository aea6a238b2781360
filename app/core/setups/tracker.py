"""Tracked setups: what the UI, the detector runner and the coach call, and the lifecycle on every quote.

Supervised service ("setup-tracker"). Each quote of a symbol with live setups (active or
triggered) is evaluated at once by ``analytics.setup_lifecycle.on_price``; the in-memory status
moves immediately (the next quote reads the new one) and the store write follows on the
service's loop as a compare-and-set, so a transition is stored once, with the quote's price
and time, and never repeated after a restart (the statuses are read back from the store). An
active setup whose session has closed on the provider's clock is invalidated, a triggered one
closed at the last price. Every stored transition is published (``SetupTransitioned``) and
notified (kind "setup") — except an auto-tracked setup triggering within ``QUIET_TRIGGER`` of being
made: it enters at its detection's close, which the tracking notice already said.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from analytics.setup_lifecycle import (
    ACTIVE,
    ARCHIVED,
    INVALIDATED,
    LIVE,
    STATUS_TITLES,
    TRIGGERED,
    SetupPlan,
    Transition,
    at_session_end,
    can_archive,
    can_reopen,
    on_price,
    plan_problem,
    start_problem,
)
from app.core.bus import EventBus
from app.core.events import QuoteUpdated, SetupsChanged, SetupTransitioned
from app.core.notifications import NotificationService
from app.core.setups.notices import setup_notice
from app.core.setups.session_day import session_for
from app.core.supervisor import ServiceContext
from data.market_calendar import MarketCalendar
from data.store import setups as repo
from data.store.database import Store
from data.store.records import TrackedSetup
from data.symbols import normalize_symbol

log = logging.getLogger(__name__)
HEARTBEAT_S = 2.0
QUIET_TRIGGER = timedelta(seconds=60)  # an auto-tracked setup triggering this soon is not notified again
Step = tuple[int, str, Transition, float | None, datetime]  # (setup id, from, to, price, at)


class SetupTrackerService:
    name = "setup-tracker"
    stale_after = 15.0

    def __init__(self, store: Store, bus: EventBus, calendar: MarketCalendar, notifications: NotificationService,
                 now: Callable[[], datetime]) -> None:
        self._store = store
        self._bus = bus
        self._calendar = calendar
        self._notifications = notifications
        self._now = now  # the market clock of the provider of the moment
        self.setups: tuple[TrackedSetup, ...] = ()  # newest first
        self._live: dict[int, TrackedSetup] = {}  # id -> live setup, status as evaluated
        self._steps: asyncio.Queue[Step] = asyncio.Queue()
        self._last_price: dict[str, float] = {}  # the live setups' symbols' last prices (the bell's close)

    # -- reading ---------------------------------------------------------------------------
    @property
    def pending(self) -> int:
        """Transitions evaluated but not stored yet."""
        return self._steps.qsize()

    def live_symbols(self) -> set[str]:
        return {s.symbol for s in self._live.values()}


    def for_symbol(self, symbol: str, statuses: tuple[str, ...] = LIVE) -> list[TrackedSetup]:
        return [s for s in self.setups if s.symbol == symbol and s.status in statuses]

    async def prepare(self) -> None:
        await self.refresh()

    async def refresh(self) -> tuple[TrackedSetup, ...]:
        self.setups = tuple(await self._store.run(repo.list_setups))
        self._live = {s.id: s for s in self.setups if s.status in LIVE}
        self._bus.publish(SetupsChanged(self.setups))
        return self.setups

    # -- what the trader (or auto-track) does ------------------------------------------------
    async def track(self, symbol: str, direction: str, entry: float, stop: float, targets: tuple[float, ...], *,
                    reference: float, source: str, detector: str = "manual", detection_id: int | None = None,
                    notes: str = "") -> TrackedSetup:
        """Save a new active setup; ``repo.SetupError`` (or ``SymbolError``) says what is wrong."""
        sym = normalize_symbol(symbol)
        plan = SetupPlan(direction, float(entry), float(stop), tuple(float(t) for t in targets))
        problem = plan_problem(plan) or (start_problem(plan, float(reference)) if detection_id is not None else None)
        if problem:
            raise repo.SetupError(problem)
        now = self._now()
        day = session_for(self._calendar, now)
        setup = await self._store.run(lambda s: repo.create_setup(
            s, symbol=sym, detector=detector, direction=direction, entry=plan.entry, stop=plan.stop,
            targets=plan.targets, reference=float(reference), source=source, session_day=day, now=now,
            detection_id=detection_id, notes=notes))
        await self.refresh()
        return setup

    async def archive(self, setup_id: int) -> TrackedSetup:
        setup = self._find(setup_id)
        if not can_archive(setup.status):
            raise repo.SetupError("This setup is archived already.")
        return await self._move_now(setup, ARCHIVED, "archived")

    async def reopen(self, setup_id: int) -> TrackedSetup:
        """Watch it again from entry, in the current (or next) session."""
        setup = self._find(setup_id)
        if not can_reopen(setup.status):
            raise repo.SetupError(f"A {STATUS_TITLES[setup.status].lower()} setup is still being watched.")
        return await self._move_now(setup, ACTIVE, "reopened", day=session_for(self._calendar, self._now()))

    async def add_note(self, setup_id: int, text: str) -> TrackedSetup:
        updated = await self._store.run(lambda s: repo.add_note(s, setup_id, text, self._now()))
        await self.refresh()
        return updated

    async def delete(self, setup_id: int) -> None:
        await self._store.run(lambda s: repo.delete_setup(s, setup_id))
        await self.refresh()

    def _find(self, setup_id: int) -> TrackedSetup:
        found = next((s for s in self.setups if s.id == setup_id), None)
        if found is None:
            raise repo.SetupError(f"Setup #{setup_id} no longer exists.")
        return found

    async def _move_now(self, setup: TrackedSetup, status: str, reason: str, day=None) -> TrackedSetup:
        moved = await self._store.run(lambda s: repo.move(s, setup.id, None, status, None, self._now(), reason, day))
        if moved is None:
            raise repo.SetupError(f"Setup #{setup.id} no longer exists.")
        await self.refresh()
        return moved

    # -- running ---------------------------------------------------------------------------
    async def run(self, ctx: ServiceContext) -> None:
        off = self._bus.subscribe(QuoteUpdated, self.on_quote)
        try:
            await self.refresh()  # a restarted run re-reads what was stored
            ctx.running()
            while True:
                ctx.heartbeat()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(HEARTBEAT_S):
                        await self._store_step(await self._steps.get())
                        while not self._steps.empty():
                            await self._store_step(self._steps.get_nowait())
                self._end_sessions()
        finally:
            off()

    def on_quote(self, event: QuoteUpdated) -> None:
        quote = event.quote
        self._last_price[quote.symbol] = quote.last
        for setup in [s for s in self._live.values() if s.symbol == quote.symbol]:
            plan = SetupPlan(setup.direction, setup.entry, setup.stop, setup.targets)
            step = on_price(setup.status, plan, setup.reference, quote.last)
            if step is not None:
                self._advance(setup, step, quote.last, datetime.fromtimestamp(quote.ts, UTC))

    def _end_sessions(self) -> None:
        now = self._now()
        for setup in list(self._live.values()):
            if now < self._calendar.close_at(setup.session_day):
                continue
            last = self._last_price.get(setup.symbol)
            plan = SetupPlan(setup.direction, setup.entry, setup.stop, setup.targets)
            if step := at_session_end(setup.status, plan, last):
                self._advance(setup, step, last if step.status != INVALIDATED else None, now)

    def _advance(self, setup: TrackedSetup, step: Transition, price: float | None, at: datetime) -> None:
        if step.status in LIVE:
            self._live[setup.id] = replace(setup, status=step.status)
        else:
            self._live.pop(setup.id, None)
        self._steps.put_nowait((setup.id, setup.status, step, price, at))

    async def _store_step(self, item: Step) -> None:
        setup_id, expected, step, price, at = item
        moved = await self._store.run(lambda s: repo.move(s, setup_id, expected, step.status, price, at, step.reason))
        if moved is None:
            return  # moved already (by the trader, or an earlier run) or deleted
        self.setups = tuple(moved if s.id == setup_id else s for s in self.setups)
        self._bus.publish(SetupsChanged(self.setups))
        self._bus.publish(SetupTransitioned(moved, expected))
        if step.status == TRIGGERED and moved.source == "auto" and at - moved.created_at < QUIET_TRIGGER:
            log.info("setup #%s triggered at once (%s): its tracking notice said so", setup_id, step.reason)
            return  # an auto-tracked detection enters at its bar's close: "tracking" already told it
        title, message, key = setup_notice(moved, step)
        try:
            await self._notifications.notify("setup", title, message, key=key)
        except Exception:
            log.exception("could not notify setup #%s %s", setup_id, step.status)
