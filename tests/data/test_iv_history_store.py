"""The daily IV store: one value per symbol and ET day, the latest reading of the day kept."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from data.store import iv_history
from data.store.database import Store


def test_the_store_keeps_one_value_per_day(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    try:
        at = datetime(2026, 11, 25, 15, tzinfo=UTC)
        store.run_sync(lambda s: iv_history.record(s, "SPY", date(2026, 11, 24), 0.14, at - timedelta(days=1)))
        store.run_sync(lambda s: iv_history.record(s, "SPY", date(2026, 11, 25), 0.15, at))
        store.run_sync(lambda s: iv_history.record(s, "SPY", date(2026, 11, 25), 0.16, at + timedelta(hours=1)))
        rows = store.run_sync(lambda s: iv_history.history(s, "SPY"))
        assert [(d, iv) for d, iv, _at in rows] == [(date(2026, 11, 24), 0.14), (date(2026, 11, 25), 0.16)]
        with pytest.raises(ValueError):
            store.run_sync(lambda s: iv_history.record(s, "SPY", date(2026, 11, 25), float("nan"), at))
        assert store.run_sync(lambda s: iv_history.history(s, "QQQ")) == []
    finally:
        store.close()
