"""Reference records: corporate actions, news, ticker details.

Provider-neutral: a provider's parsers produce these; dividends feed the yield ``q`` in option
pricing, splits explain jumps in unadjusted history, news (and movers, as quotes) feed the
morning brief, ticker details the symbol's description.
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
    type_code: str  # CS (common stock), ETF, ADRC, INDEX …
    primary_exchange: str
    currency: str
    active: bool
    market_cap: float  # NaN when unknown
    description: str = ""


@dataclass(frozen=True, slots=True)
class TreasuryYields:
    """One day's Treasury par yield curve (percent, bond-equivalent), by field name: ``yield_1_month`` …"""

    day: date
    yields: dict[str, float]
