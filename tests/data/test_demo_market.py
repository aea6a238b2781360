"""The simulated market: deterministic, realistic in shape, consistent across APIs."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from data.bar_aggregation import aggregate, et_day_and_minute
from data.market_calendar import ET
from data.models import Bar, Quote, Timeframe
from data.providers.base import MarketDataProvider
from data.providers.demo.provider import DemoProvider, demo_start
from data.providers.errors import ProviderError
from data.providers.sim_clock import SimClock, saved_time
from tests.conftest import utc
from tests.fake_today import a_session_after_the_wall_clock

NOW = utc(2026, 11, 25, 17, 0, 30)  # Wednesday 12:00:30 ET, regular session


class FakeWall:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def make(calendar, seed: int = 7, at=NOW, speed: float = 1.0, wall=None) -> DemoProvider:
    return DemoProvider(calendar, seed=seed, clock=SimClock(at, speed, wall or FakeWall()), tick_interval=0.01)


def test_it_is_a_market_data_provider(calendar) -> None:
    assert isinstance(make(calendar), MarketDataProvider)


def test_same_seed_and_clock_give_identical_data(calendar) -> None:
    a = make(calendar).bars_at("AAPL", Timeframe.M1, None, None, True, NOW)
    b = make(calendar).bars_at("AAPL", Timeframe.M1, None, None, True, NOW)
    c = make(calendar, seed=8).bars_at("AAPL", Timeframe.M1, None, None, True, NOW)
    for col in ("ts", "open", "high", "low", "close", "volume"):
        np.testing.assert_array_equal(getattr(a, col), getattr(b, col))
    assert not np.array_equal(a.close, c.close)


def test_a_day_is_the_same_whatever_was_asked_before(calendar) -> None:
    fresh = make(calendar).market.session_bars("NVDA", date(2026, 6, 10))
    other = make(calendar)
    other.market.session_bars("NVDA", date(2026, 6, 9))
    again = other.market.session_bars("NVDA", date(2026, 6, 10))
    np.testing.assert_array_equal(fresh.close, again.close)


@pytest.mark.parametrize("symbol", ["SPX", "SPY", "AAPL", "F", "BRK.B"])
def test_ohlc_invariants_and_ticks(calendar, symbol: str) -> None:
    bars = make(calendar).bars_at(symbol, Timeframe.M1, NOW - timedelta(days=30), NOW, True, NOW)
    assert len(bars) > 5000
    assert np.all(bars.high >= np.maximum(bars.open, bars.close))
    assert np.all(bars.low <= np.minimum(bars.open, bars.close))
    assert np.all(bars.low > 0) and np.all(np.isfinite(bars.close))
    assert np.all(np.diff(bars.ts) > 0)
    assert np.allclose(bars.close[:-1] * 100, np.round(bars.close[:-1] * 100))  # whole cents


def test_price_levels_are_plausible_and_etfs_track_their_index(calendar) -> None:
    p = make(calendar)
    year = {s: p.bars_at(s, Timeframe.D1, NOW - timedelta(days=365), NOW, False, NOW) for s in ("SPX", "SPY", "AAPL")}
    # late-2026 levels (the universe's base prices: SPX 6800, AAPL 275), a year of ±16-26 % vol around them
    assert year["SPX"].close.min() > 5400 and year["SPX"].close.max() < 8200
    assert year["AAPL"].close.min() > 180 and year["AAPL"].close.max() < 380
    ratio = year["SPY"].close / year["SPX"].close
    assert np.all(np.abs(ratio - 0.1) < 0.0002)
    assert len(year["SPX"]) >= 248  # at least a year of sessions


def test_regular_sessions_volume_u_shape_and_index_volume(calendar) -> None:
    p = make(calendar)
    start, end = utc(2026, 9, 1), utc(2026, 11, 1)
    bars = p.bars_at("AAPL", Timeframe.M1, start, end, False, NOW)
    _day, minute = et_day_and_minute(bars.ts)
    assert minute.min() == 570 and minute.max() == 959  # 09:30 … 15:59 ET
    by_minute = np.bincount(minute - 570, weights=bars.volume) / np.bincount(minute - 570)
    first, midday, last = by_minute[:30].mean(), by_minute[150:240].mean(), by_minute[-30:].mean()
    assert first > 2 * midday and last > 1.5 * midday
    vol = np.abs(np.diff(np.log(bars.close)))
    early = vol[(minute[1:] >= 570) & (minute[1:] < 600)].mean()
    lunch = vol[(minute[1:] >= 720) & (minute[1:] < 810)].mean()
    assert early > 1.5 * lunch  # opening volatility
    spx = p.bars_at("SPX", Timeframe.M1, start, end, True, NOW)
    assert np.all(spx.volume == 0)
    assert et_day_and_minute(spx.ts)[1].min() == 570  # indices have no extended hours


def test_extended_hours_half_days_and_holidays(calendar) -> None:
    p = make(calendar)
    bars = p.bars_at("AAPL", Timeframe.M1, utc(2026, 11, 25, 5), utc(2026, 11, 28, 5), True, utc(2026, 12, 1))
    local = [datetime.fromtimestamp(int(t), ET) for t in bars.ts]
    days = sorted({d.date() for d in local})
    assert days == [date(2026, 11, 25), date(2026, 11, 27)]  # Thanksgiving has no bars
    friday = [d for d in local if d.date() == date(2026, 11, 27)]
    assert friday[0].strftime("%H:%M") == "04:00" and friday[-1].strftime("%H:%M") == "16:59"
    regular = p.bars_at("AAPL", Timeframe.M1, utc(2026, 11, 27, 5), utc(2026, 11, 28, 5), False, utc(2026, 12, 1))
    assert datetime.fromtimestamp(int(regular.ts[-1]), ET).strftime("%H:%M") == "12:59"  # half day


def test_day_types_vary(calendar) -> None:
    p = make(calendar)
    kinds = {p.market.day_plan("SPX", s.day).day_type
             for s in calendar.sessions_between(date(2026, 1, 1), date(2026, 6, 30))}
    assert kinds == {"normal", "trend_up", "trend_down", "range"}
    gaps = [abs(np.log(pl.open / pl.prev_close)) for pl in
            (p.market.day_plan("SPY", s.day) for s in calendar.sessions_between(date(2025, 1, 1), date(2026, 6, 30)))]
    assert max(gaps) > 4 * np.median(gaps)  # some real gap days


def test_history_is_cut_at_the_clock_with_a_forming_bar_matching_the_quote(calendar) -> None:
    p = make(calendar)
    bars = p.bars_at("SPY", Timeframe.M1, None, None, False, NOW)
    assert bars.ts[-1] == int(utc(2026, 11, 25, 17, 0).timestamp())  # the current minute, forming
    quote = p.quote_at("SPY", NOW)
    assert quote.last == bars.close[-1]
    full = p.market.session_bars("SPY", date(2026, 11, 25))
    i = int(np.searchsorted(full.ts, bars.ts[-1]))
    assert full.low[i] <= bars.low[-1] and bars.high[-1] <= full.high[i]
    start = NOW - timedelta(days=3)
    five = p.bars_at("SPY", Timeframe.M5, start, None, False, NOW)
    minutes = p.bars_at("SPY", Timeframe.M1, start, None, False, NOW)
    np.testing.assert_array_equal(five.close, aggregate(minutes, Timeframe.M5).close)
    assert five.close[-1] == quote.last


def test_quote_change_is_against_the_previous_regular_close(calendar) -> None:
    p = make(calendar)
    q = p.quote_at("AAPL", NOW)
    prev = p.bars_at("AAPL", Timeframe.D1, utc(2026, 11, 20), utc(2026, 11, 25, 5), False, NOW)
    assert q.prev_close == prev.close[-1]
    assert q.change_pct == pytest.approx(100 * (q.last / q.prev_close - 1))
    assert q.bid < q.last < q.ask


def test_demo_starts_live_when_open_and_on_the_last_session_when_closed(calendar) -> None:
    assert demo_start(calendar, NOW) == NOW
    assert demo_start(calendar, utc(2026, 11, 26, 16)) == utc(2026, 11, 25, 14, 30)  # Thanksgiving
    assert demo_start(calendar, utc(2026, 11, 25, 8)) == utc(2026, 11, 24, 14, 30)  # 03:00 ET
    assert demo_start(calendar, utc(2026, 12, 1, 9, 50)) == utc(2026, 11, 30, 14, 30)  # 04:50 ET pre-market
    assert demo_start(calendar, utc(2026, 11, 30, 22)) == utc(2026, 11, 30, 14, 30)  # 17:00 ET after hours


def test_the_clock_resumes_where_the_previous_run_left_it(calendar) -> None:
    """A relaunch used to restart the simulated day at 09:30, so alerts fired "at 09:38" by the
    previous run were in the future; it now continues from the saved moment when that is later."""
    saturday = utc(2026, 11, 28, 15)  # wall clock: the market is closed, the latest session is Friday's
    friday_open = utc(2026, 11, 27, 14, 30)
    assert demo_start(calendar, saturday) == friday_open  # a first run
    assert demo_start(calendar, saturday, utc(2026, 11, 27, 14, 38)) == utc(2026, 11, 27, 14, 38)
    assert demo_start(calendar, saturday, utc(2026, 11, 20, 15)) == friday_open  # older than now: live
    assert demo_start(calendar, NOW, utc(2026, 11, 25, 19, 0)) == utc(2026, 11, 25, 19, 0)  # sped ahead
    # stopped after the close (a half day, 17:00 ET): the next session's open, not a dead night at 1x
    assert demo_start(calendar, saturday, utc(2026, 11, 27, 22, 30)) == utc(2026, 11, 30, 14, 30)


def test_the_provider_saves_its_clock_and_the_next_one_resumes_from_it(calendar, tmp_path) -> None:
    path = tmp_path / "demo_clock.json"
    wall = FakeWall()
    start = a_session_after_the_wall_clock(calendar)  # a saved clock later than now: resumed
    first = DemoProvider(calendar, clock=SimClock(start, 60.0, wall), clock_file=path)
    wall.t += 8.0  # eight simulated minutes at 60x
    assert first.clock_save_due(5.0)
    asyncio.run(first.aclose())
    assert not first.clock_save_due(5.0)
    second = DemoProvider(calendar, clock_file=path)  # its clock from the file and the wall clock
    assert start + timedelta(minutes=8) <= second.clock.now() < start + timedelta(minutes=9)
    assert second.clock.speed == 1.0  # --speed and --seed keep their meaning: only the moment is resumed


def test_the_running_stream_saves_the_clock(calendar, tmp_path) -> None:
    """Saved while the market runs too, so a killed app resumes within seconds of where it was."""
    path = tmp_path / "demo_clock.json"

    async def run() -> None:
        p = DemoProvider(calendar, clock=SimClock(NOW, 1.0, FakeWall()), tick_interval=0.01, clock_file=path)
        stream = p.open_stream()
        stream.subscribe(["SPY"])
        async for _event in stream:
            break
        assert saved_time(path) == NOW
        await stream.aclose()

    asyncio.run(run())


def test_bad_symbols_give_provider_errors(calendar) -> None:
    p = make(calendar)
    with pytest.raises(ProviderError, match="cannot have: space"):
        asyncio.run(p.get_bars("NOT A SYMBOL", Timeframe.M1))


@pytest.mark.parametrize("call", [
    lambda p: p.get_bars("ZZZZ", Timeframe.M1), lambda p: p.get_quote("zzzz"),
    lambda p: p.get_expirations("ZZZZ"), lambda p: p.get_option_chain("ZZZZ"),
])
def test_a_ticker_outside_the_demo_universe_is_refused_clearly(calendar, call) -> None:
    """Made-up prices for made-up tickers (ZZZZ at $6.38, Ford at $184) misled: the demo lists a
    fixed universe and says which."""
    with pytest.raises(ProviderError, match=r"ZZZZ is not in the demo universe \(demo symbols: SPX, .*AAPL.*F,"):
        asyncio.run(call(make(calendar)))


def test_search_finds_names_and_only_demo_symbols(calendar) -> None:
    p = make(calendar)
    hits = asyncio.run(p.search_symbols("apple"))
    assert hits[0].symbol == "AAPL"
    assert asyncio.run(p.search_symbols("xyzw")) == []
    assert asyncio.run(p.search_symbols("brk/b"))[0].symbol == "BRK.B"


def test_the_stream_skips_a_symbol_outside_the_universe(calendar) -> None:
    stream = make(calendar).open_stream()
    stream.subscribe(["ZZZZ", "SPY"])  # a watchlist entry saved before the universe was fixed
    assert stream.symbols == ["SPY"]


def test_stream_delivers_every_minute_once_as_the_clock_advances(calendar) -> None:
    wall = FakeWall()
    p = make(calendar, speed=60.0, wall=wall)
    stream = p.open_stream()
    stream.subscribe(["SPY", "SPX"])
    closed: list[Bar] = []
    quotes: list[Quote] = []
    for _ in range(20):
        wall.t += 1.0  # one wall second = one simulated minute at 60x
        for event in stream.collect(stream.symbols, p.clock.now()):
            (closed if isinstance(event, Bar) and event.closed else quotes).append(event) \
                if isinstance(event, Quote) or event.closed else None
    spy = [b.ts for b in closed if b.symbol == "SPY"]
    assert len(spy) >= 19 and np.all(np.diff(spy) == 60)
    history = p.bars_at("SPY", Timeframe.M1, None, None, True, p.clock.now())
    by_ts = dict(zip(history.ts.tolist(), history.close.tolist(), strict=True))
    assert all(by_ts[b.ts] == b.close for b in closed if b.symbol == "SPY")
    assert {q.symbol for q in quotes} == {"SPY", "SPX"}


def test_accelerated_clock_skips_closed_time(calendar) -> None:
    async def run() -> datetime:
        p = make(calendar, at=utc(2026, 11, 26, 3), speed=100.0)  # Thanksgiving night
        stream = p.open_stream()
        stream.subscribe(["SPY"])
        async for _event in stream:
            break
        await stream.aclose()
        return p.clock.now()

    assert asyncio.run(run()) >= utc(2026, 11, 27, 9)  # Friday 04:00 ET pre-market


async def test_stream_stops_when_cancelled_just_as_a_subscription_wakes_it(calendar) -> None:
    """Cancelling the consumer on the very tick a wake-up fires must still end it (a swallowed
    cancellation would leave the stream polling after its service stopped)."""
    p = DemoProvider(calendar, seed=7, clock=SimClock(NOW, 1.0, FakeWall()), tick_interval=60.0)
    stream = p.open_stream()
    stream.subscribe(["SPY"])

    async def consume() -> None:
        async for _event in stream:
            pass

    task = asyncio.create_task(consume())
    while not stream.last_activity:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)  # now waiting for the next tick or wake-up
    stream.subscribe(["QQQ"])  # wakes the stream...
    await asyncio.sleep(0)  # ...its wait completes on this turn of the loop
    task.cancel()  # and the cancellation lands in the same instant
    await asyncio.wait([task], timeout=2.0)
    assert task.cancelled()
    await stream.aclose()


def _session_stats(calendar, symbol: str, n: int = 24) -> tuple[float, float, float]:
    """Medians over ``n`` sessions of range / (IV·S/√252), |close − open| / the 0DTE move priced
    at the open (IV over the session in ACT/365, as the 0DTE panel's "used so far") and |gap|."""
    from data.providers.demo.market_model import DemoMarket

    market = DemoMarket(calendar)
    iv = market.profile(symbol).annual_vol * 1.08 * 0.88  # the demo's short-dated ATM IV
    ranges, used, gaps = [], [], []
    for s in calendar.sessions_between(date(2026, 10, 1), date(2026, 12, 1))[:n]:
        bars = market.session_bars(symbol, s.day)
        k = (bars.ts >= int(s.open.timestamp())) & (bars.ts < int(s.close.timestamp()))
        op, cl = bars.open[k][0], bars.close[k][-1]
        ranges.append((bars.high[k].max() - bars.low[k].min()) / op / (iv / 252**0.5))
        used.append(abs(cl - op) / (op * iv * (6.5 / (365 * 24)) ** 0.5))
        plan = market.day_plan(symbol, s.day)
        gaps.append(abs(plan.open / plan.prev_close - 1))
    return float(np.median(ranges)), float(np.median(used)), float(np.median(gaps))


@pytest.mark.parametrize("symbol", ["SPX", "AAPL", "NVDA"])
def test_realized_volatility_is_consistent_with_the_implied_one(calendar, symbol: str) -> None:
    # An SPX at 15 % IV ranges ~1 % a day and uses ~70-110 % of the 0DTE move by the close
    # (it ranged 2 % and used 272 %); gaps are a few tenths of a percent for the index.
    range_ratio, used, gap = _session_stats(calendar, symbol)
    assert 0.7 < range_ratio < 1.25
    assert 0.6 < used < 1.15
    if symbol == "SPX":
        assert gap < 0.003
