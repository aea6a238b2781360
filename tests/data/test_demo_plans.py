"""The demo market's daily plans: one table per symbol, grown in blocks, built once, and the
same numbers as ever (the demo's prices are a fixed function of the seed: a faster build must
not move them)."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import numpy as np

from data.providers.demo.market_model import MODEL_VERSION, DemoMarket
from data.providers.demo.profiles import popular_symbols

# sha256 of every symbol's plans for the sessions 2005-01-03 … 2026-12-31 and of three whole
# sessions of minutes, as the per-day loop that built them until 2026-12-03 made them (the
# vectorized build was checked equal to it, plan by plan, for 2005-2027)
# (per MODEL_VERSION: a change that moves a number gets a new version and its own digest)
PINNED = {1: "472660c9b9356647a3ab32cfa3b742df7419fe3fd5e5df9bb3f643a31fc4ebaa"}


def _digest(market: DemoMarket) -> str:
    h = hashlib.sha256()
    days = [s.day for s in market.calendar.sessions_between(date(2005, 1, 3), date(2026, 12, 31))]
    for symbol in popular_symbols():
        for day in days:
            p = market.day_plan(symbol, day)
            h.update(f"{symbol}{day}{p.day_type}{p.open!r}{p.close!r}{p.prev_close!r}{p.volume_mult!r}".encode())
    for symbol, day in (("SPX", date(2026, 11, 27)), ("QQQ", date(2024, 12, 24)), ("NVDA", date(2026, 6, 10))):
        bars = market.session_bars(symbol, day)
        for column in (bars.ts, bars.open, bars.high, bars.low, bars.close, bars.volume):
            h.update(np.ascontiguousarray(column).tobytes())
    return h.hexdigest()


def test_the_demo_market_makes_the_numbers_it_always_made(calendar) -> None:
    assert _digest(DemoMarket(calendar)) == PINNED.get(MODEL_VERSION), (
        "the demo's numbers changed: bump market_model.MODEL_VERSION (daily bars kept in data folders are of the "
        "old numbers) and pin the new digest under it")


def test_plans_grow_and_keep_what_came_before(calendar) -> None:
    early = [s.day for s in calendar.sessions_between(date(2005, 1, 3), date(2005, 3, 1))]
    grown = DemoMarket(calendar)
    before = [grown.day_plan("NVDA", day) for day in early]  # a table of one block
    later = grown.day_plan("NVDA", date(2027, 3, 1))  # grown past the first block
    assert [grown.day_plan("NVDA", day) for day in early] == before
    assert DemoMarket(calendar).day_plan("NVDA", date(2027, 3, 1)) == later


def test_threads_asking_at_once_build_each_table_once(calendar) -> None:
    market, built = DemoMarket(calendar), []
    make = market._make_plans

    def counted(symbol: str, n: int):
        built.append(symbol)
        return make(symbol, n)

    market._make_plans = counted
    with ThreadPoolExecutor(4) as pool:
        plans = list(pool.map(lambda _: market.day_plan("AAPL", date(2026, 6, 10)), range(8)))
    assert len(set(plans)) == 1
    assert sorted(built) == ["AAPL", "SPX"]  # a stock's plans are built on the market's


def test_sessions_built_together_are_the_sessions_built_alone(calendar) -> None:
    """Minutes asked for many sessions at once (a month of 1-minute bars) are built in batches;
    each session, extended hours included, is the one built on its own, bit for bit."""
    days = [s.day for s in calendar.sessions_between(date(2024, 11, 18), date(2024, 12, 31))]  # two half days
    for symbol in ("SPX", "SPY", "AAPL", "F"):
        together = DemoMarket(calendar).sessions_bars(symbol, days)
        for day, got in zip(days, together, strict=True):
            alone = DemoMarket(calendar).session_bars(symbol, day)
            for column in ("ts", "open", "high", "low", "close", "volume"):
                assert np.array_equal(getattr(got, column), getattr(alone, column)), (symbol, day, column)
