"""The levels the alerts beyond a price watch — the session VWAP and the key levels by name (PDH,
PDL, PDC, pre-market and opening-range high/low, pivots) — made from the market state's 1-minute
bars where they are computed for the chart and the journal (``analytics.trade_context``): for each
symbol with such an alert, at every 1-minute close and when its alerts change, off the loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from app.core.bus import EventBus
from app.core.events import AlertsChanged, BarClosed
from data.models import Bars, Timeframe
from data.store.records import LEVEL_CROSS, VWAP_CROSS

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
