"""The Massive stream against a hostile fake Massive on loopback (tests/data/fault_server.py).

Each run is a simulated session of a few minutes for several symbols on a fast market clock; the
consumer counts every minute bar it got. After recovery: every minute exactly once, the live
stream never paused for REST, and "degraded" was shown while REST refused. The figures are
printed (``pytest -s``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import pytest

from data.market_calendar import MarketCalendar
from data.providers.massive.client import MassiveClient
from data.providers.massive.provider import MassiveProvider
from data.providers.massive.stream import MassiveStream
from tests.data.fault_server import FakeMassive, Figures, consume

KEY = "fault-key-123456"
EIGHT = ("SPY", "QQQ", "IWM", "DIA", "AAPL", "MSFT", "NVDA", "TSLA")
LIVE_PAUSE_MAX = 0.5  # s; live events come every 0.05 s


class _SlowPcClock:
    """The PC clock two market minutes behind the market (the provider's wall clock reads it)."""

    speed, simulated, paused = 1.0, False, False

    def __init__(self, fake: FakeMassive) -> None:
        self._fake = fake

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._fake.market_now() - 120, UTC)


def _stream(fake: FakeMassive, slow_pc_clock: bool = False, **overrides) -> MassiveStream:
    scale = fake.minute_s / 60  # real seconds per market second: retries and the budget shrink alike
    client = MassiveClient(KEY, base_url="https://fake.massive", transport=fake.transport(), backoff=0.5 * scale,
                           rate_limit_backoff=12 * scale, requests_per_minute=fake.budget, minute_s=fake.minute_s)
    provider = MassiveProvider(MarketCalendar(), KEY, client=client)
    if slow_pc_clock:
        provider._clock = _SlowPcClock(fake)
    options = {"reconnect_initial": 0.05, "reconnect_max": 0.4, "healthy_after": 0.5, "repair_interval": 0.1,
               "login_timeout": 0.3, "silent_timeout": 0.4, "open_timeout": 2.0} | overrides
    stream = MassiveStream(KEY, url=fake.url.format(cluster="stocks"), backfill=provider.backfill_minutes,
                           rate_limited=lambda: client.rate_limited, **options)
    stream.subscribe(list(fake.symbols))
    return stream


async def _run(fake: FakeMassive, name: str, timeout: float = 30.0, slow_pc_clock: bool = False,
               **overrides) -> Figures:
    async with fake.running():
        figures = await consume(_stream(fake, slow_pc_clock, **overrides), fake, timeout)
    print("\n" + figures.line(name) + f"; REST requests {fake.rest_requests}, refused by storm "
          f"{fake.storm_refusals}, over budget {fake.budget_refusals}; connections {len(fake.connections)}")
    return figures


def _assert_whole(figures: Figures) -> None:
    assert (figures.missing, figures.duplicate) == (0, 0)
    assert figures.longest_pause < LIVE_PAUSE_MAX


def _shown(figures: Figures, state: str, words: str = "") -> bool:
    return any(s.state == state and words in s.message for s in figures.states)


@pytest.mark.slow
async def test_drops_with_rest_lagging_on_a_free_tier_budget_lose_no_minute() -> None:
    # REST 1.6 market minutes behind the stream; 8 symbols on 5 requests a minute; 4 drops mid-batch
    fake = FakeMassive(symbols=EIGHT, minutes=24, drop_minutes=frozenset({3, 8, 13, 18}), rest_lag=0.4, budget=5)
    figures = await _run(fake, "drops + REST lag + free-tier budget, 8 symbols")
    _assert_whole(figures)
    assert fake.budget_refusals == 0  # the client paced itself inside the budget
    assert _shown(figures, "backfilling", "missed minute") or _shown(figures, "degraded", "pending")
    assert figures.states[-1].state == "connected"


async def test_a_drop_with_rest_lagging_is_repaired() -> None:
    fake = FakeMassive(minutes=8, drop_minutes=frozenset({3}), rest_lag=0.3)
    _assert_whole(await _run(fake, "one drop + REST lag, 4 symbols", timeout=15))


async def test_a_pc_clock_two_minutes_slow_loses_no_minute() -> None:
    # "closed" is the market's clock (the stream's own event times), never the PC's
    fake = FakeMassive(minutes=10, drop_minutes=frozenset({4, 7}))
    _assert_whole(await _run(fake, "PC clock 2 min slow, 2 drops", timeout=15, slow_pc_clock=True))


@pytest.mark.slow
@pytest.mark.parametrize("retry_after", [None, "0.05"])
async def test_429_storm_shows_degraded_and_recovers(retry_after) -> None:
    fake = FakeMassive(minutes=20, drop_minutes=frozenset({4, 9}), storm=(0.9, 3.5), retry_after=retry_after)
    figures = await _run(fake, f"429 storm, Retry-After {retry_after}")
    _assert_whole(figures)
    assert fake.storm_refusals > 0 and _shown(figures, "degraded", "rate-limited")
    assert figures.states[-1].state == "connected"


@pytest.mark.slow
async def test_503_storm_shows_the_pending_minutes_and_recovers() -> None:
    fake = FakeMassive(minutes=16, drop_minutes=frozenset({4}), storm=(0.9, 2.8), storm_status=503)
    figures = await _run(fake, "503 storm")
    _assert_whole(figures)
    assert fake.storm_refusals > 0 and _shown(figures, "degraded", "pending")


async def test_a_login_that_never_answers_times_out_and_reconnects() -> None:
    fake = FakeMassive(minutes=8, drop_minutes=frozenset({2}), mute_logins=2)
    figures = await _run(fake, "a drop, then the login never answered twice", timeout=15)
    assert (figures.missing, figures.duplicate) == (0, 0)
    assert len(fake.connections) >= 4 and _shown(figures, "reconnecting")


async def test_a_silent_socket_times_out_and_the_minutes_it_hid_are_fetched() -> None:
    fake = FakeMassive(minutes=8, silent_after=0.6)
    figures = await _run(fake, "silent socket", timeout=15)
    assert (figures.missing, figures.duplicate) == (0, 0)
    assert len(fake.connections) >= 2 and _shown(figures, "reconnecting")


async def test_backoff_grows_across_accept_then_drop_cycles() -> None:
    fake = FakeMassive(minutes=16, drop_after_login=5)
    # minutes before the first good login are history (the consumer's seeding), not the stream's
    figures = await _run(fake, "accepted then dropped 5 times", timeout=3.0, healthy_after=5.0, reconnect_max=5.0)
    gaps = [b - a for a, b in pairwise(fake.connections)]
    assert len(gaps) == 5 and all(later > earlier * 1.2 for earlier, later in pairwise(gaps))  # 0.05 … 0.8 s
    assert figures.states[-1].state == "connected" and figures.missing < figures.expected


async def test_backoff_starts_afresh_after_a_connection_that_stayed_healthy() -> None:
    fake = FakeMassive(minutes=10, drop_minutes=frozenset({3, 7}))
    figures = await _run(fake, "2 drops after healthy connections", timeout=15, healthy_after=0.3, reconnect_max=5.0,
                         reconnect_initial=0.2)
    waits = [back - drop for drop, back in zip(fake.drops, fake.connections[1:], strict=True)]
    assert len(waits) == 2 and all(w < 0.3 for w in waits)  # the first step (0.2 s ± 20 %) each time, not 0.4
    _assert_whole(figures)


@pytest.mark.slow
async def test_thirty_reconnects_with_rest_lagging_lose_none_of_1440_minutes() -> None:
    # the run (30 reconnects, REST a little behind the stream lost 189 of 1,434 bars), scaled
    symbols = ("SPY", "QQQ", "IWM", "DIA", "AAPL", "MSFT")
    fake = FakeMassive(symbols=symbols, minutes=240, minute_s=0.1, drop_minutes=frozenset(range(5, 240, 8)),
                       rest_lag=0.3)
    figures = await _run(fake, "30 reconnects + REST lag, 6 symbols x 240 minutes", timeout=60)
    _assert_whole(figures)
    assert len(fake.drops) == 30
