"""Hand-built executions for the journal tests (times in New York, stored aware UTC)."""

from __future__ import annotations

import csv
import itertools
from datetime import UTC, date, datetime
from pathlib import Path

from data.market_calendar import ET
from data.store.records import Execution

_ids = itertools.count(1)


def at(hhmmss: str, day: date = date(2024, 3, 5)) -> datetime:
    h, m, s = (int(x) for x in hhmmss.split(":"))
    return datetime(day.year, day.month, day.day, h, m, s, tzinfo=ET).astimezone(UTC)


def stock(side: str, qty: float, price: float, when: str, symbol: str = "AAPL", fees: float = 0.0,
          **kw) -> Execution:
    return Execution("test", "acct", kw.pop("exec_id", f"e{next(_ids)}"), at(when, kw.pop("day", date(2024, 3, 5))),
                     symbol, side, qty, price, fees, **kw)


def option(side: str, qty: float, price: float, when: str, strike: float = 100.0, call: bool = True,
           symbol: str = "SPY", expiry: date = date(2024, 3, 15), fees: float = 0.0, multiplier: int = 100,
           **kw) -> Execution:
    occ = f"{symbol}{expiry:%y%m%d}{'C' if call else 'P'}{round(strike * 1000):08d}"
    return Execution("test", "acct", kw.pop("exec_id", f"e{next(_ids)}"), at(when, kw.pop("day", date(2024, 3, 5))),
                     symbol, side, qty, price, fees, "option", occ, expiry, call, strike, multiplier, **kw)


def tos_trade_history(path: Path) -> list[Execution]:
    """The thinkorswim trade-history section read plainly (the test's own reader, not the parser):
    newest first in the file, so replayed bottom-up; the row number is the exec id."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))[1:]
    out = []
    for i, row in enumerate(reversed(rows)):
        when = datetime.strptime(row[1], "%m/%d/%y %H:%M:%S").replace(tzinfo=ET).astimezone(UTC)
        qty = float(row[4])
        out.append(Execution("thinkorswim", "", f"row{len(rows) - i}", when, row[6], "buy" if qty > 0 else "sell",
                             abs(qty), float(row[10])))
    return out


def made_trade(i: int, opened: datetime, minutes: float, net: float, *, fees: float = 0.0, r: float | None = None,
               setup: str | None = None, tags: tuple[str, ...] = (), instrument: str = "stock",
               expiry: date | None = None, symbol: str = "AAPL", risk: float | None = None,
               quantity: float = 100, entry: float = 10.0, stop: float | None = None, closed: bool = True):
    """A Trade built directly (the statistics' input), scratch by the default $1 band."""
    from datetime import timedelta

    from analytics.journal_trades import Trade

    return Trade(
        id=f"t{i}", symbol=symbol, instrument=instrument, legs=(symbol,), direction="long", opened_at=opened,
        closed_at=opened + timedelta(minutes=minutes) if closed else None, quantity=quantity, entry_price=entry,
        exit_price=entry, gross_pnl=net + fees, fees=fees, net_pnl=net,
        executions=(f"x{i}",), multiplier=100 if instrument != "stock" else 1, expiry=expiry,
        is_scratch=closed and abs(net) < 1.0, setup=setup, tags=tags, risk=risk, r_multiple=r, planned_stop=stop)
