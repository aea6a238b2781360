"""Turn Massive JSON payloads into the standard models. Strict about shapes, tolerant of the
documented gaps (no volume on index bars, absent ``results``, plan-gated fields); malformed rows
are dropped and counted, never raised."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from data.market_calendar import ET
from data.models import Bars, Quote, SymbolInfo, Timeframe
from data.option_chain import OptionChain
from data.providers.massive.errors import MassivePayloadError
from data.symbols import SymbolError, SymbolKind, parse_option_symbol, symbol_kind

INDEX_PREFIX = "I:"
OPTION_PREFIX = "O:"


def to_massive_ticker(symbol: str) -> str:
    """Our symbol → Massive ticker: indices get ``I:``, options ``O:``."""
    kind = symbol_kind(symbol)
    if kind is SymbolKind.INDEX:
        return INDEX_PREFIX + symbol
    if kind is SymbolKind.OPTION:
        return OPTION_PREFIX + symbol
    return symbol


def from_massive_ticker(ticker: str) -> str:
    for prefix in (INDEX_PREFIX, OPTION_PREFIX):
        if ticker.startswith(prefix):
            return ticker[len(prefix):]
    return ticker


def _results(payload: Any, key: str = "results") -> list:
    if not isinstance(payload, dict):
        raise MassivePayloadError("Massive sent an unexpected response (not a JSON object).")
    value = payload.get(key)
    if value is None:
        return []  # absent results = no data (documented)
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list):
        raise MassivePayloadError(f"Massive sent '{key}' of an unexpected type.")
    return value


def _num(value: Any) -> float:
    if isinstance(value, bool) or value is None:
        return math.nan
    if isinstance(value, int | float):
        return float(value)
    return math.nan


def ms_to_seconds(value: Any) -> int | None:
    """Unix ms → epoch seconds; a value that looks like seconds (or ns) is rejected (None)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 1e11 <= value < 1e14:  # 1973 … 5138 in ms
        return None
    return int(value // 1000)


def ns_to_datetime(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None  # ns must stay integers: a float has already lost precision
    return datetime.fromtimestamp(value // 1_000_000_000, UTC).replace(microsecond=(value // 1000) % 1_000_000)


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed payload and how many rows were dropped as malformed."""

    value: Any
    dropped: int = 0


def parse_aggregates(payload: Any, symbol: str, timeframe: Timeframe) -> Parsed:
    """Aggregate bars → ``Bars`` (``t`` = window start; daily bars sit at 00:00 ET of their
    date, which is how ``Bars`` stamps daily bars too). Index bars have no volume: 0."""
    rows = _results(payload)
    ts, cols, dropped = [], {k: [] for k in "ohlcv"}, 0
    for row in rows:
        if not isinstance(row, dict):
            dropped += 1
            continue
        t = ms_to_seconds(row.get("t"))
        o, h, l, c = (_num(row.get(k)) for k in "ohlc")
        if t is None or not all(math.isfinite(x) for x in (o, h, l, c)):
            dropped += 1
            continue
        if timeframe is Timeframe.D1:
            t = _et_midnight(t)
        ts.append(t)
        for k, x in zip("ohlc", (o, h, l, c), strict=True):
            cols[k].append(x)
        v = _num(row.get("v"))
        cols["v"].append(v if math.isfinite(v) else 0.0)
    bars = Bars(symbol, timeframe, np.array(ts, dtype=np.int64), cols["o"], cols["h"], cols["l"], cols["c"], cols["v"])
    return Parsed(bars, dropped)


def _et_midnight(t: int) -> int:
    day = datetime.fromtimestamp(t, UTC).astimezone(ET).date()
    return int(datetime(day.year, day.month, day.day, tzinfo=ET).timestamp())


def parse_stock_snapshot(payload: Any, symbol: str) -> Quote:
    """``/v2/snapshot/.../tickers/{t}`` → Quote. Last trade if the plan has it, else the latest
    minute or day close; bid/ask from the last quote when present."""
    if not isinstance(payload, dict) or not isinstance(payload.get("ticker"), dict):
        raise MassivePayloadError(f"No snapshot for {symbol} in Massive's answer.")
    t = payload["ticker"]
    day, prev, minute = (t.get(k) if isinstance(t.get(k), dict) else {} for k in ("day", "prevDay", "min"))
    trade = t.get("lastTrade") if isinstance(t.get("lastTrade"), dict) else {}
    quote = t.get("lastQuote") if isinstance(t.get("lastQuote"), dict) else {}
    last = next((x for x in (_num(trade.get("p")), _num(minute.get("c")), _num(day.get("c")))
                 if math.isfinite(x) and x > 0), math.nan)
    if not math.isfinite(last):
        raise MassivePayloadError(f"Massive's snapshot of {symbol} has no price yet.")
    stamp = ns_to_datetime(t.get("updated")) or ns_to_datetime(trade.get("t"))
    bid, ask = _num(quote.get("p")), _num(quote.get("P"))
    return Quote(symbol, int(stamp.timestamp()) if stamp else 0, last, bid if math.isfinite(bid) else last,
                 ask if math.isfinite(ask) else last, _num(prev.get("c")),
                 _num(minute.get("av")) if math.isfinite(_num(minute.get("av"))) else _num(day.get("v")))


def parse_indices_snapshot(payload: Any) -> Parsed:
    """``/v3/snapshot/indices`` → {symbol: Quote}; per-item errors are dropped and counted."""
    quotes, dropped = {}, 0
    for item in _results(payload):
        if not isinstance(item, dict) or item.get("error") or not isinstance(item.get("session"), dict):
            dropped += 1
            continue
        value = _num(item.get("value"))
        ticker = item.get("ticker")
        if not isinstance(ticker, str) or not math.isfinite(value):
            dropped += 1
            continue
        symbol = from_massive_ticker(ticker)
        stamp = ns_to_datetime(item.get("last_updated"))
        quotes[symbol] = Quote(symbol, int(stamp.timestamp()) if stamp else 0, value, value, value,
                               _num(item["session"].get("previous_close")), 0.0)
    return Parsed(quotes, dropped)


def parse_option_chain(payloads: list[Any], underlying: str, asof: datetime) -> Parsed:
    """Pages of ``/v3/snapshot/options/{underlying}`` → one ``OptionChain``. Contracts whose
    ticker or details do not parse are dropped (e.g. the spec example with 9 strike digits)."""
    cols: dict[str, list] = {k: [] for k in ("symbol", "root", "expiry", "is_call", "strike", "bid", "ask", "last",
                                             "volume", "open_interest", "iv", "delta", "gamma", "adjusted")}
    dropped = 0
    for payload in payloads:
        for item in _results(payload):
            row = _option_row(item)
            if row is None:
                dropped += 1
                continue
            for k, v in row.items():
                cols[k].append(v)
    chain = OptionChain(underlying=underlying, asof=asof, **cols)
    return Parsed(chain, dropped)


def _option_row(item: Any) -> dict | None:
    if not isinstance(item, dict) or not isinstance(item.get("details"), dict):
        return None
    details = item["details"]
    ticker = details.get("ticker")
    try:
        occ = parse_option_symbol(ticker) if isinstance(ticker, str) else None
    except SymbolError:
        return None
    if occ is None:
        return None
    kind = details.get("contract_type")
    strike = _num(details.get("strike_price"))
    try:
        expiry = date.fromisoformat(str(details.get("expiration_date")))
    except ValueError:
        return None
    if kind not in ("call", "put") or not math.isfinite(strike) or expiry != occ.expiry or strike != occ.strike:
        return None
    quote = item.get("last_quote") if isinstance(item.get("last_quote"), dict) else {}
    trade = item.get("last_trade") if isinstance(item.get("last_trade"), dict) else {}
    day = item.get("day") if isinstance(item.get("day"), dict) else {}
    greeks = item.get("greeks") if isinstance(item.get("greeks"), dict) else {}
    shares = details.get("shares_per_contract", 100)
    return {
        "symbol": occ.compact[2:], "root": occ.root, "expiry": np.datetime64(expiry, "D"), "is_call": kind == "call",
        "strike": strike, "bid": _num(quote.get("bid")), "ask": _num(quote.get("ask")),
        "last": _num(trade.get("price")) if trade else _num(day.get("close")),
        "volume": _num(day.get("volume")), "open_interest": _num(item.get("open_interest")),
        "iv": _num(item.get("implied_volatility")), "delta": _num(greeks.get("delta")),
        "gamma": _num(greeks.get("gamma")), "adjusted": occ.root[-1].isdigit() or shares != 100,
    }


def parse_ticker_search(payload: Any) -> Parsed:
    out, dropped = [], 0
    for item in _results(payload):
        if not isinstance(item, dict) or not isinstance(item.get("ticker"), str):
            dropped += 1
            continue
        symbol = from_massive_ticker(item["ticker"])
        kind = SymbolKind.INDEX if item.get("market") == "indices" else (
            SymbolKind.ETF if item.get("type") == "ETF" else SymbolKind.STOCK)
        out.append(SymbolInfo(symbol, str(item.get("name", "")), kind))
    return Parsed(out, dropped)


@dataclass(frozen=True, slots=True)
class OptionContract:
    symbol: str  # OCC, no O: prefix
    underlying: str
    is_call: bool
    expiry: date
    strike: float
    shares_per_contract: int
    adjusted: bool  # non-standard deliverable


def parse_option_contracts(payloads: list[Any]) -> Parsed:
    out, dropped = [], 0
    for payload in payloads:
        for item in _results(payload):
            try:
                occ = parse_option_symbol(str(item["ticker"]))
                shares = int(item.get("shares_per_contract", 100))
                adjusted = bool(item.get("additional_underlyings")) or shares != 100 or occ.root[-1].isdigit()
                out.append(OptionContract(occ.compact[2:], str(item.get("underlying_ticker", occ.underlying)),
                                          item["contract_type"] == "call", date.fromisoformat(item["expiration_date"]),
                                          float(item["strike_price"]), shares, adjusted))
            except (KeyError, TypeError, ValueError, SymbolError):
                dropped += 1
    return Parsed(out, dropped)
