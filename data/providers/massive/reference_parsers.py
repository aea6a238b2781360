"""Massive news, ticker details, corporate actions and movers → ``data.reference`` records and quotes.

Same rules as ``parsers``: a payload of the wrong shape raises ``MassivePayloadError``; a bad
row is dropped and counted in ``Parsed.dropped``; nanosecond stamps stay integers.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Any

from data.models import Quote
from data.providers.massive.errors import MassivePayloadError
from data.providers.massive.parsers import Parsed, _num, _results, from_massive_ticker, parse_stock_snapshot
from data.reference import Dividend, NewsItem, Split, TickerDetails
from data.symbols import SymbolError, normalize_symbol


def _rows(payloads: list[Any], key: str = "results") -> list:
    return [row for payload in payloads for row in _results(payload, key)]


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _symbol(ticker: Any) -> str | None:
    """Our symbol for a Massive ticker, or None for what we do not trade (fx, crypto, junk)."""
    if not isinstance(ticker, str):
        return None
    try:
        return normalize_symbol(from_massive_ticker(ticker))
    except SymbolError:
        return None


def _keep(rows: list, build) -> Parsed:
    """``build(row)`` for each row; rows that are not objects or give None are dropped."""
    out, dropped = [], 0
    for row in rows:
        item = build(row) if isinstance(row, dict) else None
        if item is None:
            dropped += 1
        else:
            out.append(item)
    return Parsed(out, dropped)


def parse_dividends(payloads: list[Any]) -> Parsed:
    """Pages of ``/v3/reference/dividends`` → [Dividend], newest first as sent."""
    def build(row: dict) -> Dividend | None:
        symbol, ex_date = _symbol(row.get("ticker")), _day(row.get("ex_dividend_date"))
        cash = _num(row.get("cash_amount"))
        if symbol is None or ex_date is None or not (math.isfinite(cash) and cash >= 0):
            return None
        freq = row.get("frequency")
        return Dividend(symbol, ex_date, _day(row.get("pay_date")), cash,
                        freq if isinstance(freq, int) and not isinstance(freq, bool) and freq >= 0 else 0,
                        _text(row.get("dividend_type")))
    return _keep(_rows(payloads), build)


def parse_splits(payloads: list[Any]) -> Parsed:
    """Pages of ``/v3/reference/splits`` → [Split]."""
    def build(row: dict) -> Split | None:
        symbol, day = _symbol(row.get("ticker")), _day(row.get("execution_date"))
        split_from, split_to = _num(row.get("split_from")), _num(row.get("split_to"))
        if symbol is None or day is None or not (split_from > 0 and split_to > 0):
            return None
        return Split(symbol, day, split_from, split_to)
    return _keep(_rows(payloads), build)


def parse_news(payloads: list[Any]) -> Parsed:
    """Pages of ``/v2/reference/news`` → [NewsItem]. (A payload's ``count`` is not trusted: a
    recorded page says 10 and carries 1.)"""
    def build(row: dict) -> NewsItem | None:
        title, url, stamp = _text(row.get("title")), _text(row.get("article_url")), _text(row.get("published_utc"))
        try:
            published = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            return None
        if not title or not url:
            return None
        publisher = row.get("publisher")
        tickers = row.get("tickers") if isinstance(row.get("tickers"), list) else []
        return NewsItem(_text(row.get("id")), published, title,
                        _text(publisher.get("name")) if isinstance(publisher, dict) else "", url,
                        tuple(s for s in (_symbol(t) for t in tickers) if s))
    return _keep(_rows(payloads), build)


def parse_ticker_details(payload: Any) -> TickerDetails:
    """``/v3/reference/tickers/{ticker}`` → TickerDetails."""
    rows = _results(payload)
    row = rows[0] if rows and isinstance(rows[0], dict) else None
    symbol = _symbol(row.get("ticker")) if row else None
    if row is None or symbol is None:
        raise MassivePayloadError("Massive sent no details for this ticker.")
    return TickerDetails(symbol, _text(row.get("name")) or symbol, _text(row.get("type")),
                         _text(row.get("primary_exchange")), _text(row.get("currency_name")).upper(),
                         row.get("active") is True, _num(row.get("market_cap")), _text(row.get("description")))


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
    return _keep(_results(payload, "tickers"), build)
