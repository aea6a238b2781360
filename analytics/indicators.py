"""Technical indicators on float64 arrays, NaN during warm-up, matching TA-Lib's definitions.

SMA, RSI and ATR run as single compiled loops (``analytics.kernels``) where those were built,
and recursive averages (EMA, MACD) through ``analytics.recurrence``; otherwise numpy paths give
the same numbers, with SciPy's two-second import kept off the chart's start-up path. Seeding
follows TA-Lib and TradingView: an EMA of span n starts
at bar n-1 with the simple average of the first n values; Wilder's smoothing (RSI, ATR) starts
with the simple average of the first ``period`` changes / true ranges.
"""

from __future__ import annotations

import numpy as np

from analytics import kernels
from analytics.recurrence import linear_recurrence


def _f64(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _check_window(n: int, name: str) -> None:
    if int(n) != n or n < 1:
        raise ValueError(f"{name} must be a positive whole number, got {n}")


def sma(x: np.ndarray, window: int) -> np.ndarray:
    """Simple moving average; the first ``window - 1`` values are NaN."""
    _check_window(window, "window")
    x = _f64(x)
    if len(x) < window:
        return np.full(len(x), np.nan)
    if kernels.compiled is not None:
        return kernels.rolling_mean(x, window)
    csum = np.cumsum(x)
    out = np.empty(len(x))
    out[:window - 1] = np.nan
    out[window - 1] = csum[window - 1]
    np.subtract(csum[window:], csum[:-window], out=out[window:])
    out[window - 1:] /= window
    return out


def _recursive_average(x: np.ndarray, start: int, length: int, alpha: float) -> np.ndarray:
    """y[start+length-1] = mean(x[start:start+length]); then y[n] = α·x[n] + (1-α)·y[n-1]."""
    seed_at = start + length - 1
    if seed_at >= len(x):
        return np.full(len(x), np.nan)
    seed = x[start:seed_at + 1].mean()
    out = np.empty(len(x))
    out[:seed_at] = np.nan
    out[seed_at] = seed
    linear_recurrence(x[seed_at + 1:], alpha, seed, out=out[seed_at + 1:])
    return out


def ema(x: np.ndarray, span: int) -> np.ndarray:
    """Exponential moving average, α = 2/(span+1), seeded with the SMA of the first ``span``."""
    _check_window(span, "span")
    x = _f64(x)
    first = _first_finite(x)
    return _recursive_average(x, first, span, 2.0 / (span + 1.0))


def _first_finite(x: np.ndarray) -> int:
    if len(x) == 0:
        return 0
    finite = np.isfinite(x)
    first = int(finite.argmax())  # argmax stops at the first True; no index array is built
    return first if finite[first] else len(x)


def rsi(close: np.ndarray, period: int = 14) -> np.ndarray:
    """Wilder's RSI (0…100); the first ``period`` values are NaN. Flat prices give 0, as TA-Lib."""
    _check_window(period, "period")
    close = _f64(close)
    if kernels.compiled is not None:
        return kernels.wilder_rsi(close, period)
    out = np.full(len(close), np.nan)
    if len(close) <= period:
        return out
    change = np.diff(close)
    gain = _recursive_average(np.maximum(change, 0.0), 0, period, 1.0 / period)
    loss = _recursive_average(np.maximum(-change, 0.0), 0, period, 1.0 / period)
    total = gain + loss
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(100.0 * gain, total, out=out[1:])
    out[1:][total == 0] = 0.0  # flat prices: TA-Lib reports 0
    return out


def macd(close: np.ndarray, fast: int = 12, slow: int = 26, signal: int = 9
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(macd, signal, histogram), seeded exactly as TA-Lib: both EMAs start at bar ``slow-1``
    (the fast one with the average of the ``fast`` closes ending there), so the MACD line is
    valid from bar ``slow-1`` and the signal (an EMA of the line) from ``slow+signal-2``.
    TA-Lib additionally hides the line until the signal starts. (A chart that seeds the fast
    EMA at bar ``fast-1`` differs in the first ~100 bars and converges after.)"""
    for n, name in ((fast, "fast"), (slow, "slow"), (signal, "signal")):
        _check_window(n, name)
    if fast >= slow:
        raise ValueError(f"fast ({fast}) must be shorter than slow ({slow})")
    close = _f64(close)
    first = _first_finite(close)
    if kernels.compiled is not None:
        return kernels.macd(close, first, fast, slow, signal)
    fast_line = _recursive_average(close, first + slow - fast, fast, 2.0 / (fast + 1.0))
    slow_line = _recursive_average(close, first, slow, 2.0 / (slow + 1.0))
    line = fast_line - slow_line
    sig = ema(line, signal)
    return line, sig, line - sig


def true_range(high: np.ndarray, low: np.ndarray, close: np.ndarray) -> np.ndarray:
    """TR[i] = max(H−L, |H−C[i−1]|, |L−C[i−1]|); TR[0] is NaN (no previous close)."""
    high, low, close = _f64(high), _f64(low), _f64(close)
    tr = np.empty(len(high))
    if len(high) == 0:
        return tr
    tr[0] = np.nan
    prev = close[:-1]
    body = np.subtract(high[1:], low[1:], out=tr[1:])
    np.maximum(body, np.abs(high[1:] - prev), out=body)
    np.maximum(body, np.abs(low[1:] - prev), out=body)
    return tr


def atr(high: np.ndarray, low: np.ndarray, close: np.ndarray, period: int = 14) -> np.ndarray:
    """Wilder's average true range; the first ``period`` values are NaN."""
    _check_window(period, "period")
    if kernels.compiled is not None:
        return kernels.wilder_atr(high, low, close, period)
    tr = true_range(high, low, close)
    return _recursive_average(tr, 1, period, 1.0 / period)


def mean_true_range(high: np.ndarray, low: np.ndarray, close: np.ndarray, period: int = 14) -> np.ndarray:
    """The simple mean of the last ``period`` true ranges (NaN until there are ``period``): a finite
    memory, so a bar's value is the same however much history came before it. The setup detectors
    read this as their ATR, so a live window of two sessions and the whole history decide alike
    (Wilder's ``atr`` remembers every bar since the first)."""
    _check_window(period, "period")
    tr = true_range(high, low, close)
    out = np.full(len(tr), np.nan)
    if len(tr) > period:
        out[period:] = np.lib.stride_tricks.sliding_window_view(tr[1:], period).mean(axis=1)
    return out


def _group_starts(session: np.ndarray) -> np.ndarray:
    session = np.asarray(session)
    if len(session) == 0:
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, session[1:] != session[:-1]])


def _cumsum_by_group(x: np.ndarray, starts: np.ndarray) -> np.ndarray:
    total = np.cumsum(x)
    offsets = np.zeros(len(x))
    before = np.r_[0.0, total][starts]  # running total just before each group
    offsets[starts] = np.diff(np.r_[0.0, before])
    return total - np.cumsum(offsets)


def vwap(high: np.ndarray, low: np.ndarray, close: np.ndarray, volume: np.ndarray,
         session: np.ndarray) -> np.ndarray:
    """Session VWAP of the typical price (H+L+C)/3, restarting whenever ``session`` changes.

    Zero or missing volume: bars without volume get no weight. Until a session has traded any
    volume — all day for an index such as SPX, whose bars carry no volume — the value is the
    running equal-weighted mean of the typical price instead, so it is always finite.
    """
    high, low, close = _f64(high), _f64(low), _f64(close)
    vol = np.nan_to_num(_f64(volume), nan=0.0, posinf=0.0, neginf=0.0).clip(min=0.0)
    typical = (high + low + close) / 3.0
    starts = _group_starts(session)
    if len(starts) == 0:
        return np.empty(0)
    pv = _cumsum_by_group(typical * vol, starts)
    v = _cumsum_by_group(vol, starts)
    count = _cumsum_by_group(np.ones(len(typical)), starts)
    mean_tp = _cumsum_by_group(typical, starts) / count
    with np.errstate(invalid="ignore", divide="ignore"):
        weighted = pv / v
    return np.where(v > 0, weighted, mean_tp)


def opening_range(high: np.ndarray, low: np.ndarray, minute_of_session: np.ndarray,
                  session: np.ndarray, minutes: int = 15) -> tuple[np.ndarray, np.ndarray]:
    """Per-bar opening-range high and low: the extremes of each session's bars that start in
    its first ``minutes`` minutes. Bars inside the range window get NaN (the range is not
    known yet — no look-ahead); a session without bars in the window has no range. Bars
    before the open (negative minutes: pre-market) are not part of the range and get NaN."""
    _check_window(minutes, "minutes")
    high, low = _f64(high), _f64(low)
    minute = np.asarray(minute_of_session)
    or_high, or_low = np.full(len(high), np.nan), np.full(len(high), np.nan)
    starts = _group_starts(session)
    ends = np.r_[starts[1:], len(high)]
    for s, e in zip(starts, ends, strict=True):
        inside = (minute[s:e] >= 0) & (minute[s:e] < minutes)
        if not inside.any():
            continue
        after = minute[s:e] >= minutes
        or_high[s:e][after] = high[s:e][inside].max()
        or_low[s:e][after] = low[s:e][inside].min()
    return or_high, or_low
