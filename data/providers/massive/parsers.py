"""Turn Massive JSON payloads into the standard models. Strict about shapes, tolerant of the
documented gaps (no volume on index bars, absent ``results``, plan-gated fields).

Errors: a payload of the wrong shape raises ``MassivePayloadError`` and nothing else; a bad item of
a batch (a bar, a contract, a stream event) is dropped and counted in ``Parsed.dropped``. Numbers
must be finite (an int beyond float range or JSON's ``1e999`` counts as missing), prices positive,
stamps between 1973 and 2100, shares per contract a whole number from 1 to 100,000."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from data.market_calendar import ET
from data.models import Bar, Bars, Quote, SymbolInfo, Timeframe
from data.option_chain import OptionChain
from data.providers.massive.errors import MassivePayloadError
from data.symbols import OptionSymbol, SymbolError, SymbolKind, normalize_symbol, parse_option_symbol, symbol_kind

INDEX_PREFIX = "I:"
OPTION_PREFIX = "O:"
_MIN_MS, _MAX_MS = 100_000_000_000, 4_102_444_800_000  # 1973-03-03 … 2100-01-01: anything else is not ms
_MAX_SHARES = 100_000
_DIGITS = "0123456789"


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


def decode_json(raw: str | bytes, what: str = "a response") -> Any:
    """JSON text → value; anything undecodable (bad UTF-8, a 5,000-digit number, nesting deep enough
    to exhaust the stack) is a ``MassivePayloadError``, never a RecursionError."""
    try:
        return json.loads(raw)
    except (ValueError, TypeError, RecursionError):
        raise MassivePayloadError(f"Massive sent {what} that is not valid JSON.") from None


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
    """A finite float, or NaN for anything else (text, bool, inf, an int too big for a float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return math.nan
    try:
        x = float(value)
    except OverflowError:
        return math.nan
    return x if math.isfinite(x) else math.nan


def _positive(value: Any) -> float:
    x = _num(value)
    return x if x > 0 else math.nan


def _nonneg(value: Any) -> float:
    x = _num(value)
    return x if x >= 0 else math.nan


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""  # never str(): a deeply nested value can overflow repr


def _obj(parent: dict, key: str) -> dict:
    value = parent.get(key)
    return value if isinstance(value, dict) else {}


def symbol_of(ticker: Any) -> str | None:
    """Our symbol for a Massive ticker, or None for what we do not trade (fx, crypto, junk)."""
    if not isinstance(ticker, str):
        return None
    try:
        return normalize_symbol(from_massive_ticker(ticker))
    except SymbolError:
        return None


def ms_to_seconds(value: Any) -> int | None:
    """Unix ms → epoch seconds; a value that looks like seconds (or ns), or is out of range, is None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not _MIN_MS <= value < _MAX_MS:  # also False for NaN
        return None
    return int(value // 1000)


def ns_to_datetime(value: Any) -> datetime | None:
    """Unix ns → aware datetime; None when not an int or outside 1973 … 2100 (fromtimestamp would raise)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None  # ns must stay integers: a float has already lost precision
    if not _MIN_MS * 1_000_000 <= value < _MAX_MS * 1_000_000:
        return None
    return datetime.fromtimestamp(value // 1_000_000_000, UTC).replace(microsecond=(value // 1000) % 1_000_000)


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed payload and how many rows were dropped as malformed."""

    value: Any
    dropped: int = 0


def keep(rows: list, build: Callable[[dict], Any]) -> Parsed:
    """``build(row)`` for each row; rows that are not objects or give None are dropped and counted."""
    out, dropped = [], 0
    for row in rows:
        item = build(row) if isinstance(row, dict) else None
        if item is None:
            dropped += 1
        else:
            out.append(item)
    return Parsed(out, dropped)


def _ohlc(row: dict, keys: str = "ohlc") -> tuple[float, float, float, float] | None:
    """Positive finite prices with low ≤ open, close ≤ high, or None."""
    o, h, l, c = (_positive(row.get(k)) for k in keys)
    if not (l <= min(o, c) and max(o, c) <= h):  # False whenever one is NaN
        return None
    return o, h, l, c


def parse_aggregates(payload: Any, symbol: str, timeframe: Timeframe) -> Parsed:
    """Aggregate bars → ``Bars`` (``t`` = window start; daily bars sit at 00:00 ET of their
    date, which is how ``Bars`` stamps daily bars too). Index bars have no volume: 0."""
    ts, cols, dropped = [], {k: [] for k in "ohlcv"}, 0
    for row in _results(payload):
        t = ms_to_seconds(row.get("t")) if isinstance(row, dict) else None
        prices = _ohlc(row) if t is not None else None
        if t is None or prices is None:
            dropped += 1
            continue
        ts.append(_et_midnight(t) if timeframe is Timeframe.D1 else t)
        for k, x in zip("ohlc", prices, strict=True):
            cols[k].append(x)
        v = _nonneg(row.get("v"))
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
    day, prev, minute = (_obj(t, k) for k in ("day", "prevDay", "min"))
    trade, quote = _obj(t, "lastTrade"), _obj(t, "lastQuote")
    last = next((x for x in (_positive(trade.get("p")), _positive(minute.get("c")), _positive(day.get("c")))
                 if math.isfinite(x)), math.nan)
    if not math.isfinite(last):
        raise MassivePayloadError(f"Massive's snapshot of {symbol} has no price yet.")
    stamp = ns_to_datetime(t.get("updated")) or ns_to_datetime(trade.get("t"))
    bid, ask = _positive(quote.get("p")), _positive(quote.get("P"))
    volume = _nonneg(minute.get("av"))
    return Quote(symbol, int(stamp.timestamp()) if stamp else 0, last, bid if math.isfinite(bid) else last,
                 ask if math.isfinite(ask) else last, _positive(prev.get("c")),
                 volume if math.isfinite(volume) else _nonneg(day.get("v")))


def parse_indices_snapshot(payload: Any) -> Parsed:
    """``/v3/snapshot/indices`` → {symbol: Quote}; per-item errors are dropped and counted."""
    quotes, dropped = {}, 0
    for item in _results(payload):
        if not isinstance(item, dict) or item.get("error") or not isinstance(item.get("session"), dict):
            dropped += 1
            continue
        value, symbol = _positive(item.get("value")), symbol_of(item.get("ticker"))
        if symbol is None or not math.isfinite(value):
            dropped += 1
            continue
        stamp = ns_to_datetime(item.get("last_updated"))
        quotes[symbol] = Quote(symbol, int(stamp.timestamp()) if stamp else 0, value, value, value,
                               _positive(item["session"].get("previous_close")), 0.0)
    return Parsed(quotes, dropped)


def parse_option_chain(payloads: list[Any], underlying: str, asof: datetime) -> Parsed:
    """Pages of ``/v3/snapshot/options/{underlying}`` → one ``OptionChain``. Contracts whose
    ticker or details do not parse are dropped (e.g. the spec example with 9 strike digits)."""
    cols: dict[str, list] = {k: [] for k in ("symbol", "root", "expiry", "is_call", "strike", "bid", "ask", "last",
                                             "volume", "open_interest", "iv", "delta", "gamma", "adjusted")}
    dropped = 0
    for payload in payloads:
        for item in _results(payload):
            row = _option_row(item) if isinstance(item, dict) else None
            if row is None:
                dropped += 1
                continue
            for k, v in row.items():
                cols[k].append(v)
    chain = OptionChain(underlying=underlying, asof=asof, **cols)
    return Parsed(chain, dropped)


def _shares(value: Any) -> int | None:
    """Shares per contract: absent = the standard 100; else a whole number in 1 … 100,000."""
    if value is None:
        return 100
    x = _num(value)
    return int(x) if 1 <= x <= _MAX_SHARES and x == int(x) else None


def _contract_terms(details: dict) -> tuple[OptionSymbol, bool, int] | None:
    """(OCC symbol, is call, shares) when ticker, type, strike, expiry and shares agree, else None."""
    try:
        occ = parse_option_symbol(details.get("ticker"))
    except SymbolError:
        return None
    kind, strike = details.get("contract_type"), _positive(details.get("strike_price"))
    shares, expiry = _shares(details.get("shares_per_contract")), _day(details.get("expiration_date"))
    if kind not in ("call", "put") or shares is None or expiry != occ.expiry or strike != occ.strike:
        return None
    return occ, kind == "call", shares


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _option_row(item: dict) -> dict | None:
    terms = _contract_terms(_obj(item, "details"))
    if terms is None:
        return None
    occ, is_call, shares = terms
    quote, trade, day, greeks = (_obj(item, k) for k in ("last_quote", "last_trade", "day", "greeks"))
    delta = _num(greeks.get("delta"))
    return {
        "symbol": occ.compact[2:], "root": occ.root, "expiry": np.datetime64(occ.expiry, "D"), "is_call": is_call,
        "strike": occ.strike, "bid": _nonneg(quote.get("bid")), "ask": _nonneg(quote.get("ask")),
        "last": _positive(trade.get("price")) if trade else _positive(day.get("close")),
        "volume": _nonneg(day.get("volume")), "open_interest": _nonneg(item.get("open_interest")),
        "iv": _nonneg(item.get("implied_volatility")), "delta": delta if abs(delta) <= 1 else math.nan,
        "gamma": _nonneg(greeks.get("gamma")), "adjusted": occ.root[-1] in _DIGITS or shares != 100,
    }


def parse_ticker_search(payload: Any) -> Parsed:
    """``/v3/reference/tickers`` → [SymbolInfo]; tickers we cannot trade (fx, crypto, junk) are dropped."""
    def build(item: dict) -> SymbolInfo | None:
        symbol = symbol_of(item.get("ticker"))
        if symbol is None:
            return None
        kind = SymbolKind.INDEX if item.get("market") == "indices" else (
            SymbolKind.ETF if item.get("type") == "ETF" else SymbolKind.STOCK)
        return SymbolInfo(symbol, _text(item.get("name")), kind)
    return keep(_results(payload), build)


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
    """Pages of ``/v3/reference/options/contracts`` → [OptionContract]; a bad contract is dropped."""
    def build(item: dict) -> OptionContract | None:
        terms = _contract_terms(item)
        if terms is None:
            return None
        occ, is_call, shares = terms
        adjusted = bool(item.get("additional_underlyings")) or shares != 100 or occ.root[-1] in _DIGITS
        return OptionContract(occ.compact[2:], symbol_of(item.get("underlying_ticker")) or occ.underlying,
                              is_call, occ.expiry, occ.strike, shares, adjusted)
    return keep([row for payload in payloads for row in _results(payload)], build)


_WS_EVENTS = ("AM", "A", "T", "V", "Q")


def parse_ws_event(item: Any) -> Bar | Quote | None:
    """One stream event → a closed 1-minute ``Bar`` (AM) or a ``Quote`` (A, T, V, Q); None for
    events that carry no market data (status …). A malformed event raises ``MassivePayloadError``;
    NaN in a quote means "this event does not say" (the provider's QuoteBook fills it in)."""
    if not isinstance(item, dict):
        raise MassivePayloadError("Massive sent a stream event that is not a JSON object.")
    ev = item.get("ev")
    if not isinstance(ev, str) or ev not in _WS_EVENTS:
        return None
    symbol = symbol_of(item.get("T") if ev == "V" else item.get("sym"))
    stamp = ms_to_seconds(item.get({"AM": "s", "A": "e"}.get(ev, "t")))
    if symbol is None or stamp is None:
        raise MassivePayloadError(f"Massive sent a {ev} event without a valid symbol or time.")
    if ev == "AM":
        prices = _ohlc(item)
        if prices is None:
            raise MassivePayloadError(f"Massive sent a minute bar of {symbol} with impossible prices.")
        v = _nonneg(item.get("v"))
        return Bar(symbol, Timeframe.M1, stamp, *prices, v if math.isfinite(v) else 0.0, closed=True)
    if ev == "Q":
        bid, ask = _nonneg(item.get("bp")), _positive(item.get("ap"))
        if not bid <= ask:  # also False for NaN
            raise MassivePayloadError(f"Massive sent a quote of {symbol} without a valid bid and ask.")
        return Quote(symbol, stamp, (bid + ask) / 2, bid, ask, math.nan, math.nan)  # quoted instruments: mid
    price = _positive(item.get({"V": "val", "A": "c"}.get(ev, "p")))
    if not math.isfinite(price):
        raise MassivePayloadError(f"Massive sent a {ev} event of {symbol} without a valid price.")
    return Quote(symbol, stamp, price, math.nan, math.nan, math.nan, _nonneg(item.get("av")) if ev == "A" else math.nan)


def parse_ws_events(items: list[Any]) -> Parsed:
    """The events of one frame → [Bar | Quote]; a malformed event is dropped and counted, not the frame."""
    if not isinstance(items, list):
        raise MassivePayloadError("Massive sent a stream frame that is not a JSON array.")
    out, dropped = [], 0
    for item in items:
        try:
            event = parse_ws_event(item)
        except MassivePayloadError:
            dropped += 1
            continue
        if event is not None:
            out.append(event)
    return Parsed(out, dropped)
