"""Market state (app.core.market_state): live bars per symbol/timeframe and BarClosed, by bar times."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import numpy as np

from app.core.bus import EventBus
from app.core.events import BarClosed, BarUpdated
from app.core.health import HealthRegistry
from app.core.market_data import MarketDataService
from app.core.market_state import MarketStateService
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
        bus.publish(BarUpdated(_minute(OPEN + 120, 50, True)))  # history: ignored, nothing re-reported
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
    truth = provider.bars_at("SPY", Timeframe.M5, start - timedelta(days=4), None, False, provider.clock.now())
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
