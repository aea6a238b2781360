"""Alerts: store, tick-by-tick evaluation, the monitor service, notifications, restarts."""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.core.alerts import AlertEvaluator, AlertMonitorService, AlertsService
from app.core.bus import EventBus
from app.core.events import AlertTriggered, NotificationPosted, QuoteUpdated
from app.core.health import HealthRegistry
from app.core.notifications import NotificationService
from app.core.supervisor import Supervisor
from data.models import Quote
from data.store import alerts as alert_repo
from data.store.database import Store
from data.store.records import Alert
from data.symbols import SymbolError


def _alert(i: int, condition: str, price: float, repeat: bool = False, symbol: str = "SPY") -> Alert:
    return Alert(i, symbol, condition, price, repeat, "active", "test", "", datetime.now(UTC), None)


def test_one_shot_cross_fires_once_despite_jitter() -> None:
    ev = AlertEvaluator()
    ev.set_alerts([_alert(1, "crosses", 100.0)])
    fired = [len(ev.on_price("SPY", p)) for p in (99.5, 99.9, 100.1, 99.95, 100.02, 99.99, 100.3)]
    assert fired == [0, 0, 1, 0, 0, 0, 0]


def test_repeating_alert_rearms_only_after_moving_away() -> None:
    ev = AlertEvaluator()
    ev.set_alerts([_alert(1, "crosses", 100.0, repeat=True)])
    prices = (99.9, 100.01, 99.98, 100.02, 99.9, 100.1, 100.2, 99.8)
    fired = [len(ev.on_price("SPY", p)) for p in prices]
    # 100.01 fires; jitter within 0.05 does not; 99.9 re-arms (0.1 away) and 100.1 fires again;
    # 99.8 is a new downward cross after moving away at 100.2
    assert fired == [0, 1, 0, 0, 0, 1, 0, 1]


def test_above_below_and_other_symbols() -> None:
    ev = AlertEvaluator()
    ev.set_alerts([_alert(1, "above", 50.0, symbol="AAPL"), _alert(2, "below", 40.0, symbol="AAPL")])
    assert ev.on_price("SPY", 60.0) == []
    assert [a.id for a in ev.on_price("AAPL", 50.5)] == [1]
    assert ev.on_price("AAPL", 51.0) == []  # one-shot: disarmed
    assert [a.id for a in ev.on_price("AAPL", 39.0)] == [2]
    assert ev.symbols == {"AAPL"}


def test_repository_validation_and_history(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    try:
        with pytest.raises(SymbolError):
            store.run_sync(lambda s: alert_repo.create(s, "bad sym", "crosses", 10))
        for bad in (0, -1, float("nan"), "abc"):
            with pytest.raises(alert_repo.AlertError):
                store.run_sync(lambda s, b=bad: alert_repo.create(s, "SPY", "crosses", b))
        with pytest.raises(alert_repo.AlertError, match="condition"):
            store.run_sync(lambda s: alert_repo.create(s, "SPY", "sideways", 10))
        a = store.run_sync(lambda s: alert_repo.create(s, "spy", "crosses", 600.123, source="chart"))
        assert (a.symbol, a.price, a.status, a.source) == ("SPY", 600.123, "active", "chart")
        when = datetime(2026, 11, 25, 15, tzinfo=UTC)
        stored, trig = store.run_sync(lambda s: alert_repo.record_trigger(s, a.id, 600.2, when))
        assert stored.status == "triggered" and trig.price == 600.2
        moved = store.run_sync(lambda s: alert_repo.update(s, a.id, price=601))
        assert moved.status == "active" and moved.price == 601  # a moved alert is armed again
        assert [t.price for t in store.run_sync(lambda s: alert_repo.triggers(s, a.id))] == [600.2]
        store.run_sync(lambda s: alert_repo.delete(s, a.id))
        assert store.run_sync(alert_repo.list_alerts) == [] and store.run_sync(alert_repo.triggers) == []
    finally:
        store.close()


async def _monitor(tmp_path: Path):
    store = Store.open(tmp_path)
    bus = EventBus()
    notifications = NotificationService(store, bus)
    alerts = AlertsService(store, bus, lambda: datetime(2026, 3, 2, 15, tzinfo=UTC))
    monitor = AlertMonitorService(alerts, store, bus, notifications)
    supervisor = Supervisor(HealthRegistry())
    supervisor.start(monitor)
    while monitor.evaluator.symbols is None or supervisor.health.get("alert-monitor").state.value != "running":
        await asyncio.sleep(0.01)
    return store, bus, alerts, monitor, supervisor


def _quote(symbol: str, price: float, ts: int) -> QuoteUpdated:
    return QuoteUpdated(Quote(symbol, ts, price, price - 0.01, price + 0.01, price, 0.0))


async def test_monitor_records_notifies_and_survives_restart(tmp_path: Path) -> None:
    store, bus, alerts, _monitor_service, supervisor = await _monitor(tmp_path)
    triggered: list[AlertTriggered] = []
    notes: list[NotificationPosted] = []
    bus.subscribe(AlertTriggered, triggered.append)
    bus.subscribe(NotificationPosted, notes.append)
    try:
        once = await alerts.create("SPY", "crosses", 600.0)
        rep = await alerts.create("SPY", "below", 598.0, repeat=True)
        for i, price in enumerate((599.5, 600.5, 599.9, 600.4, 597.5, 597.0, 599.0, 597.9)):
            bus.publish(_quote("SPY", price, 1_790_000_000 + i))
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)
        assert [t.alert.id for t in triggered] == [once.id, rep.id, rep.id]
        assert [n.record.kind for n in notes] == ["alert"] * 3
        assert "SPY crossed 600.00" in notes[0].record.title
        history = await alerts.history(once.id)
        assert len(history) == 1 and history[0].triggered_at == datetime.fromtimestamp(1_790_000_001, UTC)
        assert {a.id: a.status for a in alerts.alerts} == {once.id: "triggered", rep.id: "active"}
    finally:
        await supervisor.stop()
        store.close()
    store2 = Store.open(tmp_path)  # alerts survive a restart
    try:
        assert [(a.condition, a.status) for a in store2.run_sync(alert_repo.list_alerts)] == \
            [("crosses", "triggered"), ("below", "active")]
    finally:
        store2.close()


# Reported cases (issue 12): bad ticks, late ticks, edits.

def test_inf_zero_and_negative_ticks_fire_nothing() -> None:
    ev = AlertEvaluator()
    ev.set_alerts([_alert(1, "above", 100.0), _alert(2, "below", 50.0), _alert(3, "crosses", 75.0)])
    ev.on_price("SPY", 70.0)
    for bad in (math.inf, -math.inf, 0.0, -5.0, math.nan):
        assert ev.on_price("SPY", bad) == []
    assert [a.id for a in ev.on_price("SPY", 76.0)] == [3]  # the last good price (70) is kept


def test_a_crossing_across_a_dropped_tick_is_not_lost() -> None:
    ev = AlertEvaluator()
    ev.set_alerts([_alert(1, "crosses", 100.0)])
    assert ev.on_price("SPY", 99.0, 1) == []
    assert ev.on_price("SPY", math.nan, 2) == []
    assert [a.id for a in ev.on_price("SPY", 101.0, 3)] == [1]


def test_a_late_out_of_order_tick_is_ignored() -> None:
    ev = AlertEvaluator()
    ev.set_alerts([_alert(1, "crosses", 100.0, repeat=True)])
    fired = [len(ev.on_price("SPY", p, t)) for p, t in ((99.0, 10), (101.0, 12), (99.0, 11), (101.0, 13))]
    assert fired == [0, 1, 0, 0]  # the late 99.0 (t=11) neither re-arms nor sets up a second fire
    assert len(ev.on_price("SPY", 101.2, 13)) == 0  # same second: still in order


def test_editing_a_fired_repeating_alert_rearms_it() -> None:
    ev = AlertEvaluator()
    ev.set_alerts([_alert(1, "crosses", 100.0, repeat=True), _alert(2, "above", 90.0, repeat=True)])
    ev.on_price("SPY", 89.0)
    assert {a.id for a in ev.on_price("SPY", 101.0)} == {1, 2}
    ev.set_alerts([_alert(1, "crosses", 100.0, repeat=True), _alert(2, "above", 90.0, repeat=True)])
    assert ev.on_price("SPY", 101.1) == []  # unchanged: still disarmed
    ev.set_alerts([_alert(1, "crosses", 102.0, repeat=True), _alert(2, "above", 90.0, repeat=True)])
    assert [a.id for a in ev.on_price("SPY", 102.5)] == [1]  # its first crossing at the new level


async def test_monitor_drops_late_ticks_and_rearms_an_updated_alert(tmp_path: Path) -> None:
    store, bus, alerts, _monitor_service, supervisor = await _monitor(tmp_path)
    triggered: list[AlertTriggered] = []
    bus.subscribe(AlertTriggered, triggered.append)
    try:
        rep = await alerts.create("SPY", "crosses", 600.0, repeat=True)
        for price, ts in ((599.0, 10), (601.0, 12), (599.0, 11), (601.0, 13)):
            bus.publish(_quote("SPY", price, 1_790_000_000 + ts))
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.05)
        assert len(triggered) == 1  # not twice: the late 599.0 was ignored
        await alerts.update(rep.id, price=602.0)
        bus.publish(_quote("SPY", 602.5, 1_790_000_014))
        await asyncio.sleep(0.1)
        assert len(triggered) == 2 and triggered[1].trigger.price == 602.5
    finally:
        await supervisor.stop()
        store.close()


def test_a_rewind_is_a_new_timeline_not_a_late_tick() -> None:
    ev = AlertEvaluator()
    ev.set_alerts([_alert(1, "crosses", 100.0, repeat=True)])
    start = 1_790_000_000
    assert ev.on_price("SPY", 99.0, start) == []
    assert ev.on_price("SPY", 99.5, start - 3600) == []  # a replay sought back an hour: taken
    assert [a.id for a in ev.on_price("SPY", 100.5, start - 3599)] == [1]  # ...and evaluated from there
    assert ev.on_price("SPY", 101.0, start - 4 * 3600) == []  # back again: no crossing across the jump


def test_a_provider_switch_forgets_the_old_feeds_prices() -> None:
    """A replay's last price and the live feed's first must not make a crossing."""
    evaluator = AlertEvaluator()
    evaluator.set_alerts([_alert(1, "crosses", 600.0)])
    assert evaluator.on_price("SPY", 590.0, 1.0) == []
    evaluator.forget_prices()
    assert evaluator.on_price("SPY", 610.0, 2.0) == []  # no previous price: no crossing yet
    assert [a.id for a in evaluator.on_price("SPY", 599.0, 3.0)] == [1]


def test_an_alert_is_created_at_the_market_clocks_time(tmp_path) -> None:
    import asyncio
    from datetime import UTC, datetime

    from app.core.alerts import AlertsService
    from app.core.bus import EventBus
    from data.store.database import Store

    market_now = datetime(2026, 3, 13, 14, 38, tzinfo=UTC)  # a simulated moment, not the PC's

    async def scenario() -> datetime:
        store = await asyncio.to_thread(Store.open, tmp_path)
        try:
            alert = await AlertsService(store, EventBus(), lambda: market_now).create("SPY", "above", 600.0)
            return alert.created_at
        finally:
            store.close()

    created = asyncio.run(scenario())
    assert created.replace(tzinfo=UTC) == market_now
