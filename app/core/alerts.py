"""Price alerts: the CRUD service the UI calls, and the monitor that evaluates every tick.

Crossing = the previous and the current price straddle the level (or touch it). A fired alert
is disarmed at once, so jitter around the level cannot fire it twice; a one-shot alert is then
stored as "triggered", a repeating one re-arms only after price has moved away from the level
by ``HYSTERESIS`` (0.05 % of the price). Editing an alert's level or condition re-arms it.

Ticks are taken in event-time order: one older than the last seen for its symbol is ignored (a
late tick would otherwise cross back and forth), and a price that is not finite and positive is
skipped without forgetting the last good one, so a crossing across a bad tick is still seen.
A tick more than ``REWIND_AFTER`` older is a new timeline (a replay sought back, a switch to a
recording), not a late tick: the symbol starts afresh from it.
Invalid prices are dropped at ingress (``data.validation``); this is the evaluator's own guard.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from app.core.bus import EventBus
from app.core.events import AlertsChanged, AlertTriggered, ProviderChanged, QuoteUpdated
from app.core.notification_rules import alert_notification_key
from app.core.notifications import NotificationService
from app.core.supervisor import ServiceContext
from data.store import alerts as alert_repo
from data.store.database import Store
from data.store.records import EM_USED, IV_RANK_BELOW, LEVEL_CROSS, PCT_MOVE, THRESHOLDS, VWAP_CROSS, Alert

log = logging.getLogger(__name__)
HYSTERESIS = 0.0005
REWIND_AFTER = 600.0  # seconds: no live tick is this late


class AlertEvaluator:
    """Pure tick-by-tick evaluation (no I/O): which active alerts fire at this price."""

    def __init__(self) -> None:
        self._by_symbol: dict[str, list[Alert]] = defaultdict(list)
        self._armed: dict[int, bool] = {}
        self._last: dict[str, float] = {}
        self._last_ts: dict[str, float] = {}
        self._levels: dict[str, dict[str, float]] = {}  # symbol -> key levels and VWAP as of now

    def set_alerts(self, alerts: list[Alert] | tuple[Alert, ...]) -> None:
        """Keep the armed state of unchanged alerts; a new or edited (level, condition, symbol)
        one starts armed."""
        active = [a for a in alerts if a.status == "active"]
        before = {a.id: _trigger_key(a) for items in self._by_symbol.values() for a in items}
        self._by_symbol = defaultdict(list)
        for a in active:
            self._by_symbol[a.symbol].append(a)
        previous = self._armed
        self._armed = {a.id: previous.get(a.id, True) if before.get(a.id) == _trigger_key(a) else True
                       for a in active}

    def forget_prices(self) -> None:
        """Another provider's prices follow (a switch): no crossing between the old feed and the new."""
        self._last.clear()
        self._last_ts.clear()

    @property
    def symbols(self) -> set[str]:
        return {s for s, alerts in self._by_symbol.items() if alerts}

    def alerts_of(self, symbol: str) -> list[Alert]:
        return list(self._by_symbol.get(symbol, ()))

    def set_levels(self, symbol: str, levels: dict[str, float]) -> None:
        """The symbol's key levels and session VWAP as of now (the monitor updates them at each 1-minute close),
        or its options levels (GEX flip, walls: at each options refresh); the names given replace theirs."""
        self._levels.setdefault(symbol, {}).update(levels)

    def on_values(self, symbol: str, values: dict[str, float]) -> list[Alert]:
        """The threshold alerts an options refresh fires (``values``: EM_USED %, IV_RANK 0-100)."""
        fired = []
        for alert in self._by_symbol.get(symbol, ()):
            value = values.get("EM_USED" if alert.condition == EM_USED else "IV_RANK")
            if alert.condition not in THRESHOLDS or value is None or not math.isfinite(value):
                continue
            below = alert.condition == IV_RANK_BELOW
            hit = value <= alert.price if below else value >= alert.price
            away = value > alert.price * 1.05 if below else value < alert.price * 0.95
            if self._step(alert, hit, away):
                fired.append(alert)
        return fired

    def _step(self, alert: Alert, hit: bool, away: bool) -> bool:
        """Fire an armed alert that is hit (disarming it); re-arm a repeating one once it is away."""
        if self._armed.get(alert.id, True):
            if hit:
                self._armed[alert.id] = False
            return hit
        if alert.repeat and away:
            self._armed[alert.id] = True
        return False

    def level(self, alert: Alert, ts: float | None) -> float | None:
        """The level ``alert`` watches at ``ts``: a trend line's value, VWAP, a named key level, or its price;
        None while it is not known (no VWAP before the session's first bar)."""
        if alert.condition == VWAP_CROSS:
            return self._levels.get(alert.symbol, {}).get("VWAP")
        if alert.condition == LEVEL_CROSS:
            return self._levels.get(alert.symbol, {}).get((alert.params or {}).get("level", ""))
        return alert.level_at(ts)

    def on_price(self, symbol: str, price: float, ts: float | None = None,
                 prev_close: float | None = None) -> list[Alert]:
        """The alerts ``price`` fires; ``ts`` (event time) orders the ticks of a symbol."""
        if not (math.isfinite(price) and price > 0):
            return []
        prev_ts = self._last_ts.get(symbol)
        if ts is not None:
            newest = self._last_ts.get(symbol, -math.inf)
            if ts < newest - REWIND_AFTER:
                self._last.pop(symbol, None)  # rewound: no crossing across the jump back
            elif ts < newest:
                return []  # late: an older price than the one already evaluated
            self._last_ts[symbol] = ts
        prev = self._last.get(symbol)
        self._last[symbol] = price
        fired = []
        for alert in self._by_symbol.get(symbol, ()):
            judged = self._judge(alert, prev, price, prev_ts if prev_ts is not None else ts, ts, prev_close)
            if judged is None:
                continue  # its level is not known yet
            if self._step(alert, *judged):
                fired.append(alert)
        return fired

    def _judge(self, alert: Alert, prev: float | None, price: float, prev_ts: float | None, ts: float | None,
               prev_close: float | None) -> tuple[bool, bool] | None:
        """(fires now, far enough away to re-arm), or None while the alert's level is unknown."""
        if alert.condition in THRESHOLDS:
            return None  # judged on options refreshes (``on_values``)
        if alert.condition == PCT_MOVE:
            moved = _pct_moved(alert, price, prev_close)
            return None if moved is None else (moved >= alert.price, moved < alert.price * 0.8)
        level, before = self.level(alert, ts), self.level(alert, prev_ts)
        if level is None or before is None:
            return None
        return _hit(alert.condition, prev, price, before, level), _moved_away(alert.condition, price, level)


def _trigger_key(alert: Alert) -> tuple:
    return alert.symbol, alert.condition, alert.price, str(alert.params)


def _pct_moved(alert: Alert, price: float, prev_close: float | None) -> float | None:
    """How far (%, either way) ``price`` is from the alert's reference, else the prior close."""
    base = (alert.params or {}).get("reference") or prev_close
    if not base or not math.isfinite(base) or base <= 0:
        return None
    return abs(price / base - 1.0) * 100.0


def _hit(condition: str, prev: float | None, price: float, before: float, level: float) -> bool:
    """``before``: the level at the previous tick's time (a trend line moves)."""
    if condition == "above":
        return price > level
    if condition == "below":
        return price < level
    if prev is None:
        return False
    return (prev < before and level <= price) or (prev > before and level >= price)


def _moved_away(condition: str, price: float, level: float) -> bool:
    band = level * HYSTERESIS
    if condition == "above":
        return price <= level - band
    if condition == "below":
        return price >= level + band
    return abs(price - level) > band


class AlertsService:
    """What the UI calls; every change is saved, then published as ``AlertsChanged``."""

    def __init__(self, store: Store, bus: EventBus, now: Callable[[], datetime]) -> None:
        self._store = store
        self._bus = bus
        self._now = now  # the market clock of the provider of the moment (a replay's, the demo's)
        self.alerts: tuple[Alert, ...] = ()

    async def prepare(self) -> None:
        """Before the stream starts: it must carry the symbols the alerts watch."""
        await self.refresh()

    async def refresh(self) -> tuple[Alert, ...]:
        self.alerts = tuple(await self._store.run(alert_repo.list_alerts))
        self._bus.publish(AlertsChanged(self.alerts))
        return self.alerts

    async def create(self, symbol: str, condition: str, price: float, *, repeat: bool = False,
                     source: str = "panel", notes: str = "", **beyond_level) -> Alert:
        """``beyond_level``: ``line`` (a trend alert's points), ``level`` (a key level's name) or ``reference``
        (a percent move's base) — see ``data.store.alerts.create``."""
        now = self._now()
        alert = await self._store.run(lambda s: alert_repo.create(s, symbol, condition, price, repeat=repeat,
                                                                  source=source, notes=notes, now=now, **beyond_level))
        await self.refresh()
        return alert

    async def update(self, alert_id: int, **changes: object) -> Alert:
        alert = await self._store.run(lambda s: alert_repo.update(s, alert_id, **changes))  # type: ignore[arg-type]
        await self.refresh()
        return alert

    async def delete(self, alert_id: int) -> None:
        await self._store.run(lambda s: alert_repo.delete(s, alert_id))
        await self.refresh()

    async def history(self, alert_id: int | None = None) -> list:
        return await self._store.run(lambda s: alert_repo.triggers(s, alert_id))

    def active_symbols(self) -> set[str]:
        return {a.symbol for a in self.alerts if a.status == "active"}


class AlertMonitorService:
    """Supervised: evaluates every quote against the active alerts and records what fires."""

    name = "alert-monitor"
    stale_after = 30.0

    def __init__(self, alerts: AlertsService, store: Store, bus: EventBus, notifications: NotificationService,
                 bars: Callable[[str], object] | None = None, or_minutes: Callable[[], int] = lambda: 15,
                 options_values: Callable[[object], Awaitable[dict[str, float]]] | None = None) -> None:
        """``bars``: a symbol's 1-minute bars as held by the market state (VWAP and key-level alerts);
        ``options_values(snapshot)``: the expected move used and IV rank of an options refresh."""
        self._bars, self._or_minutes, self._options_values = bars, or_minutes, options_values
        self._alerts = alerts
        self._store = store
        self._bus = bus
        self._notifications = notifications
        self.evaluator = AlertEvaluator()
        self.fired = 0
        self._recording: set[asyncio.Task] = set()

    async def run(self, ctx: ServiceContext) -> None:
        from app.core.alert_levels import AlertLevels, OptionsAlertFeed

        levels = (AlertLevels(self._bus, self.evaluator.set_levels, self._bars, self._or_minutes)
                  if self._bars is not None else None)
        options = (OptionsAlertFeed(self._bus, self.evaluator, self._options_values, self._fire)
                   if self._options_values is not None else None)
        self.evaluator.set_alerts(await self._alerts.refresh())
        unsubscribe = [self._bus.subscribe(QuoteUpdated, self._on_quote),
                       self._bus.subscribe(AlertsChanged, lambda e: self.evaluator.set_alerts(e.alerts)),
                       self._bus.subscribe(ProviderChanged, lambda _e: self.evaluator.forget_prices())]
        try:
            ctx.running()
            while True:
                await asyncio.sleep(5.0)
                ctx.heartbeat()
        finally:
            for off in unsubscribe:
                off()
            for feed in (levels, options):
                if feed is not None:
                    feed.close()
            if self._recording:  # let triggers already fired reach the store
                await asyncio.wait(set(self._recording), timeout=2.0)

    def _on_quote(self, event: QuoteUpdated) -> None:
        quote = event.quote
        for alert in self.evaluator.on_price(quote.symbol, quote.last, quote.ts, quote.prev_close):
            self._fire(alert, quote.last, datetime.fromtimestamp(quote.ts, UTC))

    def _fire(self, alert: Alert, price: float, when: datetime) -> None:
        task = asyncio.ensure_future(self._record(alert, price, when))
        self._recording.add(task)
        task.add_done_callback(self._recording.discard)

    async def _record(self, alert: Alert, price: float, when: datetime) -> None:
        try:
            stored, trigger = await self._store.run(lambda s: alert_repo.record_trigger(s, alert.id, price, when))
        except alert_repo.AlertError:
            return  # deleted meanwhile
        self.fired += 1
        self._bus.publish(AlertTriggered(stored, trigger))
        await self._notifications.notify(
            "alert", f"{alert.symbol} {alert.describe(fired=True)}",
            f"{alert.symbol} traded at {price:,.2f}" + (f" — {alert.notes}" if alert.notes else ""),
            key=alert_notification_key(alert, trigger.id), cooldown_s=0)
        await self._alerts.refresh()
