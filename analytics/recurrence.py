"""First-order linear recurrence y[n] = α·x[n] + (1−α)·y[n−1] in pure numpy (no Python loop).

The series is cut into blocks short enough that β^(−block) stays below 1e3 (no precision
loss); inside a block the recurrence is a scaled cumulative sum, and the carry from earlier
blocks decays by γ = β^block ≤ 1e−3 per block, so a handful of shifted terms reproduce it to
double precision. Where the compiled kernels were built (``analytics.kernels``) they run
the recurrence directly, in one pass; otherwise this numpy path keeps SciPy (≈2 s to import)
out of the chart's start-up path. From
``LFILTER_MIN`` values on, SciPy's C filter is faster than the extra numpy passes and its
import is paid once, so long series use it (both give the same numbers to ~1e−15).
"""

from __future__ import annotations

import math

import numpy as np

from analytics import kernels

_MAX_GROWTH = 1e3
_MAX_BLOCK = 64
LFILTER_MIN = 200_000


def linear_recurrence(x: np.ndarray, alpha: float, y0: float = 0.0, out: np.ndarray | None = None) -> np.ndarray:
    """y[n] = α·x[n] + β·y[n−1] with β = 1 − α and y[−1] = ``y0``; 0 < α ≤ 1. With ``out``
    (contiguous float64, same length) the result is written there and returned."""
    x = np.asarray(x, dtype=np.float64)
    if kernels.compiled is not None and len(x) and alpha < 1.0:
        return kernels.linear_recurrence(x, alpha, y0, out=out)  # straight into place
    y = _numpy_recurrence(x, alpha, y0)
    if out is None:
        return y
    out[:] = y
    return out


def _numpy_recurrence(x: np.ndarray, alpha: float, y0: float) -> np.ndarray:
    n = len(x)
    beta = 1.0 - alpha
    if n == 0:
        return np.empty(0)
    if beta <= 0.0:
        return alpha * x
    if n >= LFILTER_MIN or not np.isfinite(x).all():
        # (blocks would let a NaN or inf fade out after a few blocks; the true recurrence, like
        # TA-Lib and the compiled loop, carries it on)
        from scipy.signal import lfilter

        return lfilter([alpha], [1.0, -beta], x, zi=[beta * y0])[0]
    return blocked_recurrence(x, alpha, y0)


def blocked_recurrence(x: np.ndarray, alpha: float, y0: float = 0.0) -> np.ndarray:
    """The pure-numpy path of ``linear_recurrence`` (see module doc), for finite ``x``."""
    n = len(x)
    beta = 1.0 - alpha
    block = int(min(_MAX_BLOCK, max(1, math.floor(math.log(_MAX_GROWTH) / -math.log(beta)))))
    n_blocks = -(-n // block)
    padded = np.zeros(n_blocks * block)
    padded[:n] = x
    k = np.arange(block, dtype=np.float64)
    local = np.cumsum(padded.reshape(n_blocks, block) * beta ** -k, axis=1)  # β^(−k) ≤ 1e3
    local *= alpha * beta ** k  # each block's response starting from zero state
    gamma = beta ** block
    ends = local[:, -1]
    # state entering block b: S_b = Σ_{j≥1} γ^(j−1)·ends[b−j] + γ^b·y0 (terms below 1e−17 dropped)
    terms = max(1, math.ceil(math.log(1e-17) / math.log(gamma))) if gamma > 0 else 1
    state = np.zeros(n_blocks)
    weight = 1.0
    for j in range(1, min(terms, n_blocks) + 1):
        state[j:] += weight * ends[:-j]
        weight *= gamma
        if weight == 0.0:
            break
    if y0:
        with np.errstate(under="ignore"):
            state += y0 * gamma ** np.arange(n_blocks, dtype=np.float64)
    local += state[:, None] * beta ** (k + 1)
    return local.reshape(-1)[:n]
