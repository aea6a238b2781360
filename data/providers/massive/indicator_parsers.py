"""Massive's technical indicators (``/v1/indicators/{sma|ema|rsi|macd}/{ticker}``) → ``IndicatorSeries``.

Same rules as ``parsers``: a payload of the wrong shape raises ``MassivePayloadError`` and nothing
else; a bad value is dropped and counted in ``Parsed.dropped``: a timestamp that is not Unix ms (the
recorded SMA mock carries seconds), a value that is not finite, an RSI outside 0…100, a MACD row
without a finite signal and histogram. Pages are merged, sorted oldest first, one value per bar.

``underlying.url`` names the aggregates Massive computed on (``…/range/1/day/{from}/{to}``): its
``from`` is where Massive's warm-up began (an EMA is seeded there with the simple average of its
first ``window`` closes), kept as ``computed_from`` (the start of the bar holding it), so our own
numbers can be computed on the same bars.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from data.market_calendar import ET
from data.models import Bars, IndicatorSeries, Timeframe
from data.providers.massive.errors import MassivePayloadError
from data.providers.massive.parsers import Parsed, _et_midnight, _num, ms_to_seconds, parse_aggregates

INDICATORS = ("sma", "ema", "rsi", "macd")


def _results(payload: Any, name: str) -> dict:
    if not isinstance(payload, dict):
        raise MassivePayloadError(f"Massive sent a {name.upper()} answer that is not a JSON object.")
    results = payload.get("results")
    if results is None:
        return {}  # no data for the range (documented: absent results)
    if not isinstance(results, dict):
        raise MassivePayloadError(f"Massive sent {name.upper()} results that are not an object.")
    return results


def _values(results: dict, name: str) -> list:
    values = results.get("values")
    if values is None:
        return []
    if not isinstance(values, list):
        raise MassivePayloadError(f"Massive sent {name.upper()} values that are not a list.")
    return values


def _row(row: Any, name: str, timeframe: Timeframe) -> tuple[int, float, float, float] | None:
    """(bar start, value, signal, histogram) or None when the row is not readable."""
    if not isinstance(row, dict):
        return None
    ts, value = ms_to_seconds(row.get("timestamp")), _num(row.get("value"))
    if ts is None or not math.isfinite(value) or (name == "rsi" and not 0.0 <= value <= 100.0):
        return None
    signal = histogram = math.nan
    if name == "macd":
        signal, histogram = _num(row.get("signal")), _num(row.get("histogram"))
        if not math.isfinite(signal + histogram):
            return None
    return _bar_start(ts, timeframe), value, signal, histogram


def _bar_start(ts: int, timeframe: Timeframe) -> int:
    return _et_midnight(ts) if timeframe is Timeframe.D1 else ts - ts % (timeframe.minutes * 60)


def underlying_from(underlying: Any, timeframe: Timeframe) -> int | None:
    """The start of the first bar of ``underlying.url``'s range (the bar holding its ``from``), or None."""
    url = underlying.get("url") if isinstance(underlying, dict) else None
    if not isinstance(url, str) or "/range/" not in url:
        return None
    parts = urlsplit(url).path.split("/range/", 1)[1].split("/")
    if len(parts) < 4:
        return None
    start = parts[2]
    if start.isdigit() and len(start) < 16:
        seconds = ms_to_seconds(int(start))
    else:
        try:
            day = date.fromisoformat(start)
        except ValueError:
            return None
        seconds = int(datetime(day.year, day.month, day.day, tzinfo=ET).timestamp())
    return _bar_start(seconds, timeframe) if seconds is not None else None


def parse_indicator(payloads: list[Any], symbol: str, name: str, timeframe: Timeframe,
                    windows: tuple[int, ...] = (), adjusted: bool = True) -> Parsed:
    """Pages of one indicator request → ``Parsed(IndicatorSeries, dropped)``."""
    if name not in INDICATORS:
        raise MassivePayloadError(f"Massive has no indicator '{name}' (use one of {', '.join(INDICATORS)}).")
    rows, dropped, computed_from = [], 0, None
    for payload in payloads:
        results = _results(payload, name)
        if computed_from is None:
            computed_from = underlying_from(results.get("underlying"), timeframe)
        for item in _values(results, name):
            row = _row(item, name, timeframe)
            if row is None:
                dropped += 1
            else:
                rows.append(row)
    table = np.array(rows, dtype=np.float64).reshape(-1, 4)
    ts = table[:, 0].astype(np.int64)
    _, first = np.unique(ts, return_index=True)  # sorted; a bar repeated across pages counts once
    dropped += len(ts) - len(first)
    table = table[first]
    macd = name == "macd"
    series = IndicatorSeries(symbol, name, timeframe, tuple(windows), table[:, 0].astype(np.int64), table[:, 1],
                             table[:, 2] if macd else np.empty(0), table[:, 3] if macd else np.empty(0),
                             adjusted, computed_from)
    return Parsed(series, dropped)


def parse_indicator_underlying(payload: Any, symbol: str, timeframe: Timeframe) -> Parsed:
    """The aggregates an ``expand_underlying=true`` answer carries → ``Bars`` (empty when absent)."""
    underlying = _results(payload, "indicator").get("underlying")
    aggregates = underlying.get("aggregates") if isinstance(underlying, dict) else None
    if aggregates is None:
        return Parsed(Bars.empty(symbol, timeframe))
    if not isinstance(aggregates, list):
        raise MassivePayloadError("Massive sent underlying aggregates that are not a list.")
    parsed = parse_aggregates({"results": aggregates}, symbol, timeframe)
    bars = parsed.value
    order = np.argsort(bars.ts, kind="stable")  # Massive sends them newest first (sort=desc)
    return Parsed(bars.take(order), parsed.dropped)
