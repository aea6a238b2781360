"""Reference and tick-level records: corporate actions, news, ticker details, time & sales.

Provider-neutral: a provider's parsers produce these; dividends feed the yield ``q`` in option
pricing, splits explain jumps in unadjusted history, news and movers feed the morning brief,
trades and quotes the time & sales view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Dividend:
    symbol: str
    ex_date: date
    pay_date: date | None
    cash_amount: float
    frequency: int  # payments a year; 0 = one-off
    kind: str  # CD regular cash, SC special cash, LT/ST capital gains …


@dataclass(frozen=True, slots=True)
class Split:
    symbol: str
    execution_date: date
    split_from: float
    split_to: float

    @property
    def ratio(self) -> float:
        """New shares per old share (20.0 for a 1-for-20 forward split; 0.5 for a 2:1 reverse)."""
        return self.split_to / self.split_from


@dataclass(frozen=True, slots=True)
class NewsItem:
    id: str
    published: datetime
    title: str
    publisher: str
    url: str
    tickers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TickerDetails:
    symbol: str
    name: str
    type_code: str  # CS, ETF, INDEX … (see the provider's ticker types)
    primary_exchange: str
    currency: str
    active: bool
    market_cap: float  # NaN when unknown
    description: str = ""


@dataclass(frozen=True, slots=True)
class TickerChange:
    day: date
    symbol: str  # the ticker in use from ``day``


@dataclass(frozen=True, slots=True)
class Exchange:
    id: int
    name: str
    acronym: str
    mic: str


@dataclass(frozen=True, slots=True)
class TradeTick:
    symbol: str
    ts_ns: int  # SIP time, UTC epoch nanoseconds (kept as an integer: floats lose the digits)
    price: float
    size: float
    exchange: int
    conditions: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class QuoteTick:
    symbol: str
    ts_ns: int
    bid: float
    bid_size: float
    ask: float
    ask_size: float
