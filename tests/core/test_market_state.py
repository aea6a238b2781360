"""Market state (app.core.market_state): live bars per symbol/timeframe and BarClosed, by bar times."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import numpy as np
import pytest

from app.core import market_state
from app.core.bus import EventBus
from app.core.events import BarClosed, BarUpdated
from app.core.health import HealthRegistry
from app.core.market_data import MarketDataService
from app.core.market_state import DEFAULT_HISTORY, MarketStateService
from app.core.supervisor import ServiceContext
from data.bar_aggregation import aggregate
from data.models import Bar, Bars, Timeframe
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock

OPEN = int(datetime(2026, 1, 5, 14, 30, tzinfo=UTC).timestamp())  # Monday 09:30 ET
HALF_DAY_OPEN = int(datetime(2026, 11, 27, 14, 30, tzinfo=UTC).timestamp())  # the Friday after Thanksgiving


@contextlib.asynccontextmanager
async def _running(*services: object) -> AsyncIterator[None]:
    health = HealthRegistry()
    tasks = [asyncio.create_task(s.run(ServiceContext(s.name, health))) for s in services]  # type: ignore[attr-defined]
    await asyncio.sleep(0)  # each has subscribed
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _hand_fed(calendar, timeframes=(Timeframe.M1, Timeframe.M5)) -> tuple[EventBus, MarketStateService, list]:
    bus = EventBus()
    provider = SimpleNamespace(clock=SimClock(datetime.fromtimestamp(OPEN, UTC)))  # unused: no seeding
    state = MarketStateService(bus, calendar, provider, lambda: {"SPY"}, timeframes, history=None)  # type: ignore[arg-type]
    closed: list[BarClosed] = []
    bus.subscribe(BarClosed, closed.append)
    return bus, state, closed


def _minute(ts: int, price: float, closed: bool, symbol: str = "SPY", volume: float = 10.0) -> Bar:
    return Bar(symbol, Timeframe.M1, ts, price, price + 0.5, price - 0.5, price + 0.1, volume, closed)


async def test_a_bar_closes_with_its_closing_minute_or_a_minute_of_the_next_bucket(calendar) -> None:
    bus, state, closed = _hand_fed(calendar)
    async with _running(state):
        for i in range(5):  # 09:30-09:34: each minute forming, then closed
            bus.publish(BarUpdated(_minute(OPEN + 60 * i, 100 + i, False, volume=3.0)))
            bus.publish(BarUpdated(_minute(OPEN + 60 * i, 100 + i, True)))
        five = [e for e in closed if e.timeframe is Timeframe.M5]
        assert [e.bar.ts for e in closed if e.timeframe is Timeframe.M1] == [OPEN + 60 * i for i in range(5)]
        assert len(five) == 1 and five[0].bar.closed and five[0].symbol == "SPY"  # at 09:34's close
        b = five[0].bar
        assert (b.ts, b.open, b.high, b.low, b.close, b.volume) == (OPEN, 100, 104.5, 99.5, 104.1, 50.0)
        bus.publish(BarUpdated(_minute(OPEN + 300, 105, False)))  # 09:35 forming: nothing new closes
        bus.publish(BarUpdated(_minute(OPEN + 360, 106, True)))
        assert len([e for e in closed if e.timeframe is Timeframe.M5]) == 1
        bus.publish(BarUpdated(_minute(OPEN + 660, 111, False)))  # 09:41: 09:37-09:39 never came
        five = [e.bar for e in closed if e.timeframe is Timeframe.M5]
        assert [b.ts for b in five] == [OPEN, OPEN + 300] and five[1].close == 106.1  # caught up
        assert [e.bar.ts for e in closed if e.timeframe is Timeframe.M1][-1] == OPEN + 360
        bus.publish(BarUpdated(_minute(OPEN + 120, 50, True)))  # history: revised in place, not re-reported
        bus.publish(BarUpdated(_minute(OPEN - 600, 90, True)))  # pre-market: not folded
        bus.publish(BarUpdated(_minute(OPEN + 720, 90, True, symbol="QQQ")))  # not carried
        assert len(closed) == 9 and state.symbols == {"SPY"}
        held = state.bars("SPY", Timeframe.M5)
        assert list(held.ts) == [OPEN, OPEN + 300, OPEN + 600] and held.high[0] == 104.5
        assert len(state.bars("QQQ", Timeframe.M5)) == 0


async def test_the_session_close_closes_a_bar_cut_short(calendar) -> None:
    """A half day ends at 13:00 ET: the 1h bar from 12:30 closes with the 12:59 minute."""
    bus, state, closed = _hand_fed(calendar, (Timeframe.H1, Timeframe.D1))
    async with _running(state):
        last = HALF_DAY_OPEN + 209 * 60  # 12:59 ET, the session's last minute
        for ts in (HALF_DAY_OPEN, last - 60, last):
            bus.publish(BarUpdated(_minute(ts, 100, True)))
        hours = [e.bar.ts for e in closed if e.timeframe is Timeframe.H1]
        assert hours == [HALF_DAY_OPEN, last - 29 * 60]  # 09:30 (caught up), then 12:30 at 12:59's close
        days = [e.bar for e in closed if e.timeframe is Timeframe.D1]
        assert len(days) == 1 and days[0].volume == 30.0


async def test_demo_stream_at_high_speed_closes_the_bars_the_provider_serves(calendar) -> None:
    start = datetime(2026, 1, 6, 15, 10, tzinfo=UTC)  # Tuesday 10:10 ET
    provider = DemoProvider(calendar, clock=SimClock(start, 600.0), tick_interval=0.05)
    bus = EventBus()
    market = MarketDataService(provider, bus, lambda: {"SPY"})
    state = MarketStateService(bus, calendar, provider, lambda: {"SPY"})
    closed: list[BarClosed] = []
    bus.subscribe(BarClosed, closed.append)
    async with _running(market, state):
        end = asyncio.get_running_loop().time() + 20
        while len([e for e in closed if e.timeframe is Timeframe.M5]) < 4:
            assert asyncio.get_running_loop().time() < end, "no 5-minute closes"
            await asyncio.sleep(0.05)
        held = state.bars("SPY", Timeframe.M5)
    truth = provider.bars_at("SPY", Timeframe.M5, start - DEFAULT_HISTORY - timedelta(days=1), None, False,
                             provider.clock.now())
    five = [e.bar for e in closed if e.timeframe is Timeframe.M5]
    assert five[0].ts >= int(start.timestamp()) - 300  # seeded history is not reported again
    assert all(b.ts == a.ts + 300 for a, b in itertools.pairwise(five))  # each once, in order
    for bar in five:
        i = int(np.searchsorted(truth.ts, bar.ts))
        assert truth.ts[i] == bar.ts
        np.testing.assert_allclose([bar.open, bar.high, bar.low, bar.close, bar.volume],
                                   [truth.open[i], truth.high[i], truth.low[i], truth.close[i], truth.volume[i]])
    # the seeded history and the live bars are one series, equal to the provider's own aggregation
    seeded = truth.ts[truth.ts >= held.ts[0]][: len(held) - 1]
    np.testing.assert_array_equal(held.ts[:-1], seeded)
    k = int(np.searchsorted(truth.ts, held.ts[0]))
    np.testing.assert_allclose(held.close[:-1], truth.close[k: k + len(held) - 1])
    minutes = state.bars("SPY", Timeframe.M1)
    assert len(minutes) > 390 and _same(aggregate(minutes, Timeframe.M5).slice(0, len(held) - 1), held)


def _same(a: Bars, b: Bars) -> bool:
    return all(np.allclose(getattr(a, c), getattr(b, c)[: len(a)]) for c in ("ts", "open", "high", "low", "close"))


async def _until(condition, seconds: float = 5.0) -> None:
    end = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < end, "timed out"
        await asyncio.sleep(0.01)


async def test_a_quiet_closing_minute_closes_the_bar_on_the_providers_clock(calendar, monkeypatch) -> None:
    """09:34 never prints: the 09:30 5m bar closes once the provider's (paused) clock is past 09:35."""
    monkeypatch.setattr(market_state, "HEARTBEAT_S", 0.01)
    bus, state, closed = _hand_fed(calendar)
    clock = state._provider.clock
    clock.jump_to(datetime.fromtimestamp(OPEN + 270, UTC))
    clock.pause()  # 09:34:30
    async with _running(state):
        for i in range(4):  # 09:30-09:33 closed; 09:34 quiet
            bus.publish(BarUpdated(_minute(OPEN + 60 * i, 100 + i, True)))
        await asyncio.sleep(0.1)  # heartbeats with the clock before the close
        assert not [e for e in closed if e.timeframe is Timeframe.M5] and len(closed) == 4
        clock.jump_to(datetime.fromtimestamp(OPEN + 300, UTC))  # 09:35:00, still paused
        await _until(lambda: any(e.timeframe is Timeframe.M5 for e in closed))
        await asyncio.sleep(0.1)  # more heartbeats: nothing reported again
        five = [e.bar for e in closed if e.timeframe is Timeframe.M5]
        assert len(five) == 1 and five[0].closed and (five[0].ts, five[0].close, five[0].volume) == (OPEN, 103.1, 40)
        assert len(closed) == 5
        bus.publish(BarUpdated(_minute(OPEN + 240, 104, True)))  # the late print, then the next bucket
        bus.publish(BarUpdated(_minute(OPEN + 300, 105, True)))
        five = [e.bar for e in closed if e.timeframe is Timeframe.M5]
        assert [b.ts for b in five] == [OPEN] and len(closed) == 7  # only the 1m bars of 09:34 and 09:35


async def test_the_session_close_closes_the_days_last_bar_without_a_closing_print(calendar, monkeypatch) -> None:
    monkeypatch.setattr(market_state, "HEARTBEAT_S", 0.01)
    bus, state, closed = _hand_fed(calendar, (Timeframe.H1, Timeframe.D1))
    close = HALF_DAY_OPEN + 210 * 60  # 13:00 ET on a half day
    state._provider.clock.jump_to(datetime.fromtimestamp(close - 1, UTC))
    state._provider.clock.pause()
    async with _running(state):
        for ts in (HALF_DAY_OPEN, close - 600):  # 12:50 the last print
            bus.publish(BarUpdated(_minute(ts, 100, True)))
        await asyncio.sleep(0.1)
        assert [e.bar.ts for e in closed] == [HALF_DAY_OPEN]  # the 09:30 hour, caught up
        state._provider.clock.jump_to(datetime.fromtimestamp(close, UTC))
        await _until(lambda: len(closed) == 3)
        await asyncio.sleep(0.1)
    assert [(e.timeframe, e.bar.ts) for e in closed[1:-1]] == [(Timeframe.H1, close - 30 * 60)]
    assert closed[-1].timeframe is Timeframe.D1 and closed[-1].bar.volume == 20.0


class _SlowHistory:
    """A provider whose history waits for ``release``; the first ``failures`` fetches fail."""

    finest_timeframe = Timeframe.M1

    def __init__(self, failures: int = 0) -> None:
        self.clock = SimClock(datetime.fromtimestamp(OPEN + 600, UTC))
        self.clock.pause()
        self.release = asyncio.Event()
        self.calls = 0
        self._failures = failures

    async def get_bars(self, symbol, timeframe, start, end, extended=False) -> Bars:
        self.calls += 1
        await self.release.wait()
        if self.calls <= self._failures:
            raise RuntimeError("not a ProviderError")
        return Bars.empty(symbol, Timeframe.M1)


async def test_stream_bars_waiting_for_history_are_capped_and_dropped_when_it_fails(calendar, monkeypatch) -> None:
    monkeypatch.setattr(market_state, "MAX_WAITING", 3)
    bus, provider = EventBus(), _SlowHistory(failures=1)
    state = MarketStateService(bus, calendar, provider, lambda: {"SPY"}, (Timeframe.M1,))  # type: ignore[arg-type]
    health = HealthRegistry()
    task = asyncio.create_task(state.run(ServiceContext(state.name, health)))
    await _until(lambda: provider.calls == 1)
    for i in range(10):
        bus.publish(BarUpdated(_minute(OPEN + 60 * i, 100 + i, True)))
    assert len(state._seeding["SPY"]) == 3  # the newest three only
    provider.release.set()
    with pytest.raises(RuntimeError):
        await task
    assert len(state._seeding["SPY"]) == 0  # dropped: the restarted run fetches afresh
    async with _running(state):
        await _until(lambda: "SPY" not in state._seeding)
        for i in range(10, 15):
            bus.publish(BarUpdated(_minute(OPEN + 60 * i, 100 + i, True)))
        assert list(state.bars("SPY", Timeframe.M1).ts) == [OPEN + 60 * i for i in range(10, 15)]
    assert provider.calls == 2


async def test_seeding_beats_after_each_symbols_history(calendar) -> None:
    beats: list[str] = []
    provider = _SlowHistory()
    provider.release.set()
    state = MarketStateService(EventBus(), calendar, provider, lambda: {"SPY", "QQQ", "IWM"})  # type: ignore[arg-type]
    ctx = SimpleNamespace(heartbeat=lambda: beats.append("beat"))
    state._follow_symbols()
    await state._seed_waiting(ctx)  # type: ignore[arg-type]
    assert provider.calls == 3 and len(beats) == 3 and not state._seeding


async def test_minutes_the_stream_repairs_late_complete_their_bars_without_a_second_report(calendar) -> None:
    """Gap repair delivers 09:31-09:32 after 09:35 came: the 5-minute bar of 09:30 is completed in
    place for the detectors (bars()), and BarClosed is not published again."""
    bus, state, closed = _hand_fed(calendar)
    async with _running(state):
        for i in (0, 3, 4, 5):
            bus.publish(BarUpdated(_minute(OPEN + 60 * i, 100 + i, True)))
        reported = len(closed)
        for i in (1, 2):  # the repair's minutes, after newer live ones
            bus.publish(BarUpdated(_minute(OPEN + 60 * i, 100 + i, True)))
        assert len(closed) == reported
        five = state.bars("SPY", Timeframe.M5)
        assert five.ts[0] == OPEN and five.volume[0] == 50.0 and five.high[0] == 104.5  # all five minutes
        ones = state.bars("SPY", Timeframe.M1)
        assert list(ones.ts) == [OPEN + 60 * i for i in range(6)]  # the missing minutes inserted in order
