"""What the trader (or the coach) does with positions: open, close, roll, convert, set a stop, note.

Nothing is sent to a broker; every action is one stored event (``data.store.positions``) with the
prices and market time it happened at, then ``PositionsChanged`` is published. Prices a trader does
not give are the contracts' current mids (``marks``: the tracker's latest), and an action that
would need a price nobody has is refused, never done at 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from analytics.positions import Leg, position_problem
from app.core.alerts import AlertsService
from app.core.bus import EventBus
from app.core.events import PositionsChanged
from app.core.positions.legs import opening_fill, to_leg
from data.market_calendar import market_date
from data.store import positions as repo
from data.store.database import Store
from data.store.records import LegFill, PositionRecord
from data.symbols import normalize_symbol


class PositionsService:
    def __init__(self, store: Store, bus: EventBus, alerts: AlertsService, now: Callable[[], datetime],
                 mid_of: Callable[[str], float] = lambda _symbol: math.nan,
                 classify: Callable[[tuple[Leg, ...]], str] | None = None) -> None:
        self._store, self._bus, self._alerts = store, bus, alerts
        self._now = now  # the market clock of the provider of the moment
        self._mid_of = mid_of  # a contract's (or the shares') current mid, NaN when unknown
        self._classify = classify
        self.positions: tuple[PositionRecord, ...] = ()  # newest first

    async def prepare(self) -> None:
        await self.refresh()

    async def refresh(self) -> tuple[PositionRecord, ...]:
        self.positions = tuple(await self._store.run(repo.list_positions))
        self._bus.publish(PositionsChanged(self.positions))
        return self.positions

    def open_symbols(self) -> set[str]:
        """Underlyings of the open positions (the stream and the chains must carry them)."""
        return {p.underlying for p in self.positions if p.status == "open"}

    def _find(self, position_id: int) -> PositionRecord:
        found = next((p for p in self.positions if p.id == position_id), None)
        if found is None:
            raise repo.PositionError(f"Position #{position_id} no longer exists.")
        return found

    # -- actions -------------------------------------------------------------------------------
    async def open(self, underlying: str, legs: tuple[Leg, ...], *, strategy: str | None = None,
                   source: str = "manual", notes: str = "") -> PositionRecord:
        symbol = normalize_symbol(underlying)
        now = self._now()
        if problem := position_problem(symbol, legs, market_date(now)):
            raise repo.PositionError(problem)
        name = strategy or (self._classify(legs) if self._classify else f"{len(legs)} legs")
        opened = await self._store.run(lambda s: repo.open_position(
            s, underlying=symbol, strategy=name, fills=[opening_fill(x) for x in legs], at=now, source=source,
            notes=notes))
        await self.refresh()
        return opened

    async def close_position(self, position_id: int, prices: dict[str, float] | None = None,
                    quantities: dict[str, int] | None = None, reason: str = "") -> PositionRecord:
        """Close every leg (or ``quantities`` of some, a partial close) at ``prices``, else at mid."""
        position = self._find(position_id)
        legs = [x for x in position.legs if quantities is None or x.symbol in quantities]
        fills = []
        for leg in legs:
            size = abs(quantities[leg.symbol]) if quantities is not None else abs(leg.quantity)
            price = self._price(leg.symbol, prices)
            fills.append(LegFill(leg.symbol, -size if leg.quantity > 0 else size, price))
        whole = quantities is None or all(abs(quantities.get(x.symbol, 0)) == abs(x.quantity) for x in position.legs)
        return await self._apply(position_id, "closed" if whole else "partly_closed", fills,
                                 reason or ("closed" if whole else "partly closed"))

    async def roll(self, position_id: int, closing: dict[str, float | None], opening: tuple[Leg, ...],
                   reason: str = "rolled") -> PositionRecord:
        """Close the legs named in ``closing`` (symbol → price, None: at mid) and open ``opening``,
        as one event."""
        position = self._find(position_id)
        held = {x.symbol: x for x in position.legs}
        unknown = [s for s in closing if s not in held]
        if unknown:
            raise repo.PositionError(f"{unknown[0]} is not a leg of this position.")
        fills = [LegFill(s, -held[s].quantity, self._price(s, {s: p} if p is not None else None))
                 for s, p in closing.items()]
        if problem := position_problem(position.underlying, opening, market_date(self._now())) if opening else None:
            raise repo.PositionError(problem)
        fills += [opening_fill(x) for x in opening]
        return await self._apply(position_id, "rolled", fills, reason)

    async def adjust(self, position_id: int, opening: tuple[Leg, ...], reason: str = "adjusted") -> PositionRecord:
        """Add legs (e.g. convert a long option to a spread by selling a further-out one)."""
        position = self._find(position_id)
        if problem := position_problem(position.underlying, opening, market_date(self._now())):
            raise repo.PositionError(problem)
        return await self._apply(position_id, "adjusted", [opening_fill(x) for x in opening], reason)

    async def set_stop(self, position_id: int, level: float | None) -> PositionRecord:
        """A stop on the underlying: stored on the position and watched by an alert."""
        position = self._find(position_id)
        if level is not None:
            await self._alerts.create(position.underlying, "crosses", level, source="position",
                                      notes=f"stop of position #{position_id} ({position.strategy})")
        updated = await self._store.run(lambda s: repo.set_stop(s, position_id, level, self._now()))
        await self.refresh()
        return updated

    async def add_note(self, position_id: int, text: str) -> PositionRecord:
        updated = await self._store.run(lambda s: repo.add_note(s, position_id, text, self._now()))
        await self.refresh()
        return updated

    async def record(self, position_id: int, kind: str, fills: list[LegFill], reason: str) -> PositionRecord:
        """An event the tracker decided (expiry, assignment, exercise) at its own prices."""
        return await self._apply(position_id, kind, fills, reason)

    # -- helpers -------------------------------------------------------------------------------
    def _price(self, symbol: str, prices: dict[str, float] | None) -> float:
        price = prices[symbol] if prices and symbol in prices else self._mid_of(symbol)
        if not (isinstance(price, int | float) and math.isfinite(price) and price >= 0):
            raise repo.PositionError(f"No price for {symbol} right now: enter the price it was done at.")
        return float(price)

    async def _apply(self, position_id: int, kind: str, fills: list[LegFill], reason: str) -> PositionRecord:
        strategy = None
        if self._classify is not None:
            position = self._find(position_id)
            strategy = self._strategy_after(position, fills)
        updated = await self._store.run(lambda s: repo.apply_fills(s, position_id, kind, fills, self._now(), reason,
                                                                   strategy))
        await self.refresh()
        return updated

    def _strategy_after(self, position: PositionRecord, fills: list[LegFill]) -> str | None:
        """The strategy's name once ``fills`` are done (a condor rolled into a butterfly says so)."""
        quantities = {x.symbol: x.quantity for x in position.legs}
        details = {x.symbol: x for x in position.legs} | {f.symbol: f.leg for f in fills if f.leg is not None}
        for fill in fills:
            quantities[fill.symbol] = quantities.get(fill.symbol, 0) + fill.quantity
        legs = tuple(replace(to_leg(details[s]), quantity=q) for s, q in quantities.items() if q and s in details)
        return self._classify(legs) if legs and self._classify else None
