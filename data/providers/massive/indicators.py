"""Massive's own indicator series (``GET /v1/indicators/{sma|ema|rsi|macd}/{ticker}``), mixed into
``MassiveProvider`` (which then is an ``IndicatorsProvider``).

Only where Massive's bars are ours: 1-minute and daily. The endpoint has a ``timespan`` but no
multiplier (no 5m, 15m or 4h), and its ``hour`` bars start on the clock hour while our hourly bars
start at 09:30, so an hourly value would belong to no bar of our chart. Its minute series run
through pre- and post-market minutes too (the aggregates it computes on), so on a regular-hours
chart they differ from ours after every overnight gap. Values are of closes (``series_type=close``),
newest first as asked (``order=desc``, so ``limit`` keeps the latest), 5,000 a page.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING

from data.models import INDICATOR_WINDOWS, IndicatorSeries, Timeframe
from data.providers.massive.errors import MassiveError
from data.providers.massive.indicator_parsers import INDICATORS, parse_indicator
from data.providers.massive.parsers import to_massive_ticker
from data.symbols import SymbolError, normalize_symbol

if TYPE_CHECKING:
    from data.providers.massive.client import MassiveClient

TIMESPANS = {Timeframe.M1: "minute", Timeframe.D1: "day"}
PAGE_LIMIT = 5000  # Massive's largest page
MAX_VALUES = 20_000
INDICATOR_TTL_S = 30.0
_WINDOW_PARAMS = {"macd": ("short_window", "long_window", "signal_window")}


def indicator_params(name: str, timeframe: Timeframe, windows: tuple[int, ...], limit: int, adjusted: bool,
                     start: datetime | None = None) -> dict[str, object]:
    """The query of one indicator request; a name, timeframe or window Massive cannot serve is a
    ``MassiveError`` that says so."""
    if name not in INDICATORS:
        raise MassiveError(f"Massive has no indicator '{name}' (use one of {', '.join(INDICATORS)}).")
    if timeframe not in TIMESPANS:
        raise MassiveError(f"Massive's indicators come on 1-minute or daily bars, not {timeframe.value}.")
    keys = _WINDOW_PARAMS.get(name, ("window",))
    windows = windows or INDICATOR_WINDOWS[name]
    if len(windows) != len(keys) or any(not isinstance(w, int) or w < 1 for w in windows):
        raise MassiveError(f"{name.upper()} takes {len(keys)} whole window length(s) ({', '.join(keys)}).")
    if name == "macd" and windows[0] >= windows[1]:
        raise MassiveError(f"MACD's short window ({windows[0]}) must be shorter than its long one ({windows[1]}).")
    params: dict[str, object] = {"timespan": TIMESPANS[timeframe], "adjusted": adjusted, "series_type": "close",
                                 "order": "desc", "limit": max(1, min(limit, PAGE_LIMIT))}
    params.update(zip(keys, windows, strict=True))
    if start is not None:
        params["timestamp.gte"] = int(start.timestamp() * 1000)
    return params


class MassiveIndicators:
    """``get_indicator`` for ``MassiveProvider`` (its client and answer cache)."""

    indicator_timeframes = frozenset(TIMESPANS)
    client: MassiveClient

    if TYPE_CHECKING:  # the provider's answer cache
        def _cached(self, key: tuple, ttl: float) -> object | None: ...

        def _store(self, key: tuple, value: object) -> object: ...

    async def get_indicator(self, symbol: str, name: str, timeframe: Timeframe, windows: tuple[int, ...] = (),
                            *, limit: int = 500, start: datetime | None = None,
                            adjusted: bool = True) -> IndicatorSeries:
        try:
            sym = normalize_symbol(symbol)
        except SymbolError as exc:
            raise MassiveError(str(exc)) from None
        name = name.lower()
        params = indicator_params(name, timeframe, tuple(windows), limit, adjusted, start)
        limit = max(1, min(limit, MAX_VALUES))
        key = ("indicator", sym, name, timeframe, tuple(windows), limit, adjusted, start)
        if (hit := self._cached(key, INDICATOR_TTL_S)) is not None:
            return hit  # type: ignore[return-value]
        pages = await self.client.paginate(f"/v1/indicators/{name}/{to_massive_ticker(sym)}", params,
                                           max_pages=math.ceil(limit / PAGE_LIMIT))
        parsed = parse_indicator(pages, sym, name, timeframe, tuple(windows) or INDICATOR_WINDOWS[name], adjusted)
        series: IndicatorSeries = parsed.value
        if not len(series) and parsed.dropped:
            raise MassiveError(f"Massive's {name.upper()} of {sym} had {parsed.dropped} values and none readable "
                               "(timestamps must be Unix ms, values finite" + (", RSI within 0–100)." if name == "rsi"
                                                                              else ")."))
        if len(series) > limit:
            series = _newest(series, limit)
        return self._store(key, series)  # type: ignore[return-value]


def _newest(series: IndicatorSeries, limit: int) -> IndicatorSeries:
    cut = slice(len(series) - limit, None)
    macd = series.name == "macd"
    return IndicatorSeries(series.symbol, series.name, series.timeframe, series.windows, series.ts[cut],
                           series.value[cut], series.signal[cut] if macd else series.signal,
                           series.histogram[cut] if macd else series.histogram, series.adjusted,
                           series.computed_from)
