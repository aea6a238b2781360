"""The detector runner on real minutes fed one close at a time: only fresh detections, each once,
stored with the detector's hit rate, the best auto-tracked (once per symbol per 5 minutes)."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from analytics.detectors.registry import run_all
from app.core.bus import EventBus
from app.core.events import BarClosed, NotificationPosted, SetupDetected
from app.core.health import HealthRegistry
from app.core.notifications import NotificationService
from app.core.setups.detection_input import session_window
from app.core.setups.detector_runner import AUTO_TRACK_EVERY, DEDUPE_S, DetectorRunnerService
from app.core.setups.hit_rates import HitRateBook
from app.core.setups.tracker import SetupTrackerService
from app.core.supervisor import Supervisor
from data.market_calendar import MarketCalendar
from data.models import Bar, Timeframe
from data.providers.errors import ProviderError
from data.store import setups as repo
from data.store.database import Store
from tests.conftest import SHARED

MINUTES = SHARED / "data" / "bars_intraday" / "consolidated_rth_1min_2026"
needs_minutes = pytest.mark.skipif(not MINUTES.exists(),
                                   reason="../shared/data/bars_intraday not present (plain clone)")


class Feed:
    """The market state's view of one symbol, cut at ``n`` bars, and a clock at that bar's close."""

    def __init__(self, bars) -> None:
        self.full, self.n = bars, 0

    def bars(self, symbol: str, timeframe: Timeframe):
        return self.full.slice(0, self.n)

    def now(self) -> datetime:
        return datetime.fromtimestamp(int(self.full.ts[self.n - 1]) + 60, UTC)

    async def get_bars(self, *_args, **_kwargs):
        raise ProviderError("no history in this test")


async def _runner(tmp_path: Path, feed: Feed, prefs: dict):
    store = await asyncio.to_thread(Store.open, tmp_path)
    bus, calendar = EventBus(), MarketCalendar()
    notifications = NotificationService(store, bus)
    tracker = SetupTrackerService(store, bus, calendar, notifications, feed.now)
    await tracker.prepare()
    provider = SimpleNamespace(clock=SimpleNamespace(now=feed.now), finest_timeframe=Timeframe.M1,
                               get_bars=feed.get_bars)
    runner = DetectorRunnerService(bus, store, calendar, feed, tracker, HitRateBook(lambda: provider, calendar),
                                   notifications, symbols=lambda: {"SPY"}, preferences=lambda: prefs,
                                   latest_options=lambda: None, now=feed.now)
    await runner.prepare()
    return store, bus, tracker, runner


def _spy():
    from data.providers.replay.recording import load_recording

    return load_recording(next(MINUTES.glob("SPY_1min_*.csv"))).bars


@needs_minutes
async def test_a_session_fed_minute_by_minute_finds_the_full_runs_detections_once(tmp_path: Path) -> None:
    bars = _spy()
    day_starts = [i for i in range(1, len(bars)) if bars.ts[i] - bars.ts[i - 1] > 3600]
    first, end = day_starts[1], day_starts[2]  # history: two sessions; fed: the third
    feed = Feed(bars)
    store, bus, tracker, runner = await _runner(tmp_path, feed, {"auto_track_setups": True,
                                                                 "auto_track_min_confidence": 50})
    seen: list[SetupDetected] = []
    bus.subscribe(SetupDetected, seen.append)
    try:
        feed.n = first
        assert await runner.detect(["SPY"]) == []  # the first look: history, not news
        for n in range(first + 1, end + 1):
            feed.n = n
            await runner.detect(["SPY"])
        window = session_window(bars.slice(0, end), MarketCalendar())
        fresh = [d for d in run_all(window) if d.time > int(bars.ts[first - 1]) + 60]
        published = [(e.detection.detector, e.detection.direction, int(e.detection.decided_at.timestamp()))
                     for e in seen]
        assert len(published) == len(set(published)) and published
        expected = {(d.detector, d.direction, d.time) for d in fresh}
        assert set(published) <= expected
        for d in fresh:  # every detection left out was a repeat within the de-dup window
            if (d.detector, d.direction, d.time) not in published:
                assert any(k[:2] == (d.detector, d.direction) and 0 < d.time - k[2] < DEDUPE_S for k in published)
        stored = await store.run(lambda s: repo.recent_detections(s, symbol="SPY"))
        assert len(stored) == len(published)
        auto = [s for s in tracker.setups if s.source == "auto"]
        assert auto and all(s.detection_id is not None for s in auto)
        times = sorted(s.created_at for s in auto)
        assert all(b - a >= AUTO_TRACK_EVERY for a, b in itertools.pairwise(times))
        tracked_ids = {e.detection.id for e in seen if e.tracked}
        assert tracked_ids == {s.detection_id for s in auto}
        assert all(next(d for d in stored if d.id == i).confidence >= 0.5 for i in tracked_ids)
    finally:
        runner.close()
        store.close()


@needs_minutes
async def test_closed_minutes_on_the_bus_run_the_detectors_and_auto_track_is_a_preference(tmp_path: Path) -> None:
    bars = _spy()
    feed = Feed(bars)
    store, bus, tracker, runner = await _runner(tmp_path, feed, {"auto_track_setups": False})
    notes: list[NotificationPosted] = []
    bus.subscribe(NotificationPosted, notes.append)
    supervisor = Supervisor(HealthRegistry())
    supervisor.start(runner)
    while supervisor.health.get("detectors").state.value != "running":
        await asyncio.sleep(0.01)
    try:
        for n in (800, 1200):
            feed.n = n
            bar = Bar("SPY", Timeframe.M1, int(bars.ts[n - 1]), 1, 1, 1, 1, 1, closed=True)
            bus.publish(BarClosed("SPY", Timeframe.M1, bar))
            bus.publish(BarClosed("SPY", Timeframe.M5, bar))  # only the minute runs the detectors
            for _ in range(200):
                await asyncio.sleep(0.01)
                if runner.runs >= (1 if n == 800 else 2):
                    break
        assert runner.runs == 2 and runner.feed  # the second run saw 400 new minutes
        assert tracker.setups == () and notes == []  # auto-track off: nothing tracked, nothing posted
        assert supervisor.health.get("detectors").state.value == "running"
    finally:
        await supervisor.stop()
        runner.close()
        store.close()
