"""The compiled indicator loops (``analytics/_kernels.c``) when they were built, else ``None``.

``setup.py`` builds them wherever a C compiler exists (CI, installers, most dev machines);
without one, ``compiled`` is ``None`` and the indicators use their numpy paths, which give
the same numbers (tests run both). Wrappers take any array-like and return new float64 arrays.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType

import numpy as np

compiled: ModuleType | None
try:
    from analytics import _kernels as compiled
except ImportError:  # not built on this machine
    compiled = None


# Pricing calls of at least PARALLEL_MIN contracts are split across the cores (the kernels release
# the GIL); the app's own chains (~25k contracts) stay on the calling thread.
PARALLEL_MIN = 65_536
threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _chunked(kernel: Callable[..., None], arrays: list[np.ndarray], *scalars) -> None:
    """``kernel(*arrays, *scalars)`` over 1-d arrays of one length (inputs then outputs), in
    ``threads`` equal slices at once when the arrays are long enough (the last on this thread)."""
    n = len(arrays[0])
    parts = min(threads, n // (PARALLEL_MIN // 2)) if n >= PARALLEL_MIN else 1
    if parts < 2:
        kernel(*arrays, *scalars)
        return
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=max(threads - 1, 1), thread_name_prefix="kernels")
    cuts = [n * k // parts for k in range(parts + 1)]
    slices = [[a[lo:hi] for a in arrays] for lo, hi in itertools.pairwise(cuts)]
    try:
        pending = [_pool.submit(kernel, *part, *scalars) for part in slices[:-1]]
    except RuntimeError:  # the interpreter is shutting down: no new threads, so all of it here
        kernel(*arrays, *scalars)
        return
    kernel(*slices[-1], *scalars)
    for future in pending:
        future.result()


def _f64(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=np.float64)


def linear_recurrence(x: np.ndarray, alpha: float, y0: float, out: np.ndarray | None = None) -> np.ndarray:
    """``out`` (contiguous float64, same length), when given, is filled instead of a new array."""
    x = _f64(x)
    if out is None:
        out = np.empty(len(x))
    compiled.linear_recurrence(x, out, float(alpha), float(y0))
    return out


def rolling_mean(x: np.ndarray, window: int) -> np.ndarray:
    x = _f64(x)
    out = np.empty(len(x))
    compiled.rolling_mean(x, out, int(window))
    return out


def wilder_rsi(close: np.ndarray, period: int) -> np.ndarray:
    close = _f64(close)
    out = np.empty(len(close))
    compiled.wilder_rsi(close, out, int(period))
    return out


def wilder_atr(high: np.ndarray, low: np.ndarray, close: np.ndarray, period: int) -> np.ndarray:
    high, low, close = _f64(high), _f64(low), _f64(close)
    out = np.empty(len(high))
    compiled.wilder_atr(high, low, close, out, int(period))
    return out


def macd(close: np.ndarray, first: int, fast: int, slow: int, signal: int
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(line, signal, histogram) with the EMAs seeded from bar ``first`` (the first finite close)."""
    close = _f64(close)
    line, sig, hist = np.empty(len(close)), np.empty(len(close)), np.empty(len(close))
    compiled.macd(close, line, sig, hist, int(first), int(fast), int(slow), int(signal))
    return line, sig, hist


def ndtr(x: np.ndarray) -> np.ndarray:
    """Standard normal CDF of an array (any shape, 0-d included)."""
    x = np.require(x, dtype=np.float64, requirements="C")  # (ascontiguousarray would make 0-d 1-d)
    out = np.empty_like(x)
    compiled.ndtr(x.reshape(-1), out.reshape(-1))
    return out


def _flat(arrays: list[np.ndarray]) -> list[np.ndarray]:
    """Broadcast float64 arrays made C-contiguous and 1-d (a view when they already are)."""
    return [np.ascontiguousarray(a, dtype=np.float64).reshape(-1) for a in arrays]


def _side(is_call: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(is_call, dtype=np.bool_).reshape(-1)


def bs_greeks(S: np.ndarray, K: np.ndarray, T: np.ndarray, r: np.ndarray, q: np.ndarray, sigma: np.ndarray,
              is_call: np.ndarray) -> tuple[np.ndarray, ...]:
    """(delta, gamma, theta, vega, rho) of broadcast inputs of one shape, in that shape."""
    shape = np.shape(S)
    out = np.empty((5, *shape))
    _chunked(compiled.bs_greeks, [*_flat([S, K, T, r, q, sigma]), _side(is_call), *out.reshape(5, -1)])
    return tuple(out)


def implied_vol(price: np.ndarray, S: np.ndarray, K: np.ndarray, T: np.ndarray, r: np.ndarray, q: np.ndarray,
                is_call: np.ndarray, tol: float, max_iter: int, sigma_max: float) -> np.ndarray:
    """Implied volatility of broadcast inputs of one shape (NaN where none fits), in that shape."""
    out = np.empty(np.shape(price))
    _chunked(compiled.implied_vol, [*_flat([price, S, K, T, r, q]), _side(is_call), out.reshape(-1)], float(tol),
             int(max_iter), float(sigma_max))
    return out
