"""Massive news, ticker details, corporate actions and movers → ``data.reference`` records and quotes.

Same rules as ``parsers``: a payload of the wrong shape raises ``MassivePayloadError``; a bad
row is dropped and counted in ``Parsed.dropped``; nanosecond stamps stay integers.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from data.models import Quote
from data.providers.massive.errors import MassivePayloadError
from data.providers.massive.parsers import (
    Parsed,
    _day,
    _nonneg,
    _positive,
    _results,
    _text,
    keep,
    parse_stock_snapshot,
)
from data.providers.massive.parsers import symbol_of as _symbol
from data.reference import Dividend, NewsItem, Split, TickerDetails, TreasuryYields

_EARLIEST, _LATEST = datetime(1973, 1, 1), datetime(2100, 1, 1)
_MAX_FREQUENCY = 366  # payments a year; more is junk


def _rows(payloads: list[Any], key: str = "results") -> list:
    return [row for payload in payloads for row in _results(payload, key)]


def _published(value: Any) -> datetime | None:
    """An ISO stamp → aware UTC datetime (naive = UTC), or None outside 1973 … 2100."""
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if not _EARLIEST <= stamp.replace(tzinfo=None) <= _LATEST:  # astimezone would overflow near year 1/9999
        return None
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).astimezone(UTC)


def parse_dividends(payloads: list[Any]) -> Parsed:
    """Pages of ``/v3/reference/dividends`` → [Dividend], newest first as sent."""
    def build(row: dict) -> Dividend | None:
        symbol, ex_date = _symbol(row.get("ticker")), _day(row.get("ex_dividend_date"))
        cash, freq = _nonneg(row.get("cash_amount")), _nonneg(row.get("frequency"))
        if symbol is None or ex_date is None or not math.isfinite(cash):
            return None
        return Dividend(symbol, ex_date, _day(row.get("pay_date")), cash,
                        int(freq) if freq <= _MAX_FREQUENCY and freq == int(freq) else 0,  # NaN → 0
                        _text(row.get("dividend_type")))
    return keep(_rows(payloads), build)


def parse_splits(payloads: list[Any]) -> Parsed:
    """Pages of ``/v3/reference/splits`` → [Split]."""
    def build(row: dict) -> Split | None:
        symbol, day = _symbol(row.get("ticker")), _day(row.get("execution_date"))
        split_from, split_to = _positive(row.get("split_from")), _positive(row.get("split_to"))
        if symbol is None or day is None or not math.isfinite(split_from * split_to):
            return None
        return Split(symbol, day, split_from, split_to)
    return keep(_rows(payloads), build)


def parse_news(payloads: list[Any]) -> Parsed:
    """Pages of ``/v2/reference/news`` → [NewsItem]. (A payload's ``count`` is not trusted: a
    recorded page says 10 and carries 1.)"""
    def build(row: dict) -> NewsItem | None:
        title, url = _text(row.get("title")), _text(row.get("article_url"))
        published = _published(row.get("published_utc"))
        if published is None or not title or not url:
            return None
        publisher = row.get("publisher")
        tickers = row.get("tickers") if isinstance(row.get("tickers"), list) else []
        return NewsItem(_text(row.get("id")), published, title,
                        _text(publisher.get("name")) if isinstance(publisher, dict) else "", url,
                        tuple(s for s in (_symbol(t) for t in tickers) if s))
    return keep(_rows(payloads), build)


def parse_ticker_details(payload: Any) -> TickerDetails:
    """``/v3/reference/tickers/{ticker}`` → TickerDetails."""
    rows = _results(payload)
    row = rows[0] if rows and isinstance(rows[0], dict) else None
    symbol = _symbol(row.get("ticker")) if row else None
    if row is None or symbol is None:
        raise MassivePayloadError("Massive sent no details for this ticker.")
    return TickerDetails(symbol, _text(row.get("name")) or symbol, _text(row.get("type")),
                         _text(row.get("primary_exchange")), _text(row.get("currency_name")).upper(),
                         row.get("active") is True, _nonneg(row.get("market_cap")), _text(row.get("description")))


def parse_snapshot_list(payload: Any) -> Parsed:
    """``/v2/snapshot/.../gainers`` / ``/losers`` (or ``/tickers``) → [Quote], as sent."""
    def build(row: dict) -> Quote | None:
        symbol = _symbol(row.get("ticker"))
        if symbol is None:
            return None
        try:
            return parse_stock_snapshot({"ticker": row}, symbol)
        except MassivePayloadError:
            return None
    return keep(_results(payload, "tickers"), build)


def parse_treasury_yields(payloads: list[Any]) -> Parsed:
    """Pages of ``/fed/v1/treasury-yields`` → [TreasuryYields] as sent; a day needs two finite yields."""
    def build(row: dict) -> TreasuryYields | None:
        day = _day(row.get("date"))
        yields = {k: float(v) for k, v in row.items() if k.startswith("yield_") and isinstance(v, int | float)
                  and not isinstance(v, bool) and math.isfinite(v)}
        return TreasuryYields(day, yields) if day is not None and len(yields) >= 2 else None
    return keep(_rows(payloads), build)
