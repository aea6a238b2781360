"""The provider's own indicator series on the chart's bars, where the provider computes them
(``IndicatorsProvider``: Massive's ``/v1/indicators``; the demo and replay providers do not).

A value belongs to the chart bar with its timestamp (both are bar starts); a bar without one gets
NaN, and so does a provider value without a bar (e.g. Massive's minute series also runs through
pre-market minutes a regular-hours chart does not show). Expect the provider's numbers to differ
from ours over its warm-up: it seeds its averages where its own fetched bars begin
(``computed_from``), we where the chart's bars begin; an EMA's difference then shrinks by
(1 - 2/(n+1)) a bar (see tests/data/test_massive_indicators.py for the figures on recorded answers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from data.models import Bars, IndicatorSeries, Timeframe
from data.providers.base import IndicatorsProvider

MAX_VALUES = 20_000  # 4 of Massive's pages


@dataclass(frozen=True, slots=True, eq=False)
class AlignedIndicator:
    """A provider series laid on ``len(bars)`` bars: NaN where the provider has no value for a bar."""

    name: str
    windows: tuple[int, ...]
    value: np.ndarray
    signal: np.ndarray  # MACD only (else all NaN)
    histogram: np.ndarray
    matched: int  # bars that got a value
    computed_from: int | None  # where the provider's warm-up began (a bar start), if it says


def serves(provider: object, timeframe: Timeframe) -> bool:
    """True when ``provider`` computes indicators on ``timeframe``'s bars."""
    return isinstance(provider, IndicatorsProvider) and timeframe in provider.indicator_timeframes


def align(series: IndicatorSeries, ts: np.ndarray) -> AlignedIndicator:
    """``series`` on the bars starting at ``ts`` (sorted, unique)."""
    ts = np.asarray(ts, dtype=np.int64)
    out = {k: np.full(len(ts), np.nan) for k in ("value", "signal", "histogram")}
    matched = 0
    if len(ts) and len(series):
        at = np.searchsorted(ts, series.ts).clip(max=len(ts) - 1)
        hit = ts[at] == series.ts
        matched = int(hit.sum())
        for key, column in out.items():
            source = getattr(series, key)
            if len(source):
                column[at[hit]] = source[hit]
    return AlignedIndicator(series.name, series.windows, out["value"], out["signal"], out["histogram"], matched,
                            series.computed_from)


async def provider_indicator(provider: object, bars: Bars, name: str,
                             windows: tuple[int, ...] = ()) -> AlignedIndicator | None:
    """The provider's ``name`` series on ``bars`` (from their first bar on; 3 values a bar at most, room
    for extended-hours minutes), or None when the provider computes none on this timeframe. A
    provider failure propagates (a ``ProviderError``)."""
    if not len(bars) or not serves(provider, bars.timeframe):
        return None
    start = datetime.fromtimestamp(int(bars.ts[0]), UTC)
    series = await provider.get_indicator(bars.symbol, name, bars.timeframe, windows,  # type: ignore[union-attr]
                                          limit=min(MAX_VALUES, 3 * len(bars)), start=start)
    return align(series, bars.ts)
