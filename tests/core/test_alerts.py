"""Alerts: store, tick-by-tick evaluation, the monitor service, notifications, restarts."""

from __future__ import annotations

import asyncio
import csv
import itertools
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from app.core.alerts import AlertEvaluator, AlertMonitorService, AlertsService
from app.core.bus import EventBus
from app.core.events import AlertTriggered, NotificationPosted, QuoteUpdated
from app.core.health import HealthRegistry
from app.core.notifications import NotificationService
from app.core.supervisor import Supervisor
from data.market_calendar import ET
from data.models import Quote
from data.store import alerts as alert_repo
from data.store.database import Store
from data.store.records import Alert
from data.symbols import SymbolError
from tests.conftest import shared_path


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
    alerts = AlertsService(store, bus)
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


def _real_session() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    path = shared_path("data", "bars_intraday", "consolidated_rth_1min_2026", "SPY_1min_20260122_20260306.csv")
    rows = [r for r in csv.DictReader(path.open()) if r["datetime"].startswith("2026-02-03")]
    ts = np.array([int(datetime.fromisoformat(r["datetime"]).replace(tzinfo=ET).timestamp()) for r in rows])
    o, h, l, c = (np.array([float(r[k]) for r in rows]) for k in ("open", "high", "low", "close"))
    return ts, o, h, l, c


def _ticks(ts, o, h, l, c):
    """Each bar as four prices in a plausible order: open, the extreme on the way, close."""
    for i in range(len(ts)):
        path = (o[i], l[i], h[i], c[i]) if c[i] >= o[i] else (o[i], h[i], l[i], c[i])
        for k, price in enumerate(path):
            yield int(ts[i]) + 15 * k, float(price)


async def test_replayed_real_session_fires_at_the_right_bar(tmp_path: Path, qapp) -> None:
    """Replay a real SPY session tick by tick: an alert at a level the session crossed in the
    afternoon fires exactly at the first tick pair that straddles it (found here directly)."""
    ts, o, h, l, c = _real_session()
    level = round(float(np.median(c[200:])), 2)
    ticks = list(_ticks(ts, o, h, l, c))
    expected = next(t for (_, p0), (t, p1) in itertools.pairwise(ticks)
                    if (p0 < level <= p1) or (p0 > level >= p1))
    store, bus, alerts, _monitor_service, supervisor = await _monitor(tmp_path)
    fired: list[AlertTriggered] = []
    bus.subscribe(AlertTriggered, fired.append)
    try:
        await alerts.create("SPY", "crosses", level)
        for t, price in ticks:
            bus.publish(_quote("SPY", price, t))
            await asyncio.sleep(0)
        await asyncio.sleep(0.2)
    finally:
        await supervisor.stop()
        store.close()
    # the same replay drives the chart: history up to the open, then live minute bars; the
    # trigger marker lands on the bar that crossed
    from data.models import Bar, Bars, Timeframe
    from widgets.chart.chart_panel import ChartPanel

    chart = ChartPanel()
    v = np.ones(len(ts))
    chart.set_bars("SPY", Bars("SPY", Timeframe.M1, ts[:1], o[:1], h[:1], l[:1], c[:1], v[:1]), None)
    for i in range(1, len(ts)):
        chart.apply_bar(Bar("SPY", Timeframe.M1, int(ts[i]), o[i], h[i], l[i], c[i], 1.0, True))
    chart._flush_live()
    assert chart.bar_count == len(ts)
    assert len(fired) == 1  # one-shot: the rest of the session's crossings do not fire
    assert int(fired[0].trigger.triggered_at.timestamp()) == expected
    bar = int(np.searchsorted(ts, expected, side="right") - 1)
    assert chart.index_of_time(int(fired[0].trigger.triggered_at.timestamp())) == bar
    chart.add_marker(bar, level, "alert")
    chart.deleteLater()
    assert l[bar] <= level <= h[bar] or min(o[bar], c[bar - 1]) <= level <= max(o[bar], c[bar - 1])
