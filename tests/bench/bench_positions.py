"""200 open positions of up to 4 legs revalued with greeks after a chain snapshot, against the
issue-15 budget (< 10 ms).

    uv run python tests/bench/bench_positions.py [--runs 20] [--positions 200]

The demo market's SPX, SPY, QQQ and AAPL chains at 11:00 ET on Dec 1, 2026 (23,666 / 8,422 /
9,202 / 2,388 contracts), their greeks from ``chain_greeks``; positions drawn from every strategy
template on expiries 3 to 60 days out, strikes around the money. Timed, best of ``--runs``:

* **one snapshot**: an SPX chain arrives — the marks of the SPX contracts held are read from it
  (``marks_for``), the other underlyings keep their marks, and all positions are revalued;
* **all four**: every chain's marks are read again, then all positions are revalued;
* **value only**: ``value_positions`` alone on marks already built.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analytics import strategies as st
from analytics.chain_greeks import chain_greeks
from analytics.position_value import marks_for, value_positions
from analytics.positions import Position
from app.core.option_pricing import load_option_pricing
from data.market_calendar import ET, default_calendar
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock

BUDGET_MS = 10.0
AT = datetime(2026, 12, 1, 11, 0, tzinfo=ET)
TODAY = AT.date()
UNDERLYINGS = ("SPX", "SPY", "QQQ", "AAPL")
STALE_AFTER_S = 120.0


def snapshots():
    calendar = default_calendar()
    provider = DemoProvider(calendar, clock=SimClock(AT, 1.0, lambda: 0.0), option_pricing=load_option_pricing)
    out = {}
    for symbol in UNDERLYINGS:
        chain, spot = provider.chain_at(symbol, AT), provider.quote_at(symbol, AT).last
        out[symbol] = (chain, chain_greeks(chain, spot, 0.04, 0.0, calendar.close_at), spot)
    return out


def _one(rng, symbol: str, chain, spot: float, four_legs: bool = False) -> tuple:
    """A random template on ``chain`` with strikes stepping away from the money (``four_legs``:
    an iron condor or iron butterfly)."""
    expiries = [d for d in chain.expirations() if 3 <= (d - TODAY).days <= 60]
    near, far = sorted(rng.choice(len(expiries), 2, replace=False))
    e, f = expiries[near], expiries[far]
    ks = sorted(set(st.listed_strikes(chain, e)) & set(st.listed_strikes(chain, f)))
    atm = int(np.searchsorted(ks, spot))
    step = int(rng.integers(1, 4))
    k = [ks[atm + i * step] for i in range(-4, 5)]  # k[4] is at the money
    q = int(rng.integers(1, 6))
    kw = {"today": TODAY}
    builders = [
        lambda: st.long_call(chain, e, k[5], q, **kw), lambda: st.short_put(chain, e, k[2], q, **kw),
        lambda: st.bull_call_spread(chain, e, k[4], k[6], q, **kw),
        lambda: st.bull_put_spread(chain, e, k[1], k[3], q, **kw),
        lambda: st.bear_call_spread(chain, e, k[5], k[7], q, **kw),
        lambda: st.straddle(chain, e, k[4], q, long=bool(rng.integers(2)), **kw),
        lambda: st.strangle(chain, e, k[2], k[6], q, long=False, **kw),
        lambda: st.iron_condor(chain, e, k[0], k[2], k[6], k[8], q, **kw),
        lambda: st.iron_butterfly(chain, e, k[1], k[4], k[7], q, **kw),
        lambda: st.butterfly(chain, e, k[3], k[4], k[5], q, **kw),
        lambda: st.calendar(chain, e, f, k[4], q, **kw), lambda: st.diagonal(chain, e, f, k[6], k[5], q, **kw),
    ]
    if four_legs:
        builders = builders[7:9]
    elif symbol != "SPX":
        builders.append(lambda: st.covered_call(chain, e, k[6], q, share_price=spot, **kw))
    return builders[int(rng.integers(len(builders)))]()


def positions(snaps, n: int, four_legs: bool = False) -> list[Position]:
    rng = np.random.default_rng(15)
    out = []
    for i in range(n):
        symbol = UNDERLYINGS[i % len(UNDERLYINGS)]
        chain, _greeks, spot = snaps[symbol]
        legs = _one(rng, symbol, chain, spot, four_legs)
        out.append(Position(i + 1, symbol, st.classify(legs), legs, datetime(2026, 11, 30, 15, tzinfo=ET)))
    return out


def best_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--positions", type=int, default=200)
    args = parser.parse_args()
    snaps = snapshots()
    run(snaps, positions(snaps, args.positions), args.runs, "mixed templates")
    run(snaps, positions(snaps, args.positions, four_legs=True), args.runs, "every position 4 legs")


def run(snaps, book: list[Position], runs: int, title: str) -> None:
    held = {s: sorted({leg.symbol for p in book if p.underlying == s for leg in p.legs}) for s in UNDERLYINGS}
    marks = {}
    for s in UNDERLYINGS:
        chain, greeks, spot = snaps[s]
        marks.update(marks_for(chain, greeks, held[s], spot, AT))

    def one_snapshot():
        chain, greeks, spot = snaps["SPX"]
        marks.update(marks_for(chain, greeks, held["SPX"], spot, AT))
        return value_positions(book, marks, TODAY, AT, STALE_AFTER_S)

    def all_four():
        fresh = {}
        for s in UNDERLYINGS:
            chain, greeks, spot = snaps[s]
            fresh.update(marks_for(chain, greeks, held[s], spot, AT))
        return value_positions(book, fresh, TODAY, AT, STALE_AFTER_S)

    values = one_snapshot()
    assert not any(v.partial for v in values), "every held contract should have a live mark"
    legs = sum(len(p.legs) for p in book)
    names = sorted({p.strategy for p in book})
    print(f"{title}: {len(book)} positions, {legs} legs, {sum(map(len, held.values()))} distinct contracts; "
          f"{len(names)} strategies ({', '.join(names)})")
    print(f"  chains: {', '.join(f'{s} {len(snaps[s][0]):,}' for s in UNDERLYINGS)} contracts")
    print(f"  revaluation after one chain snapshot (ms, best of {runs}; budget < {BUDGET_MS:g})")
    figures = [("one SPX snapshot + value all", one_snapshot), ("all four chains + value all", all_four),
               ("value only", lambda: value_positions(book, marks, TODAY, AT, STALE_AFTER_S))]
    for label, fn in figures:
        ms = best_ms(fn, runs)
        print(f"    {label:30}{ms:8.2f}  {'ok' if ms < BUDGET_MS else 'OVER BUDGET'}")


if __name__ == "__main__":
    main()
