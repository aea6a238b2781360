"""Journal dashboard refresh over 50,000 trades against the issue's budget (< 200 ms).

    uv run python tests/bench/bench_journal_stats.py

A refresh = a date filter, the columns built once from the Trade objects, the statistics (with
the equity curve and the daily P&L) and all seven breakdowns; best of 5.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analytics.journal_stats import BREAKDOWN_KEYS, breakdown, filter_trades, stats, table
from analytics.journal_trades import Trade

N = 50_000
BUDGET_MS = 200.0


def synthetic(n: int = N, seed: int = 7) -> list[Trade]:
    rng = np.random.default_rng(seed)
    start = datetime(2020, 1, 2, 14, 30, tzinfo=UTC)
    opens = np.sort(rng.integers(0, 6 * 365 * 86400, n))
    out = []
    for i, (o, hold, net, r, s, k) in enumerate(zip(opens.tolist(), rng.integers(60, 7200, n).tolist(),
                                                     rng.normal(20, 300, n).round(2).tolist(),
                                                     rng.normal(0.2, 1.5, n).tolist(), rng.integers(0, 6, n).tolist(),
                                                     rng.integers(0, 3, n).tolist(), strict=True)):
        opened = start + timedelta(seconds=o)
        instrument = ("stock", "option", "spread")[k]
        out.append(Trade(
            id=f"t{i}", symbol=("SPY", "QQQ", "NVDA", "AAPL", "TSLA", "AMD")[s], instrument=instrument,
            legs=("X",), direction="long", opened_at=opened, closed_at=opened + timedelta(seconds=hold),
            quantity=100, entry_price=10, exit_price=10, gross_pnl=net + 1, fees=1, net_pnl=net, executions=(),
            expiry=None if k == 0 else opened.date() + timedelta(days=s * 5), is_scratch=abs(net) < 1,
            setup=("orb", "vwap", "gap", None, "retest", "level")[s], tags=(("a",), ("b", "c"), ())[k],
            r_multiple=r if i % 3 else None))
    return out


def refresh(trades: list[Trade]) -> None:
    chosen = filter_trades(trades, since=date(2019, 1, 1))
    cols = table(chosen)
    stats(cols)
    for key in BREAKDOWN_KEYS:
        breakdown(cols, key)


def main() -> None:
    trades = synthetic()
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        refresh(trades)
        times.append((time.perf_counter() - t0) * 1000)
    cols = table(trades)
    t0 = time.perf_counter()
    stats(cols)
    only_stats = (time.perf_counter() - t0) * 1000
    best = min(times)
    verdict = "OK" if best < BUDGET_MS else "OVER BUDGET"
    print(f"journal dashboard refresh, {N:,} trades: {best:.1f} ms best of 5 "
          f"(stats alone on built columns {only_stats:.1f} ms); budget < {BUDGET_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
