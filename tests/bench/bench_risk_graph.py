"""Risk-graph speed (issue #15 budget: a 4-leg risk graph, 200 spot points × 5 dates, < 5 ms).

    uv run python tests/bench/bench_risk_graph.py [--repeat 200]

An SPX iron condor with a skew (each leg its own IV), valued today, at three chosen dates and
at expiry, with the markers (break-evens, max profit/loss, expected-move band, probability of
profit): the whole ``risk_graph`` call, best of N after a warm-up. A double diagonal (two
expiries, so the expiry read is the grid-and-root model) is timed too, for information.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analytics.option_time import ET
from analytics.positions import Position, option_leg
from analytics.risk_graph import risk_graph

BUDGET_MS = 5.0
E1, E2 = date(2026, 12, 18), date(2027, 1, 15)
NOW = datetime(2026, 12, 1, 10, 30, tzinfo=ET)
DATES = (date(2026, 12, 4), date(2026, 12, 9), date(2026, 12, 15))


def _leg(k: float, is_call: bool, qty: int, price: float, expiry: date = E1):
    return option_leg(f"SPXW{expiry:%y%m%d}{'C' if is_call else 'P'}{round(k * 1000):08d}", "SPX", expiry,
                      is_call, k, qty, price, fees=1.3)


def _position(*legs) -> Position:
    return Position(1, "SPX", "bench", legs, datetime(2026, 12, 1, 15, tzinfo=UTC))


CONDOR = _position(_leg(6500, False, 1, 4.10), _leg(6550, False, -1, 6.30), _leg(7000, True, -1, 5.90),
                   _leg(7050, True, 1, 3.80))
DIAGONAL = _position(_leg(6550, False, -1, 6.30), _leg(6500, False, 1, 14.0, E2), _leg(7000, True, -1, 5.90),
                     _leg(7050, True, 1, 12.5, E2))
IVS = [0.19, 0.175, 0.12, 0.118]


def best_ms(position: Position, repeat: int) -> float:
    def run():
        return risk_graph(position, 6780.0, IVS, 0.041, 0.013, NOW, dates=DATES, points=200)

    graph = run()  # warm-up (imports, first allocation)
    assert graph.pnl.shape == (5, 200)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    print(f"risk graph, 200 spot points × 5 dates (ms, best of {args.repeat}; budget < {BUDGET_MS:g} ms)")
    condor = best_ms(CONDOR, args.repeat)
    print(f"  iron condor, 4 legs, one expiry      {condor:7.3f}  {'OK' if condor < BUDGET_MS else 'OVER BUDGET'}")
    diagonal = best_ms(DIAGONAL, max(args.repeat // 4, 5))
    print(f"  double diagonal, 4 legs, 2 expiries  {diagonal:7.3f}  (model expiry read, for information)")
    if condor >= BUDGET_MS:
        sys.exit(1)


if __name__ == "__main__":
    main()
