"""A replayed real session drives the alert monitor and the chart together (moved from tests/core: it needs Qt)."""

from __future__ import annotations

import asyncio
import csv
import itertools
from datetime import datetime
from pathlib import Path

import numpy as np

from app.core.events import AlertTriggered
from data.market_calendar import ET
from tests.conftest import shared_path
from tests.core.test_alerts import _monitor, _quote


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
    chart.flush_live()
    assert chart.bar_count == len(ts)
    assert len(fired) == 1  # one-shot: the rest of the session's crossings do not fire
    assert int(fired[0].trigger.triggered_at.timestamp()) == expected
    bar = int(np.searchsorted(ts, expected, side="right") - 1)
    assert chart.index_of_time(int(fired[0].trigger.triggered_at.timestamp())) == bar
    chart.add_marker(bar, level, "alert")
    x, y = chart.markers.scatter.getData()
    assert list(x) == [bar] and list(y) == [level] and chart.markers.markers[0].ts == ts[bar]
    chart.deleteLater()
    assert l[bar] <= level <= h[bar] or min(o[bar], c[bar - 1]) <= level <= max(o[bar], c[bar - 1])
