"""What the exit-advisor tests share: hand-built legs, marks and chains, and a run of ``advise``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analytics.exit_advice import Advice, ExitParams, advise
from analytics.positions import ContractMark, Position, option_leg
from data.option_chain import OptionChain

ET = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 1, 11, 0, tzinfo=ET)  # a Tuesday, mid-session
DEC18, DEC31, JAN15 = date(2026, 12, 18), date(2026, 12, 31), date(2027, 1, 15)
approx = pytest.approx


def occ(root: str, expiry: date, is_call: bool, strike: float) -> str:
    return f"{root}{expiry:%y%m%d}{'C' if is_call else 'P'}{round(strike * 1000):08d}"


def leg(und: str, expiry: date, is_call: bool, strike: float, qty: int, price: float):
    return option_leg(occ(und, expiry, is_call, strike), und, expiry, is_call, strike, qty, price)


def position(*legs, opened: datetime = datetime(2026, 11, 3, 15, tzinfo=UTC), pid: int = 7) -> Position:
    return Position(pid, legs[0].underlying, "test", tuple(legs), opened)


def mark(lg, bid: float, ask: float, asof: datetime = NOW, **greeks) -> ContractMark:
    return ContractMark(lg.symbol, bid, ask, (bid + ask) / 2, 100.0, asof, **greeks)


def marks(*pairs) -> dict[str, ContractMark]:
    return {m.symbol: m for m in pairs}


def chain(und: str, rows: list[tuple], asof: datetime = NOW) -> OptionChain:
    """rows: (expiry, is_call, strike, bid, ask, delta)."""
    cols = list(zip(*rows, strict=True))
    n = len(rows)
    return OptionChain(und, asof, np.array([occ(und, *r[:3]) for r in rows], dtype=object),
                       np.array([und] * n, dtype=object), np.array(cols[0], dtype="datetime64[D]"),
                       np.array(cols[1]), np.array(cols[2]), np.array(cols[3]), np.array(cols[4]),
                       np.full(n, np.nan), np.zeros(n), np.zeros(n), np.full(n, np.nan), np.array(cols[5]),
                       np.full(n, np.nan), np.zeros(n, dtype=bool))


def run(pos, mk, spot=100.0, now=NOW, ch=None, params=ExitParams(), **kw) -> dict[str, list[Advice]]:
    out: dict[str, list[Advice]] = {}
    for a in advise(pos, mk, ch, None, spot, now, params, **kw):
        out.setdefault(a.rule, []).append(a)
    return out


# -- profit taking ------------------------------------------------------------------------------------

def _put_spread(short_mid: float, long_mid: float, asof: datetime = NOW):
    s, b = leg("XYZ", DEC31, False, 100, -1, 1.50), leg("XYZ", DEC31, False, 95, 1, 0.50)  # credit 1.00
    return position(s, b), marks(mark(s, short_mid - 0.05, short_mid + 0.05, asof),
                                 mark(b, long_mid - 0.05, long_mid + 0.05, asof))
