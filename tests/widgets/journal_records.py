"""Hand-built journal trades: one real grouping of a few executions, then ``dataclasses.replace``."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from analytics.journal_trades import Trade, group_trades
from data.store.records import Execution

T0 = datetime(2026, 3, 2, 14, 35, tzinfo=UTC)  # Mon 09:35 ET


def base_trade() -> Trade:
    fills = [Execution("app", "", "a1", T0, "AAPL", "buy", 100, 200.0, fees=1.0),
             Execution("app", "", "a2", T0 + timedelta(minutes=30), "AAPL", "sell", 100, 201.5, fees=1.0)]
    (trade,) = group_trades(fills)
    return trade


def trades() -> list[Trade]:
    """Six trades over three days: wins, losses, a scratch, an option spread, an open one."""
    t = base_trade()
    day = timedelta(days=1)
    return [
        t,  # AAPL +148 net, Mon
        replace(t, id="app:b", symbol="MSFT", opened_at=T0 + timedelta(hours=1), closed_at=T0 + timedelta(hours=2),
                gross_pnl=-80.0, fees=2.0, net_pnl=-82.0, setup="breakout", tags=("A+",), risk=100.0,
                r_multiple=-0.82, planned_stop=199.0),
        replace(t, id="app:c", symbol="SPY", instrument="spread", direction="credit", legs=("SPY1", "SPY2"),
                opened_at=T0 + day, closed_at=T0 + day + timedelta(hours=3), gross_pnl=250.0, fees=5.0,
                net_pnl=245.0, setup="breakout", tags=("A+", "earnings"), multiplier=100, quantity=2,
                entry_price=1.25, exit_price=0.0),
        replace(t, id="app:d", symbol="AAPL", opened_at=T0 + day * 2, closed_at=T0 + day * 2 + timedelta(minutes=5),
                gross_pnl=0.5, fees=0.0, net_pnl=0.5, is_scratch=True),
        replace(t, id="app:e", symbol="TSLA", opened_at=T0 + day * 2 + timedelta(hours=1),
                closed_at=T0 + day * 2 + timedelta(hours=4), gross_pnl=-300.0, fees=1.0, net_pnl=-301.0,
                setup="fade", mistakes=("chased",), rating=2),
        replace(t, id="app:f", symbol="NVDA", opened_at=T0 + day * 2 + timedelta(hours=5), closed_at=None,
                exit_price=None, gross_pnl=0.0, fees=1.0, net_pnl=-1.0),
    ]
