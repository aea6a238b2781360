"""The demo market's minutes, for one session or many at once (one row a day).

A daily chart, a year of IV rank or three years of macro impact each need hundreds of whole
sessions of minutes (a daily bar's high and low are its minutes'). One session at a time, each
was a small numpy pipeline of ~50 calls (~0.4 ms a session); here the sessions of one shape go
through it together. Every operation is elementwise or runs along a row and each day keeps its
own random streams, drawn in the same order, so a day's numbers are the same whichever batch
made them (a single session is a batch of one; tests compare them bit for bit).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

Rngs = Sequence[np.random.Generator]  # one per day of the batch


@dataclass(frozen=True, slots=True)
class Part:
    """One stretch of a batch of sessions (pre-market, regular or after hours), a row a day."""

    log_open: np.ndarray  # (days, 1): the log price the first minute opens at
    log_path: np.ndarray  # (days, minutes): log closes
    sigma: np.ndarray  # (minutes,): per-minute volatility
    volume_share: float | None  # each minute's share of the day's volume; None: the regular U shape


class KeptSessions:
    """The sessions built last (least recently used out first), shared by the worker threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def bridge_paths(rngs: Rngs, n: int, sigma: np.ndarray, start, end) -> np.ndarray:
    """Log-price paths of ``n`` minutes from ``start`` to exactly ``end`` (scalars or a column
    a day), a row a day.

    A random walk with per-minute volatility ``sigma``, pinned by a variance-weighted bridge:
    the drift lands where volatility is high (the open), which is how opening drives look.
    """
    steps = np.stack([rng.standard_normal(n) for rng in rngs]) * sigma
    walk = np.cumsum(steps, axis=1)
    var = np.cumsum(sigma**2, axis=-1)
    return start + walk + (end - start - walk[:, -1:]) * (var / var[..., -1:])


def basis(rngs: Rngs, n: int, sd: float = 1.0e-4, phi: float = 0.9) -> np.ndarray:
    """An ETF's log premium to its index ratio: AR(1) noise of ``sd``, pinned to 0 at the close."""
    shocks = np.stack([rng.standard_normal(n) for rng in rngs]) * sd * np.sqrt(1 - phi * phi)
    starts = [rng.standard_normal() * sd for rng in rngs]
    out = _ar1_columns(starts, shocks, phi) if len(rngs) >= _AR1_COLUMNS_FROM else _ar1_rows(starts, shocks, phi)
    return out - out[:, -1:] * np.arange(1, n + 1) / n


# The recurrence a minute at a time: on Python floats row by row for a few days, on a column of
# all days per minute for many (a daily-bar request builds up to 64 sessions at once: ~5x faster).
# Both make the same multiply and add per element as IEEE doubles: the same numbers bit for bit.
_AR1_COLUMNS_FROM = 24


def _ar1_rows(starts: list[float], shocks: np.ndarray, phi: float) -> np.ndarray:
    rows = []
    for level, day_shocks in zip(starts, shocks.tolist(), strict=True):
        row = []
        for shock in day_shocks:
            level = phi * level + shock
            row.append(level)
        rows.append(row)
    return np.array(rows)


def _ar1_columns(starts: list[float], shocks: np.ndarray, phi: float) -> np.ndarray:
    by_minute = np.ascontiguousarray(shocks.T)
    out = np.empty_like(by_minute)
    level = np.array(starts)
    for j, column in enumerate(by_minute):
        level = phi * level + column
        out[j] = level
    return out.T


def minutes_ohlcv(daily_volume: float, volume_mult: np.ndarray, parts: Sequence[Part], rngs: Rngs
                  ) -> tuple[np.ndarray, ...]:
    """(open, high, low, close, volume) minutes of the parts side by side, a row a day: wicks
    around each move, volume that follows the session's U shape (flat shares in extended hours)
    and the size of each move. ``volume_mult``: each day's (its plan's)."""
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("o", "h", "l", "c", "v")}
    for part in parts:
        k, m = part.log_path.shape
        log_opens = np.concatenate([part.log_open, part.log_path[:, :-1]], axis=1)
        opens = np.exp(log_opens)
        closes = np.exp(part.log_path)
        wick = np.exp(np.abs(np.stack([rng.standard_normal((2, m)) for rng in rngs])) * 0.4 * part.sigma)
        vols = np.zeros((k, m))
        if daily_volume:
            moved = np.abs(part.log_path - log_opens) / part.sigma
            if part.volume_share is None:
                shape = regular_volume_shape(m)
                share = shape / shape.sum()
            else:
                share = np.full(m, 1.0) * part.volume_share
            noise = np.exp(0.35 * np.stack([rng.standard_normal(m) for rng in rngs]))
            vols = np.round(daily_volume * volume_mult[:, None] * share * noise * (0.7 + 0.3 * moved))
        for key, arr in (("o", opens), ("h", np.maximum(opens, closes) * wick[:, 0]),
                         ("l", np.minimum(opens, closes) / wick[:, 1]), ("c", closes), ("v", vols)):
            cols[key].append(arr)
    o, h, l, c = (round_tick(np.concatenate(cols[key], axis=1)) for key in ("o", "h", "l", "c"))
    return o, np.maximum.reduce([h, o, c]), np.minimum.reduce([l, o, c]), c, np.concatenate(cols["v"], axis=1)


def skip_draws(rngs: Rngs, minutes: int, with_volume: bool) -> None:
    """Make the random draws ``minutes_ohlcv`` makes for a part of ``minutes`` without building
    it, so the parts after it get the same numbers (a daily bar needs no pre-market minutes)."""
    for rng in rngs:
        rng.standard_normal((2, minutes))
        if with_volume:
            rng.standard_normal(minutes)


def round_tick(x: np.ndarray) -> np.ndarray:
    return np.round(x, 2)  # nearest double to the cent, no 572.3100000000001 noise


@lru_cache(maxsize=16)  # a few session lengths (full days, half days): read-only arrays
def regular_vol_shape(n: int) -> np.ndarray:
    m = np.arange(n, dtype=float)
    lunch = 0.35 * np.exp(-(((m - n * 0.47) / (n * 0.15)) ** 2))
    return _read_only(1.0 + 1.6 * np.exp(-m / 20.0) + 0.5 * np.exp(-(n - 1 - m) / 25.0) - lunch)


@lru_cache(maxsize=16)
def regular_volume_shape(n: int) -> np.ndarray:
    m = np.arange(n, dtype=float)
    lunch = 0.3 * np.exp(-(((m - n * 0.47) / (n * 0.15)) ** 2))
    return _read_only(1.0 + 3.0 * np.exp(-m / 15.0) + 2.0 * np.exp(-(n - 1 - m) / 12.0) - lunch)


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a
