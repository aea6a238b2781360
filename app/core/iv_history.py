"""Stores a daily 30-day ATM IV per watched symbol, so IV rank becomes real over time.

Supervised service. The active symbol is recorded from the options snapshots already flowing
(at most every ``ACTIVE_EVERY_S``); every other watched symbol gets its own chain fetched once
a day and again after ``LATE_MINUTE`` ET, so the day's stored value is near the close. The
latest reading of a day replaces earlier ones (one value per ET day).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from app.core.bus import EventBus
from app.core.events import IvRecorded, OptionsUpdated
from app.core.supervisor import AFTER_START_UP_S, ServiceContext
from data.market_calendar import ET, MarketCalendar, market_date
from data.providers.base import MarketDataProvider, OptionsProvider
from data.providers.errors import ProviderError

if TYPE_CHECKING:
    from data.store.database import Store

log = logging.getLogger(__name__)
ACTIVE_EVERY_S = 15 * 60
SWEEP_EVERY_S = 10 * 60
LATE_MINUTE = 15 * 60 + 45  # 15:45 ET


class IvHistoryService:
    name = "iv-history"
    stale_after = 2 * SWEEP_EVERY_S

    def __init__(self, provider: MarketDataProvider, store: Store, bus: EventBus, calendar: MarketCalendar,
                 watched: Callable[[], set[str]], sweep_every_s: float = SWEEP_EVERY_S,
                 first_sweep_after_s: float = AFTER_START_UP_S) -> None:
        self._provider = provider
        self._store = store
        self._bus = bus
        self._calendar = calendar
        self._watched = watched
        self._sweep_every = sweep_every_s
        self._first_sweep_after = first_sweep_after_s  # (a sweep fetches a chain per symbol: after start-up)
        self._active_at: dict[str, float] = {}  # market time (UTC s) of the last snapshot recording
        self._swept: dict[str, tuple[date, bool]] = {}  # symbol → (day, late reading taken)
        self._pending: set[asyncio.Task] = set()

    async def run(self, ctx: ServiceContext) -> None:
        unsubscribe = self._bus.subscribe(OptionsUpdated, self._on_snapshot)
        try:
            ctx.running()
            await asyncio.sleep(self._first_sweep_after)
            while True:
                await self.sweep()
                ctx.heartbeat()
                await asyncio.sleep(self._sweep_every)
        finally:
            unsubscribe()
            if self._pending:
                await asyncio.wait(set(self._pending), timeout=2.0)

    def _on_snapshot(self, event: OptionsUpdated) -> None:
        snap = event.snapshot
        # at most every ACTIVE_EVERY_S of market time (the demo runs at up to 1000x; a replay
        # seek back in time records again)
        asof, last = snap.chain.asof.timestamp(), self._active_at.get(snap.symbol)
        if last is not None and 0 <= asof - last < ACTIVE_EVERY_S:
            return
        self._active_at[snap.symbol] = asof
        day = market_date(snap.chain.asof)
        self._swept[snap.symbol] = (day, _is_late(snap.chain.asof))  # the sweep need not fetch it again
        task = asyncio.ensure_future(self.record(snap.symbol, day, snap.iv.atm_30d))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def record(self, symbol: str, day: date, atm_iv: float) -> bool:
        from data.store import iv_history

        recorded_at = self._provider.clock.now()  # market time, as every time the app keeps
        try:
            await self._store.run(lambda s: iv_history.record(s, symbol, day, atm_iv, recorded_at))
        except ValueError as exc:  # no ATM IV (e.g. no quotes): nothing to store today
            log.info("IV of %s not stored: %s", symbol, exc)
            return False
        self._bus.publish(IvRecorded(symbol, day, atm_iv))
        return True

    async def sweep(self) -> None:
        """Record every watched symbol not yet recorded today (and once more late in the day)."""
        provider = self._provider
        if not isinstance(provider, OptionsProvider):
            return
        now = provider.clock.now()
        day = market_date(now)
        if not self._calendar.is_session(day) or now < self._calendar.session(day).open:
            return  # quotes are from an earlier session
        late = _is_late(now)
        for symbol in sorted(self._watched()):
            done = self._swept.get(symbol)
            if done is not None and done[0] == day and (done[1] or not late):
                continue
            try:
                atm_iv = await self._fetch_atm_iv(provider, symbol)
            except ProviderError as exc:
                log.info("no chain for %s: %s", symbol, exc)
                self._swept[symbol] = (day, True)  # no options: do not ask again today
                continue
            if await self.record(symbol, day, atm_iv):
                self._swept[symbol] = (day, late)

    async def _fetch_atm_iv(self, provider: OptionsProvider, symbol: str) -> float:
        spot = (await provider.get_quote(symbol)).last  # type: ignore[attr-defined]
        chain = await provider.get_option_chain(symbol)
        return await asyncio.to_thread(_atm_30d, chain, spot, self._calendar)


def _is_late(moment: datetime) -> bool:
    et = moment.astimezone(ET)
    return et.hour * 60 + et.minute >= LATE_MINUTE


def _atm_30d(chain, spot: float, calendar: MarketCalendar) -> float:
    from analytics.iv_summary import iv_summary
    from analytics.option_time import chain_expiry_times
    from data.rates import RISK_FREE_RATE

    return iv_summary(chain, spot, chain_expiry_times(chain, calendar.close_at),
                      RISK_FREE_RATE).atm_30d
