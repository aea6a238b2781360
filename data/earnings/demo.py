"""The demo market's earnings calendar: ``next_earnings``' quarterly dates (those that bump the
demo chains' IV), past and future, each with a report time and an EPS estimate fixed per symbol
by a hash, and for reports already out an actual EPS — the same answer on every run."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import date

from data.earnings import AMC, BMO
from data.providers.demo.options import next_earnings
from data.providers.demo.profiles import in_universe, profile_for
from data.store.records import EarningsEvent

SOURCE = "demo"
QUARTER_MONTHS = (1, 4, 7, 10)


def _hash(text: str) -> int:
    return zlib.crc32(text.encode())


def timing_for(symbol: str) -> tuple[str, str]:
    """A company keeps its slot: about a third report before the open (07:00), the rest after the close (16:05)."""
    return (BMO, "07:00") if _hash(f"earnings-time:{symbol}") % 3 == 0 else (AMC, "16:05")


def estimate_for(symbol: str) -> float:
    """The consensus EPS per quarter: 0.4–1.6 % of the demo price, fixed per symbol."""
    share = 0.004 + (_hash(f"earnings-eps:{symbol}") % 1000) / 1000 * 0.012
    return round(profile_for(symbol).base_price * share, 2)


def _fiscal_period(report: date) -> str:
    """The quarter reported: a January report is the previous year's Q4."""
    quarter = (report.month - 1) // 3  # 0 for Jan–Mar: Q4 of last year
    return f"Q4 {report.year - 1}" if quarter == 0 else f"Q{quarter} {report.year}"


def _event(symbol: str, day: date, today: date) -> EarningsEvent:
    timing, time_et = timing_for(symbol)
    estimate = estimate_for(symbol)
    out = day < today
    surprise = ((_hash(f"earnings-surprise:{symbol}:{day}") % 31) - 10) / 100  # −10 % … +20 %
    return EarningsEvent(symbol, day, timing, SOURCE, time_et=time_et, fiscal_period=_fiscal_period(day),
                         estimate_eps=estimate, actual_eps=round(estimate * (1 + surprise), 2) if out else None,
                         status="confirmed" if out or (day - today).days <= 35 else "projected",
                         name=profile_for(symbol).name)


def demo_events(symbols: Iterable[str], start: date, end: date, today: date) -> list[EarningsEvent]:
    """The demo reports of ``symbols`` dated ``start``..``end`` (inclusive), by date then symbol;
    indices, ETFs and symbols outside the demo universe have none. ``today`` (the market's date)
    decides which are out (actual EPS, confirmed)."""
    found: list[EarningsEvent] = []
    for symbol in dict.fromkeys(symbols):
        if not in_universe(symbol):
            continue
        for year in range(start.year - 1, end.year + 1):
            for month in QUARTER_MONTHS:
                day = next_earnings(symbol, date(year, month, 1))  # that quarter's date (None: not a stock)
                if day is None:
                    break
                if start <= day <= end:
                    found.append(_event(symbol, day, today))
    return sorted(found, key=lambda e: (e.report_date, e.symbol))
