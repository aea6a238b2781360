"""Open positions valued live, their expiries settled, and the exit advisor's advice pushed.

Supervised service ("position-tracker"). Every ``REGULAR_EVERY_S`` in the regular session and
``OTHER_EVERY_S`` otherwise (wall seconds: a pace of work, like the chain refresh), and at once on
each options snapshot or change of the positions: the chains of the open positions' underlyings
(``PositionChains``: the options service's snapshot for the active symbol, fetched here for the
others), the stream's last quotes, then off the loop the marks, values, payoff, probability of
profit and advice of every position (``views.build_views``), published as ``PositionsValued``;
today's P&L is counted from each contract's mark at the last session's close, which the tracker
itself stores once a session has closed (``closing.ClosingMarks``; unknown — shown as such —
when the app was not running then).
New advice is notified (kind "position") unless it was shown within ``ADVICE_COOLDOWN`` of market
time; advice the trader snoozed or dismissed is left out of the views while it lasts (kept in
memory: a restart shows it again). A leg whose expiry has passed on the market clock is
settled by the positions service as one stored event (``expiry.settlements``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from analytics.exit_advice import due
from analytics.exit_rules.model import Advice, ExitParams, exit_params
from app.core.bus import EventBus
from app.core.events import OptionsUpdated, PositionsChanged, PositionsValued
from app.core.notifications import NotificationService
from app.core.positions.chains import PositionChains
from app.core.positions.closing import ClosingMarks
from app.core.positions.expiry import settlements
from app.core.positions.legs import to_position
from app.core.positions.service import PositionsService
from app.core.positions.views import PositionView, ValuationInput, build_views
from app.core.supervisor import ServiceContext
from app.core.waiting import woken
from data.market_calendar import MarketCalendar, SessionState, market_date
from data.models import Quote
from data.store.positions import PositionError

log = logging.getLogger(__name__)
REGULAR_EVERY_S, OTHER_EVERY_S = 15.0, 60.0
ADVICE_COOLDOWN = timedelta(minutes=30)
FOREVER = datetime.max.replace(tzinfo=UTC)
PREFERENCE_FIELDS = {  # preference -> (ExitParams field, scale)
    "exit_take_profit_credit_pct": ("take_profit_credit_pct", 1.0),
    "exit_take_profit_debit_pct": ("take_profit_debit_pct", 1.0),
    "exit_stop_loss_credit_pct": ("stop_loss_credit_multiple", 0.01),
    "exit_stop_loss_debit_pct": ("stop_loss_debit_pct", 1.0),
    "exit_manage_dte": ("manage_dte", 1.0),
    "exit_theta_pct_per_day": ("theta_decay_pct_per_day", 1.0),
}


class PositionTrackerService:
    name = "position-tracker"
    stale_after = 150.0

    def __init__(self, bus: EventBus, calendar: MarketCalendar, positions: PositionsService, chains: PositionChains,
                 notifications: NotificationService, *, quotes: Callable[[], dict[str, Quote]],
                 preferences: Callable[[], dict[str, Any]], now: Callable[[], datetime],
                 closes: ClosingMarks | None = None) -> None:
        self._bus, self._calendar, self._positions, self._chains = bus, calendar, positions, chains
        self._closes = closes
        self._notifications, self._quotes, self._preferences, self._now = notifications, quotes, preferences, now
        self.views: tuple[PositionView, ...] = ()
        self._shown: dict[str, datetime] = {}
        self._snoozed: dict[str, datetime] = {}
        self._wake = asyncio.Event()
        self.runs = 0

    # -- the trader's answers to advice ------------------------------------------------------
    def snooze(self, key: str, minutes: float) -> None:
        self._snoozed[key] = self._now() + timedelta(minutes=minutes)
        self._publish(self.views)  # the panel loses the card at once

    def dismiss(self, key: str) -> None:
        self._snoozed[key] = FOREVER
        self._publish(self.views)

    def mid_of(self, symbol: str) -> float:
        """A held contract's (or the shares') current mark from the last valuation; NaN when none."""
        for view in self.views:
            for leg in view.value.legs:
                if leg.symbol == symbol and not (leg.missing or leg.stale):
                    return leg.mark
        return float("nan")

    def _snoozed_now(self, key: str, now: datetime) -> bool:
        until = self._snoozed.get(key)
        return until is not None and now < until

    def view_of(self, position_id: int) -> PositionView | None:
        return next((v for v in self.views if v.position.id == position_id), None)

    # -- running ---------------------------------------------------------------------------
    async def run(self, ctx: ServiceContext) -> None:
        offs = [self._bus.subscribe(kind, lambda _e: self._wake.set()) for kind in (OptionsUpdated, PositionsChanged)]
        try:
            ctx.running()
            while True:
                self._wake.clear()
                await self.refresh()
                ctx.heartbeat()
                await woken(self._wake, self._every())
        finally:
            for off in offs:
                off()

    def _every(self) -> float:
        regular = self._calendar.status(self._now()).state is SessionState.REGULAR
        return REGULAR_EVERY_S if regular else OTHER_EVERY_S

    async def refresh(self) -> tuple[PositionView, ...]:
        """Settle what expired, then value every open position and push new advice."""
        await self._settle()
        records = [p for p in self._positions.positions if p.status == "open" and p.legs]
        if not records:
            self._publish(())
            return self.views
        with_options = {p.underlying for p in records if any(leg.kind == "option" for leg in p.legs)}
        chains = await self._chains.views(with_options)
        now = self._now()
        held = sorted({leg.symbol for p in records for leg in p.legs if leg.kind == "option"})
        prev = await self._closes.before(now, held) if self._closes else {}
        job = ValuationInput(tuple((to_position(p), p.stop_level) for p in records), chains, dict(self._quotes()),
                             dict(self._chains.problems), market_date(now), now, self._params(),
                             self._calendar.close_at, prev)
        views = await asyncio.to_thread(build_views, job)
        self._publish(tuple(views))
        if self._closes:
            await self._closes.after(now, views)
        await self._push_advice(views, now)
        return self.views

    def _publish(self, views: tuple[PositionView, ...]) -> None:
        now = self._now()
        views = tuple(replace(v, advice=tuple(a for a in v.advice if not self._snoozed_now(a.key, now)))
                      for v in views)
        self.views = views
        self.runs += 1
        self._bus.publish(PositionsValued(views))

    def _params(self) -> ExitParams:
        prefs = self._preferences()
        values = {name: prefs[key] * scale for key, (name, scale) in PREFERENCE_FIELDS.items() if key in prefs}
        return exit_params(values)

    async def _push_advice(self, views: list[PositionView], now: datetime) -> None:
        for view in views:
            for advice in view.advice:
                if due(advice, self._shown, self._snoozed, now, ADVICE_COOLDOWN):
                    self._shown[advice.key] = now
                    await self._notify(view, advice)

    async def _notify(self, view: PositionView, advice: Advice) -> None:
        numbers = ", ".join(f"{k.replace('_', ' ')} {v:,.2f}" for k, v in list(advice.numbers.items())[:4])
        title = f"{view.position.underlying} {view.position.strategy}: {advice.title}"
        try:
            await self._notifications.notify("position", title, numbers or advice.title,
                                             key=f"position:{view.position.underlying}:{advice.key}", cooldown_s=0)
        except Exception:
            log.exception("could not notify advice %s", advice.key)

    async def _settle(self) -> None:
        now = self._now()
        prices = {s: q.last for s, q in self._quotes().items()}
        for record in [p for p in self._positions.positions if p.status == "open" and p.legs]:
            for kind, fills, reason in settlements(record, now, prices, self._calendar.close_at):
                try:
                    await self._positions.record(record.id, kind, fills, reason)
                except PositionError as exc:  # settled meanwhile (the trader closed it): nothing to do
                    log.info("position #%s not settled (%s): %s", record.id, kind, str(exc))
