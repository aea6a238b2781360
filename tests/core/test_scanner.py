"""Scan now over the demo market: today's setups ranked by score, stored, with hit rates; an
unknown symbol is reported, not fatal."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

from app.core.setups.hit_rates import HitRateBook
from app.core.setups.scanner import ScannerService
from data.market_calendar import MarketCalendar, market_date
from data.models import Bars
from data.providers.registry import create_provider
from data.store import setups as repo
from data.store.database import Store


async def test_a_scan_ranks_todays_setups_stores_them_and_reports_a_bad_symbol(tmp_path: Path) -> None:
    calendar = MarketCalendar()
    provider = create_provider("demo", calendar, speed=1.0, seed=7)
    store = await asyncio.to_thread(Store.open, tmp_path)
    market_state = SimpleNamespace(bars=lambda symbol, timeframe: Bars.empty(symbol, timeframe))
    book = HitRateBook(lambda: provider, calendar)
    scanner = ScannerService(provider, store, calendar, market_state, book, preferences=lambda: {},
                             latest_options=lambda: None)
    try:
        symbols = ["SPY", "QQQ", "AAPL", "NVDA", "TSLA", "MSFT", "AMZN", "META", "ZZZZZ"]
        result = await scanner.scan(symbols)
        assert [s for s, _why in result.problems] == ["ZZZZZ"] and "ZZZZZ" not in result.scanned
        assert result.detections, "eight demo symbols with a whole session and no setup at all"
        scores = [d.confidence for d in result.detections]
        assert scores == sorted(scores, reverse=True)
        assert len({market_date(d.decided_at) for d in result.detections}) == 1  # the latest session only
        keys = [(d.symbol, d.detector, d.direction) for d in result.detections]
        assert len(keys) == len(set(keys))  # the newest per detector and direction
        stored = await store.run(lambda s: repo.recent_detections(s))
        assert {d.id for d in stored} == {d.id for d in result.detections}
        assert all(d.hit_cases is not None for d in result.detections)  # measured on 45 days of history
        again = await scanner.scan(symbols)  # the demo clock moved on meanwhile: some setups may be newer
        first = {(d.symbol, d.detector, d.direction, d.decided_at): d.id for d in result.detections}
        for d in again.detections:
            assert first.get((d.symbol, d.detector, d.direction, d.decided_at), d.id) == d.id  # stored once
    finally:
        scanner.close()
        book.close()
        await asyncio.to_thread(store.close)
