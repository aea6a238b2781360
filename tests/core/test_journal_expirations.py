"""Contracts an export left held past expiry: open (nothing assumed) until the underlying's expiry-day
price is known, then settled at it — fetched from a provider with real prices (a replay of SPY's real
minutes: 2026-02-13 closed at 681.60), never from the demo market's made-up ones."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.core.journal.expirations import fetch_settlements, past_expiry
from app.core.journal.imports import JournalService
from data.market_calendar import default_calendar
from data.providers.replay.provider import ReplayProvider
from data.providers.sim_clock import SimClock
from data.store import executions as exec_repo
from data.store import settlements
from data.store.database import Store
from data.store.records import Execution
from tests.conftest import shared_path

NOW = datetime(2026, 3, 6, 21, tzinfo=UTC)
EXPIRY = date(2026, 2, 13)
BOUGHT = datetime(2026, 2, 10, 15, 0, tzinfo=UTC)


def _option(exec_id: str, strike: float, is_call: bool, price: float, kind: str = "trade",
            when: datetime = BOUGHT, side: str = "buy", fees: float = 0.65) -> Execution:
    occ = f"SPY260213{'C' if is_call else 'P'}{int(strike * 1000):08d}"
    return Execution("webull", "", exec_id, when, "SPY", side, 1.0, price, fees, "option", occ, EXPIRY, is_call,
                     strike, 100, kind=kind)


@pytest.fixture
def replay():
    path = shared_path("data", "bars_intraday", "consolidated_rth_1min_2026", "SPY_1min_20260122_20260306.csv")
    return ReplayProvider(default_calendar(), path, clock=SimClock(NOW, 1.0, lambda: 0.0))


async def test_held_past_expiry_settles_at_the_real_close_once_known(tmp_path: Path, replay) -> None:
    from tests.core.options_snapshots import demo_provider

    store = Store.open(tmp_path)
    journal = JournalService(store, now=lambda: NOW)
    demo = demo_provider(default_calendar(), NOW)
    try:
        later = BOUGHT.replace(minute=5)  # apart: two trades, not one ticket's spread
        fills = [_option("c", 670, True, 5.00), _option("p", 680, False, 1.00, when=later)]
        await store.run(lambda s: exec_repo.add(s, fills))
        trades = await journal.trades()
        assert all(t.is_open for t in trades) and [past_expiry(t, NOW.date()) for t in trades] == [[EXPIRY]] * 2
        assert await fetch_settlements(store, demo, trades) == 0  # the demo market's prices settle nothing
        assert await fetch_settlements(store, replay, trades) == 1
        assert await store.run(settlements.prices) == {("SPY", EXPIRY): (681.68, 681.60)}
        assert await fetch_settlements(store, replay, trades) == 0  # fetched once

        by_leg = {t.legs: t for t in await journal.trades()}
        call, put = by_leg[("SPY260213C00670000",)], by_leg[("SPY260213P00680000",)]
        assert not call.is_open and call.net_pnl == pytest.approx(-500 - 0.65)  # exercised: premium lost …
        stock = by_leg[("SPY",)]
        assert stock.is_open and stock.entry_price == 670 and stock.quantity == 100  # … into 100 shares at 670
        assert not put.is_open and put.exit_price == 0 and put.net_pnl == pytest.approx(-100 - 0.65)  # OTM

        # the broker's own expiration row, imported later, takes the assumed one's place
        await store.run(lambda s: exec_repo.add(s, [_option("p-exp", 680, False, 0.0, kind="expiration",
                                                            when=datetime(2026, 2, 13, 21, tzinfo=UTC),
                                                            side="sell", fees=0.0)]))
        again = {t.legs: t for t in await journal.trades()}
        assert len(again) == 3 and again[("SPY260213P00680000",)].net_pnl == pytest.approx(put.net_pnl)
        assert not any(e.startswith("assumed:") for e in again[("SPY260213P00680000",)].executions)
    finally:
        store.close()
        await demo.aclose()
