"""Massive reference, market-wide and tick payloads → ``data.reference`` records and quotes.

Same rules as ``parsers``: a payload of the wrong shape raises ``MassivePayloadError``; a bad
row is dropped and counted in ``Parsed.dropped``; nanosecond stamps stay integers.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Any

from data.models import Bar, Quote, Timeframe
from data.providers.massive.errors import MassivePayloadError
from data.providers.massive.parsers import (
    Parsed,
    _et_midnight,
    _num,
    _results,
    from_massive_ticker,
    ms_to_seconds,
    parse_stock_snapshot,
)
from data.reference import (
    Dividend,
    Exchange,
    NewsItem,
    QuoteTick,
    Split,
    TickerChange,
    TickerDetails,
    TradeTick,
)
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


def parse_ticker_events(payload: Any) -> Parsed:
    """``/vX/reference/tickers/{id}/events`` → [TickerChange], oldest first (renames, e.g. FB → META)."""
    rows = _results(payload)
    events = rows[0].get("events") if rows and isinstance(rows[0], dict) else None
    if not isinstance(events, list):
        return Parsed([], 0)

    def build(row: dict) -> TickerChange | None:
        change = row.get("ticker_change")
        day = _day(row.get("date"))
        symbol = _symbol(change.get("ticker")) if isinstance(change, dict) else None
        return TickerChange(day, symbol) if row.get("type") == "ticker_change" and day and symbol else None
    parsed = _keep(events, build)
    return Parsed(sorted(parsed.value, key=lambda c: c.day), parsed.dropped)


def parse_ticker_types(payload: Any) -> Parsed:
    """``/v3/reference/tickers/types`` → {code: description}."""
    parsed = _keep(_results(payload), lambda r: (r["code"], _text(r.get("description")))
                   if isinstance(r.get("code"), str) else None)
    return Parsed(dict(parsed.value), parsed.dropped)


def _int_id(row: dict) -> int | None:
    value = row.get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_exchanges(payload: Any) -> Parsed:
    """``/v3/reference/exchanges`` → {id: Exchange} (decodes a trade's ``exchange``)."""
    def build(row: dict) -> Exchange | None:
        ident = _int_id(row)
        if ident is None or not _text(row.get("name")):
            return None
        return Exchange(ident, row["name"], _text(row.get("acronym")), _text(row.get("mic")))
    parsed = _keep(_results(payload), build)
    return Parsed({e.id: e for e in parsed.value}, parsed.dropped)


def parse_conditions(payload: Any) -> Parsed:
    """``/v3/reference/conditions`` → {id: name} (decodes a trade's ``conditions``)."""
    parsed = _keep(_results(payload), lambda r: (_int_id(r), r["name"])
                   if _int_id(r) is not None and _text(r.get("name")) else None)
    return Parsed(dict(parsed.value), parsed.dropped)


def parse_grouped_daily(payload: Any) -> Parsed:
    """``/v2/aggs/grouped/.../{date}`` → {symbol: daily Bar} for the whole market (scanner)."""
    def build(row: dict) -> Bar | None:
        symbol, t = _symbol(row.get("T")), ms_to_seconds(row.get("t"))
        o, h, l, c = (_num(row.get(k)) for k in "ohlc")
        if symbol is None or t is None or not all(math.isfinite(x) for x in (o, h, l, c)):
            return None
        v = _num(row.get("v"))
        return Bar(symbol, Timeframe.D1, _et_midnight(t), o, h, l, c, v if math.isfinite(v) else 0.0, closed=True)
    parsed = _keep(_results(payload), build)
    return Parsed({b.symbol: b for b in parsed.value}, parsed.dropped)


def parse_snapshot_list(payload: Any) -> Parsed:
    """``/v2/snapshot/.../tickers`` (all) and ``/gainers`` / ``/losers`` → [Quote], as sent."""
    def build(row: dict) -> Quote | None:
        symbol = _symbol(row.get("ticker"))
        if symbol is None:
            return None
        try:
            return parse_stock_snapshot({"ticker": row}, symbol)
        except MassivePayloadError:
            return None
    return _keep(_results(payload, "tickers"), build)


def parse_universal_snapshot(payload: Any) -> Parsed:
    """``/v3/snapshot`` and ``/v1/summaries`` (any asset type) → {symbol: Quote}. Per-ticker
    errors, and fx/crypto tickers we do not trade, are dropped and counted."""
    def build(row: dict) -> Quote | None:
        symbol = _symbol(row.get("ticker"))
        session = row.get("session") if isinstance(row.get("session"), dict) else {}
        trade = row.get("last_trade") if isinstance(row.get("last_trade"), dict) else {}
        quote = row.get("last_quote") if isinstance(row.get("last_quote"), dict) else {}
        if symbol is None or row.get("error"):
            return None
        last = next((x for x in (_num(trade.get("price")), _num(row.get("value")), _num(row.get("price")),
                                 _num(session.get("close"))) if math.isfinite(x) and x > 0), math.nan)
        if not math.isfinite(last):
            return None
        bid, ask = _num(quote.get("bid")), _num(quote.get("ask"))
        stamp = next((s for s in (trade.get("sip_timestamp"), trade.get("last_updated"), quote.get("last_updated"))
                      if isinstance(s, int) and not isinstance(s, bool)), 0)
        volume = _num(session.get("volume"))
        return Quote(symbol, stamp // 1_000_000_000, last, bid if math.isfinite(bid) else last,
                     ask if math.isfinite(ask) else last, _num(session.get("previous_close")),
                     volume if math.isfinite(volume) else 0.0)
    parsed = _keep(_results(payload), build)
    return Parsed({q.symbol: q for q in parsed.value}, parsed.dropped)


def _ns(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def parse_trades(payloads: list[Any], symbol: str) -> Parsed:
    """Pages of ``/v3/trades/{ticker}`` → [TradeTick] (time & sales)."""
    def build(row: dict) -> TradeTick | None:
        stamp, price, size = _ns(row.get("sip_timestamp")), _num(row.get("price")), _num(row.get("size"))
        if stamp is None or not (price > 0 and size >= 0):
            return None
        conditions = row.get("conditions") if isinstance(row.get("conditions"), list) else []
        exchange = row.get("exchange")
        return TradeTick(symbol, stamp, price, size, exchange if isinstance(exchange, int) else 0,
                         tuple(c for c in conditions if isinstance(c, int)))
    return _keep(_rows(payloads), build)


def parse_quote_ticks(payloads: list[Any], symbol: str) -> Parsed:
    """Pages of ``/v3/quotes/{ticker}`` → [QuoteTick] (NBBO history). A crossed quote (bid
    above ask) is kept: it happens on the tape and a time & sales view should show it."""
    def build(row: dict) -> QuoteTick | None:
        stamp = _ns(row.get("sip_timestamp"))
        bid, ask = _num(row.get("bid_price")), _num(row.get("ask_price"))
        bid_size, ask_size = _num(row.get("bid_size")), _num(row.get("ask_size"))
        if stamp is None or not all(math.isfinite(x) and x >= 0 for x in (bid, ask, bid_size, ask_size)):
            return None
        return QuoteTick(symbol, stamp, bid, bid_size, ask, ask_size)
    return _keep(_rows(payloads), build)
