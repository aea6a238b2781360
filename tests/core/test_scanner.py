"""Scan now over the demo market: today's setups ranked by score, stored, with hit rates; an
unknown symbol is reported, not fatal."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from app.core.setups.hit_rates import HitRateBook
from app.core.setups.scanner import ScannerService
from data.market_calendar import MarketCalendar, market_date
from data.models import Bars
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from data.store import setups as repo
from data.store.database import Store

MIDDAY = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # Tuesday 12:00 ET


def _scanner(provider, store, calendar):
    market_state = SimpleNamespace(bars=lambda symbol, timeframe: Bars.empty(symbol, timeframe))
    book = HitRateBook(lambda: provider, calendar)
    return ScannerService(provider, store, calendar, market_state, book, preferences=lambda: {},
                          latest_options=lambda: None), book


async def test_a_scan_ranks_todays_setups_stores_them_and_reports_a_bad_symbol(tmp_path: Path) -> None:
    calendar = MarketCalendar()
    provider = DemoProvider(calendar, clock=SimClock(MIDDAY, 1.0))
    store = await asyncio.to_thread(Store.open, tmp_path)
    scanner, book = _scanner(provider, store, calendar)
    try:
        symbols = ["SPY", "QQQ", "AAPL", "NVDA", "TSLA", "MSFT", "AMZN", "META", "ZZZZZ"]
        result = await scanner.scan(symbols)
        assert [s for s, _why in result.problems] == ["ZZZZZ"] and "ZZZZZ" not in result.scanned
        assert result.detections, "eight demo symbols with a whole session and no setup at all"
        scores = [d.confidence for d in result.detections]
        assert scores == sorted(scores, reverse=True)
        assert {market_date(d.decided_at) for d in result.detections} == {market_date(MIDDAY)}  # today only
        keys = [(d.symbol, d.detector, d.direction) for d in result.detections]
        assert len(keys) == len(set(keys))  # the newest per detector and direction
        stored = await store.run(lambda s: repo.recent_detections(s))
        assert {d.id for d in stored} == {d.id for d in result.detections}
        assert all(d.hit_cases is not None for d in result.detections)  # measured on 45 days of history
        bars = {s: await provider.get_bars(s, provider.finest_timeframe, MIDDAY.replace(hour=14), MIDDAY)
                for s in {d.symbol for d in result.detections}}
        for d in result.detections:  # still in play: neither target nor stop reached since
            after = bars[d.symbol].ts > d.decided_at.timestamp() - 60
            reached = (bars[d.symbol].high[after] >= d.targets[0]) if d.direction == "long" else \
                (bars[d.symbol].low[after] <= d.targets[0])
            assert not reached.any(), d
        again = await scanner.scan(symbols)  # the demo clock moved on meanwhile: some setups may be newer
        first = {(d.symbol, d.detector, d.direction, d.decided_at): d.id for d in result.detections}
        for d in again.detections:
            assert first.get((d.symbol, d.detector, d.direction, d.decided_at), d.id) == d.id  # stored once
    finally:
        scanner.close()
        book.close()
        await asyncio.to_thread(store.close)


async def test_outside_the_session_a_scan_says_why_nothing_is_in_play(tmp_path: Path) -> None:
    calendar = MarketCalendar()
    store = await asyncio.to_thread(Store.open, tmp_path)
    try:
        for moment, said in ((datetime(2026, 11, 24, 13, 0, tzinfo=UTC), "has not opened yet"),
                             (datetime(2026, 11, 24, 22, 0, tzinfo=UTC), "session is over"),
                             (datetime(2026, 11, 26, 17, 0, tzinfo=UTC), "closed today (holiday")):
            provider = DemoProvider(calendar, clock=SimClock(moment, 1.0))
            scanner, book = _scanner(provider, store, calendar)
            result = await scanner.scan(["SPY", "QQQ"])
            assert result.detections == () and said in result.note
            scanner.close()
            book.close()
    finally:
        await asyncio.to_thread(store.close)
