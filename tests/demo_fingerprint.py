"""A digest of what the calendar and the demo market give at fixed simulated times.

It must not depend on the real date: ``python -m tests.demo_fingerprint 2027-03-15T12:30`` sets
the wall clock first (before exchange_calendars or anything else is imported, as
``--fake-today`` does) and prints the digest; ``tests/test_fake_dates.py`` compares them.
"""

from __future__ import annotations

import hashlib
import sys
from datetime import UTC, date, datetime

import numpy as np

SPOT_CHECKS = ("SPX", "SPY", "AAPL")


def demo_fingerprint() -> str:
    from app.core.option_pricing import load_option_pricing
    from data.market_calendar import ET, MarketCalendar
    from data.models import Timeframe
    from data.providers.demo.provider import DemoProvider
    from data.providers.sim_clock import SimClock

    calendar = MarketCalendar()
    digest = hashlib.sha256()
    for s in calendar.sessions_between(date(2026, 10, 1), date(2029, 1, 31)):
        digest.update(f"{s.day}{s.open}{s.close}".encode())
    digest.update(str(calendar.next_session(date(2031, 12, 31))).encode())  # past the first build
    noon = datetime(2026, 11, 25, 12, 0, tzinfo=ET)
    provider = DemoProvider(calendar, clock=SimClock(noon, 1.0, lambda: 0.0), option_pricing=load_option_pricing)
    for symbol in SPOT_CHECKS:
        bars = provider.bars_at(symbol, Timeframe.M5, None, None, True, noon)
        digest.update(np.ascontiguousarray(np.c_[bars.ts, bars.close, bars.volume]).tobytes())
        digest.update(str(provider.options().expirations(symbol, noon)).encode())
        chain = provider.chain_at(symbol, noon)
        digest.update("".join(chain.symbol).encode())
        digest.update(np.ascontiguousarray(np.c_[chain.bid, chain.ask, chain.open_interest]).tobytes())
    return digest.hexdigest()


def main(argv: list[str]) -> None:
    if argv:
        import time_machine

        from tests.fake_today import fake_now

        time_machine.travel(fake_now(argv[0], datetime.now(UTC)), tick=True).start()
    print(demo_fingerprint())


if __name__ == "__main__":
    main(sys.argv[1:])
