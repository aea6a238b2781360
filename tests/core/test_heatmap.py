"""The heatmap service: the analytics grid of a snapshot, computed once per snapshot and size,
ahead of time only while the panel is on screen."""

from __future__ import annotations

import asyncio
from datetime import datetime

import numpy as np
import pytest

from analytics.heatmap import HeatmapMode, heatmap
from app.core.bus import EventBus
from app.core.events import OptionsUpdated
from app.core.heatmap import HeatmapService
from data.market_calendar import ET
from tests.core.options_snapshots import demo_snapshot

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=ET)


@pytest.fixture(scope="module")
def spx(calendar):
    return demo_snapshot(calendar, "SPX", NOON)


async def test_grids_equal_analytics_and_are_computed_once(spx) -> None:
    latest = {"snap": None}
    service = HeatmapService(EventBus(), lambda: latest["snap"])
    assert await service.heatmap("Volume") is None  # no chain yet
    latest["snap"] = spx
    view = await service.heatmap("GEX", 5, 40)
    expected = heatmap(spx.chain, spx.spot, HeatmapMode.GEX, gamma=spx.greeks.gamma, iv=spx.greeks.iv,
                       n_expiries=5, n_strikes=40)
    assert view.snapshot is spx and view.grid.mode is HeatmapMode.GEX and view.grid.values.shape == (5, 40)
    np.testing.assert_array_equal(view.grid.values, expected.values)
    assert view.grid.expiries == expected.expiries and np.array_equal(view.grid.rows, expected.rows)
    assert await service.heatmap(HeatmapMode.GEX, 5, 40, snapshot=spx) is view  # cached: same record
    both = await asyncio.gather(service.heatmap("IV", 3, 20), service.heatmap("IV", 3, 20))
    assert both[0] is both[1] and both[0].grid.values.shape == (3, 20)


async def test_a_new_snapshot_is_gridded_afresh(calendar, spx) -> None:
    later = demo_snapshot(calendar, "SPX", datetime(2026, 11, 25, 13, 0, tzinfo=ET))
    service = HeatmapService(EventBus(), lambda: later)
    old = await service.heatmap("Volume", snapshot=spx)
    new = await service.heatmap("Volume")
    assert old.snapshot is spx and new.snapshot is later and new is not old


async def test_the_grid_last_asked_for_is_started_as_a_snapshot_is_published(calendar, spx) -> None:
    bus = EventBus()
    service = HeatmapService(bus, lambda: None)
    service.set_shown(True)
    bus.publish(OptionsUpdated(spx))  # nothing asked yet: nothing to grid
    assert service.ready("GEX", 5, 40, spx) is None
    await service.heatmap("GEX", 5, 40, snapshot=spx)
    later = demo_snapshot(calendar, "SPX", datetime(2026, 11, 25, 12, 30, tzinfo=ET))
    bus.publish(OptionsUpdated(later))
    for _ in range(500):  # the worker grids it without anyone awaiting (bounded: ~5 s)
        if service.ready("GEX", 5, 40, later) is not None:
            break
        await asyncio.sleep(0.01)
    view = service.ready("GEX", 5, 40, later)
    assert view is not None and view.snapshot is later and view.grid.mode is HeatmapMode.GEX
    assert await service.heatmap("GEX", 5, 40, snapshot=later) is view


async def _settled() -> None:
    for _ in range(20):  # a few loop turns: a started grid would be computing (and usually done) by now
        await asyncio.sleep(0.01)


async def test_a_hidden_heatmap_is_not_gridded_ahead_and_a_closed_service_hears_nothing(calendar, spx) -> None:
    bus = EventBus()
    service = HeatmapService(bus, lambda: None)
    assert service.ready("GEX", 5, 40, spx) is None  # asked for (the panel's size) before it is shown
    later = demo_snapshot(calendar, "SPX", datetime(2026, 11, 25, 12, 30, tzinfo=ET))
    bus.publish(OptionsUpdated(later))  # the panel never said it is on screen
    await _settled()
    assert service.ready("GEX", 5, 40, later) is None and not service._grids.has_thread_work()
    service.set_shown(True)
    service.set_shown(False)  # a background tab again
    bus.publish(OptionsUpdated(spx))
    await _settled()
    assert service.ready("GEX", 5, 40, spx) is None and not service._grids.has_thread_work()
    service.set_shown(True)
    service.close()
    bus.publish(OptionsUpdated(later))
    assert not service._grids.has_thread_work() and not bus._handlers[OptionsUpdated]
