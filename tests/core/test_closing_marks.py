"""Closing marks: stored once after a session's close, read back as the next session's base."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from types import SimpleNamespace

from app.core.positions.closing import ClosingMarks
from data.market_calendar import MarketCalendar
from data.store.database import Store


def _views(**marks):
    legs = [SimpleNamespace(symbol=s, mark=m, missing=False, stale=False) for s, m in marks.items()]
    legs.append(SimpleNamespace(symbol="STALE", mark=1.0, missing=False, stale=True))
    return [SimpleNamespace(value=SimpleNamespace(legs=legs))]


async def test_marks_after_the_close_are_the_next_sessions_base(tmp_path) -> None:
    store = await asyncio.to_thread(Store.open, tmp_path)
    closes = ClosingMarks(store, MarketCalendar())
    try:
        await closes.after(datetime(2026, 11, 24, 20, 0, tzinfo=UTC), _views(A=1.0))  # 15:00 ET: not closed yet
        assert await closes.before(datetime(2026, 11, 25, 15, 0, tzinfo=UTC), ["A"]) == {}
        await closes.after(datetime(2026, 11, 24, 21, 5, tzinfo=UTC), _views(A=2.5, B=0.4))  # 16:05 ET
        await closes.after(datetime(2026, 11, 24, 22, 0, tzinfo=UTC), _views(A=9.9))  # once a session
        wednesday = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
        assert closes.base_day(wednesday) == date(2026, 11, 24)
        assert await closes.before(wednesday, ["A", "B", "STALE"]) == {"A": 2.5, "B": 0.4}
        # Saturday: today's P&L is Friday's, from Thursday's close (Thanksgiving week: Wed 25th)
        assert closes.base_day(datetime(2026, 11, 28, 15, 0, tzinfo=UTC)) == date(2026, 11, 25)
    finally:
        await asyncio.to_thread(store.close)
