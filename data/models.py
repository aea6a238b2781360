"""Standard market-data models every provider produces and every consumer reads.

Bars are column arrays (float64 prices, int64 epoch-second bar starts in UTC) so a year of
1-minute bars is a handful of numpy arrays, not a million objects. Everything is frozen.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from data.symbols import SymbolKind


class Timeframe(str, Enum):
    M1 = "1m"
    M5 = "5m"
    M15 = "15m"
    H1 = "1h"
    H4 = "4h"
    D1 = "1D"

    @property
    def minutes(self) -> int:
        return _TF_MINUTES[self]

    @property
    def is_intraday(self) -> bool:
        return self is not Timeframe.D1

    @classmethod
    def parse(cls, text: str) -> Timeframe:
        for tf in cls:
            if tf.value.lower() == text.strip().lower():
                return tf
        raise ValueError(f"unknown timeframe '{text}' (use one of {', '.join(t.value for t in cls)})")


_TF_MINUTES = {
    Timeframe.M1: 1, Timeframe.M5: 5, Timeframe.M15: 15,
    Timeframe.H1: 60, Timeframe.H4: 240, Timeframe.D1: 390,
}


def _frozen_array(values: np.ndarray, dtype: type) -> np.ndarray:
    arr = np.array(values, dtype=dtype, copy=True)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class Bars:
    """OHLCV bars of one symbol and timeframe; ``ts`` is the bar start (UTC epoch seconds)."""

    symbol: str
    timeframe: Timeframe
    ts: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.ts)
        for name in ("ts", "open", "high", "low", "close", "volume"):
            col = getattr(self, name)
            if len(col) != n:
                raise ValueError(f"Bars.{name} has {len(col)} rows, ts has {n}")
            dtype = np.int64 if name == "ts" else np.float64
            object.__setattr__(self, name, _frozen_array(col, dtype))

    def __len__(self) -> int:
        return len(self.ts)

    @classmethod
    def empty(cls, symbol: str, timeframe: Timeframe) -> Bars:
        z = np.empty(0)
        return cls(symbol, timeframe, z.astype(np.int64), z, z, z, z, z)

    def slice(self, start: int, stop: int | None = None) -> Bars:
        s = slice(start, stop)
        return Bars(self.symbol, self.timeframe, self.ts[s], self.open[s], self.high[s],
                    self.low[s], self.close[s], self.volume[s])

    def take(self, index: np.ndarray) -> Bars:
        """The rows at ``index`` (an integer array or boolean mask)."""
        return Bars(self.symbol, self.timeframe, *(getattr(self, c)[index]
                                                   for c in ("ts", "open", "high", "low", "close", "volume")))

    def concat(self, *others: Bars) -> Bars:
        parts = (self, *others)
        return Bars(self.symbol, self.timeframe,
                    *(np.concatenate([getattr(p, c) for p in parts])
                      for c in ("ts", "open", "high", "low", "close", "volume")))


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar, as streamed; ``closed`` is False while the bar is still forming."""

    symbol: str
    timeframe: Timeframe
    ts: int
    open: float
    high: float
    low: float
    close: float
    volume: float
    closed: bool


@dataclass(frozen=True, slots=True)
class Quote:
    symbol: str
    ts: int  # UTC epoch seconds of the last update
    last: float
    bid: float
    ask: float
    prev_close: float
    day_volume: float

    @property
    def change(self) -> float:
        return self.last - self.prev_close

    @property
    def change_pct(self) -> float:
        return 100.0 * self.change / self.prev_close if self.prev_close else float("nan")


@dataclass(frozen=True, slots=True)
class SymbolInfo:
    symbol: str
    name: str
    kind: SymbolKind


@dataclass(frozen=True, slots=True)
class ConnectionState:
    """A live feed's state: "connected" (or "delayed"), "backfilling" (fetching minutes an outage
    cost), "degraded" (REST rate-limited, or minutes still missing; ``message`` says how many),
    "reconnecting" or "offline". ``message`` carries the detail the status bar shows."""

    state: str
    message: str = ""


StreamEvent = Quote | Bar | ConnectionState


INDICATOR_WINDOWS = {"sma": (50,), "ema": (50,), "rsi": (14,), "macd": (12, 26, 9)}  # a provider's defaults


@dataclass(frozen=True, eq=False)
class IndicatorSeries:
    """A provider's own series of one indicator (``sma``, ``ema``, ``rsi``, ``macd``) on one symbol and
    timeframe, oldest first. ``ts`` is the start of the bar each value belongs to (UTC epoch seconds;
    daily values at 00:00 ET, as ``Bars``). ``windows``: (window,) or MACD's (short, long, signal).
    MACD: ``value`` is the MACD line, with ``signal`` and ``histogram``; other indicators leave
    those two empty. ``computed_from``: the start of the first bar the provider computed on (its
    warm-up starts there; None when it does not say)."""

    symbol: str
    name: str
    timeframe: Timeframe
    windows: tuple[int, ...]
    ts: np.ndarray
    value: np.ndarray
    signal: np.ndarray
    histogram: np.ndarray
    adjusted: bool = True
    computed_from: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "ts", _frozen_array(self.ts, np.int64))
        for name in ("value", "signal", "histogram"):
            object.__setattr__(self, name, _frozen_array(getattr(self, name), np.float64))

    def __len__(self) -> int:
        return len(self.ts)
