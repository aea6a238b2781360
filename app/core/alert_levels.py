"""The levels the alerts beyond a price watch — the session VWAP and the key levels by name (PDH,
PDL, PDC, pre-market and opening-range high/low, pivots) — made from the market state's 1-minute
bars where they are computed for the chart and the journal (``analytics.trade_context``): for each
symbol with such an alert, at every 1-minute close and when its alerts change, off the loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from app.core.bus import EventBus
from app.core.events import AlertsChanged, BarClosed, OptionsUpdated
from data.models import Bars, Timeframe
from data.store.records import LEVEL_CROSS, THRESHOLDS, VWAP_CROSS

log = logging.getLogger(__name__)
NEEDS_LEVELS = (VWAP_CROSS, LEVEL_CROSS)


def levels_now(bars: Bars, at: datetime, or_minutes: int) -> dict[str, float]:
    from analytics.trade_context import levels_at_entry

    found = levels_at_entry(bars, at, or_minutes=or_minutes) if len(bars) else None
    return dict(found.levels) if found is not None else {}


class AlertLevels:
    def __init__(self, bus: EventBus, set_levels: Callable[[str, dict[str, float]], None],
                 bars: Callable[[str], Bars], or_minutes: Callable[[], int]) -> None:
        self._set, self._bars, self._or = set_levels, bars, or_minutes
        self._symbols: set[str] = set()
        self._tasks: set[asyncio.Task] = set()
        self._offs = [bus.subscribe(BarClosed, self._on_bar), bus.subscribe(AlertsChanged, self._on_alerts)]

    def _on_alerts(self, event: AlertsChanged) -> None:
        wanted = {a.symbol for a in event.alerts if a.status == "active" and a.condition in NEEDS_LEVELS}
        for symbol in wanted - self._symbols:
            self._refresh(symbol, None)
        self._symbols = wanted

    def _on_bar(self, event: BarClosed) -> None:
        if event.timeframe is Timeframe.M1 and event.symbol in self._symbols:
            self._refresh(event.symbol, datetime.fromtimestamp(event.bar.ts + 60, UTC))

    def _refresh(self, symbol: str, at: datetime | None) -> None:
        bars = self._bars(symbol)
        if not len(bars):
            return
        moment = at or datetime.fromtimestamp(int(bars.ts[-1]) + 60, UTC)

        async def run() -> None:
            self._set(symbol, await asyncio.to_thread(levels_now, bars, moment, self._or()))

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("alert levels failed: %s", task.exception())

    def close(self) -> None:
        for off in self._offs:
            off()


class OptionsAlertFeed:
    """Each options refresh (the active symbol's chain): the GEX flip and walls as levels price can cross,
    and today's expected move used and the IV rank for the threshold alerts — the numbers the GEX, 0DTE
    and IV panels show (``values(snapshot)`` asks their services)."""

    def __init__(self, bus: EventBus, evaluator, values: Callable[[object], Awaitable[dict[str, float]]],
                 fire: Callable[[object, float, datetime], None]) -> None:
        self._evaluator, self._values, self._fire = evaluator, values, fire
        self._tasks: set[asyncio.Task] = set()
        self._offs = [bus.subscribe(OptionsUpdated, self._on_options)]

    def _on_options(self, event: OptionsUpdated) -> None:
        snap = event.snapshot
        gex = snap.gex
        named = {"FLIP": gex.flip, "CALL_WALL": gex.call_wall, "PUT_WALL": gex.put_wall}
        self._evaluator.set_levels(snap.symbol, {k: float(v) for k, v in named.items() if v is not None})
        if not any(a.condition in THRESHOLDS for a in self._evaluator.alerts_of(snap.symbol)):
            return
        task = asyncio.get_running_loop().create_task(self._judge(snap))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _judge(self, snap) -> None:
        try:
            values = await self._values(snap)
        except Exception as error:  # a view that cannot be made this refresh: the next one tries again
            log.warning("options alert values failed: %s", error)
            return
        for alert in self._evaluator.on_values(snap.symbol, values):
            self._fire(alert, snap.spot, snap.chain.asof)

    def close(self) -> None:
        for off in self._offs:
            off()
