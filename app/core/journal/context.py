"""The market context at each journal trade's entry, and its MAE/MFE, computed once and stored.

Supervised service. It records the options picture of the active symbol once a minute as chains
arrive (``OptionsUpdated`` → ``options_context``), and after the journal or the positions change
(or the provider; and every ``PASS_EVERY_S``) it fills in the trades that have no context yet: the provider's
1-minute bars around the entry (fetched once per symbol and entry day in a pass) give the key
levels, VWAP distance and, once the trade is closed, MAE/MFE; the stored options picture before
the entry gives GEX, IV rank and the expected move used. Each pass also fetches the expiry-day
prices that settle contracts an export left held past their expiry (``expirations``).

The demo market's prices are not the real ones, so it fills only the app's own trades (made in
it); imported trades wait for a real provider. A context with no levels is computed again when the
provider changes; an open trade's again once it has closed (its MAE/MFE). A failed fetch stores
nothing and is tried again at the next pass.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from analytics.journal_trades import Trade, mae_mfe
from analytics.trade_context import TradeContext, levels_at_entry, options_at_entry, readable, to_json
from app.core.bus import EventBus
from app.core.events import JournalChanged, OptionsUpdated, PositionsChanged, ProviderChanged, TradeContextsChanged
from app.core.journal.expirations import fetch_settlements
from app.core.journal.imports import JournalService
from app.core.journal.options_context import options_context
from app.core.snapshots import IvRankView, OptionsSnapshot, ZeroDteView
from app.core.supervisor import ServiceContext
from app.core.waiting import woken
from data.market_calendar import market_date
from data.models import Bars, Timeframe
from data.providers.base import MarketDataProvider
from data.providers.errors import ProviderError
from data.store import trade_context as repo
from data.store.database import Store

log = logging.getLogger(__name__)
PASS_EVERY_S = 600.0
LOOKBACK = timedelta(days=6)  # back to the prior session over a long weekend
LONGEST_HOLD = timedelta(days=10)  # MAE/MFE from 1-minute bars for trades up to this long
KEEP_OPTIONS = timedelta(days=400)
PER_PASS = 40  # trades a pass computes: a years-long import is filled over passes, not in one flood
RETRY_AFTER = timedelta(hours=1)  # a trade whose bars could not be read (market time)
DEMO_NOTE = ("The demo market's prices are not the real ones: connect a market-data provider to fill in "
             "the context of imported trades.")


class TradeContextService:
    name = "journal-context"
    stale_after = 2 * PASS_EVERY_S

    def __init__(self, store: Store, bus: EventBus, journal: JournalService,
                 provider: Callable[[], MarketDataProvider],
                 rank: Callable[[OptionsSnapshot], Awaitable[IvRankView | None]],
                 zero_dte: Callable[[OptionsSnapshot], Awaitable[ZeroDteView | None]]) -> None:
        self._store, self._bus, self._journal, self._provider = store, bus, journal, provider
        self._rank, self._zero_dte = rank, zero_dte
        self._recorded: dict[str, datetime] = {}  # symbol → minute of the last record
        self._wake = asyncio.Event()
        self._pending: set[asyncio.Task] = set()
        self._failed: dict[str, datetime] = {}  # trade id → when its context last could not be made

    async def run(self, ctx: ServiceContext) -> None:
        offs = [self._bus.subscribe(OptionsUpdated, self._on_snapshot),
                *(self._bus.subscribe(kind, lambda _e: self._wake.set())
                  for kind in (JournalChanged, PositionsChanged, ProviderChanged))]
        try:
            ctx.running()
            await self._forget_old()
            while True:
                self._wake.clear()
                stored = await self.fill()
                if stored:
                    self._bus.publish(TradeContextsChanged())
                ctx.heartbeat()
                if stored < PER_PASS:  # a full pass: more may wait, go again at once
                    await woken(self._wake, PASS_EVERY_S)
        finally:
            for off in offs:
                off()
            await self._drop_pending()

    # -- the options picture, once a minute --------------------------------------------------------
    def _on_snapshot(self, event: OptionsUpdated) -> None:
        snap = event.snapshot
        minute = snap.chain.asof.replace(second=0, microsecond=0)
        if self._recorded.get(snap.symbol) == minute:
            return
        self._recorded[snap.symbol] = minute
        task = asyncio.ensure_future(self.record(snap))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _drop_pending(self) -> None:
        """Stopping: a minute's picture still being computed is dropped, not waited for (it waited
        on the options worker's queue: ~0.4 s of every quit). A write already handed to the store
        commits there; the database closes after it."""
        for task in self._pending:
            task.cancel()
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=2.0)

    async def record(self, snap: OptionsSnapshot) -> bool:
        try:
            picture = await options_context(snap, self._provider().name, self._rank, self._zero_dte)
            return await self._store.run(lambda s: repo.record_options(s, picture))
        except Exception as exc:  # a bad snapshot must not stop the recorder; the next minute tries again
            log.warning("options context of %s not recorded: %s", snap.symbol, exc)
            return False

    async def _forget_old(self) -> None:
        cutoff = self._provider().clock.now() - KEEP_OPTIONS
        await self._store.run(lambda s: repo.forget_options_before(s, cutoff))

    # -- trades ------------------------------------------------------------------------------------
    async def fill(self) -> int:
        """Store the context of every trade that needs one, and the prices settling expired contracts;
        how many records were stored."""
        provider = self._provider()
        stored = await self._store.run(repo.contexts)
        trades = await self._journal.trades()
        settled = await fetch_settlements(self._store, provider, trades)
        if settled:
            trades = await self._journal.trades()  # contracts held past expiry just settled
        now = provider.clock.now()
        todo = [t for t in trades if _needs(t, stored.get(t.id), provider.name)
                and not (t.id in self._failed and now - self._failed[t.id] < RETRY_AFTER)][:PER_PASS]
        bars: dict[tuple[str, object, object], Bars | None] = {}
        done = 0
        for trade in todo:
            try:
                computed = await self._context_of(trade, provider, bars)
            except Exception as exc:  # bad bars for one trade must not stop the others (or every later pass)
                log.warning("no market context for journal trade %s: %s", trade.id, exc)
                computed = None
            if computed is None:
                self._failed[trade.id] = now  # asked again after RETRY_AFTER, not every pass
                continue
            context, mae, mfe = computed
            record = {**to_json(context), "final": trade.closed_at is not None, "provider": provider.name}
            await self._store.run(lambda s, t=trade, r=record, a=mae, b=mfe:
                                  repo.save_context(s, t.id, provider.name, provider.clock.now(), r, a, b))
            done += 1
        return done + settled

    async def _context_of(self, trade: Trade, provider: MarketDataProvider,
                          cache: dict) -> tuple[TradeContext, float | None, float | None] | None:
        if not provider.real_prices and trade.broker != "app":
            return TradeContext(trade.symbol, trade.opened_at, None, None, (DEMO_NOTE,)), None, None
        problem = provider.symbol_problem(trade.symbol)
        if problem:
            return TradeContext(trade.symbol, trade.opened_at, None, None, (problem,)), None, None
        end = _bars_end(trade, provider.clock.now())
        key = (trade.symbol, market_date(trade.opened_at), end)
        if key not in cache:
            cache[key] = await self._bars(provider, trade.symbol, trade.opened_at - LOOKBACK, end)
        bars = cache[key]
        if bars is None:
            return None
        pictures = await self._store.run(lambda s: repo.options_between(
            s, trade.symbol, trade.opened_at - timedelta(hours=1), trade.opened_at))
        return await asyncio.to_thread(_computed, trade, bars, pictures)  # days of minutes: off the loop

    async def _bars(self, provider: MarketDataProvider, symbol: str, start: datetime, end: datetime) -> Bars | None:
        try:
            return await provider.get_bars(symbol, Timeframe.M1, start, end, extended=True)
        except ProviderError as exc:
            log.info("no bars of %s for the journal's context: %s", symbol, exc)
            return None


def _computed(trade: Trade, bars: Bars, pictures: list) -> tuple[TradeContext, float | None, float | None]:
    price = trade.entry_price if trade.instrument == "stock" else None
    levels = levels_at_entry(bars, trade.opened_at, price)
    options = options_at_entry(pictures, trade.opened_at)
    notes = _notes(trade, levels is None, options is None)
    excursion = mae_mfe(trade, bars) if trade.holding_time and trade.holding_time <= LONGEST_HOLD else None
    context = TradeContext(trade.symbol, trade.opened_at, levels, options, notes)
    if excursion is None:
        return context, None, None
    return context, excursion[0].dollars, excursion[1].dollars


def _bars_end(trade: Trade, now: datetime) -> datetime:
    if trade.closed_at is None or trade.closed_at - trade.opened_at > LONGEST_HOLD:
        return min(now, trade.opened_at + timedelta(minutes=1))
    return trade.closed_at + timedelta(minutes=1)


def _needs(trade: Trade, stored: tuple[dict[str, Any], float | None, float | None] | None, provider: str) -> bool:
    if stored is None or not readable(stored[0]):
        return True  # none yet, or stored by another version of the app
    record = stored[0]
    if record.get("levels") is None and record.get("provider") != provider:
        return True  # made without bars (the demo market, a replay of another symbol): this provider may have them
    return trade.closed_at is not None and not record.get("final", False)


def _notes(trade: Trade, no_levels: bool, no_options: bool) -> tuple[str, ...]:
    notes = []
    if no_levels:
        notes.append(f"No {trade.symbol} bars from a prior session before the entry: no key levels or VWAP.")
    if no_options:
        notes.append(f"No {trade.symbol} options snapshot was recorded within 30 minutes before the entry "
                     "(the app records the active symbol's chain while it runs).")
    if trade.instrument != "stock":
        notes.append("MAE/MFE is measured for stock trades (an option's path needs its own bars).")
    return tuple(notes)

