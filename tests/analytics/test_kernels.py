"""The compiled indicator kernels: built where a compiler exists, same numbers as numpy."""

from __future__ import annotations

import shutil
import sysconfig

import numpy as np
import pytest

from analytics import kernels
from analytics.indicators import atr, ema, macd, rsi, sma
from tests.analytics.test_indicators import _walk


def test_kernels_are_built_where_a_compiler_exists() -> None:
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip(f"no C compiler ({compiler}) here: the app runs on the numpy paths")
    assert kernels.compiled is not None, "setup.py should have built analytics._kernels"


def _assert_both_paths_agree(high: np.ndarray, low: np.ndarray, close: np.ndarray, window: int) -> None:
    results = {}
    for path in ("compiled", "numpy"):
        with pytest.MonkeyPatch.context() as mp:
            if path == "numpy":
                mp.setattr(kernels, "compiled", None)
            results[path] = [sma(close, window), ema(close, window), rsi(close), atr(high, low, close), *macd(close)]
    for ours, other in zip(results["compiled"], results["numpy"], strict=True):
        # atol: the MACD line is a difference of two ~100 averages (cancellation near zero)
        np.testing.assert_allclose(ours, other, rtol=1e-12, atol=1e-11, equal_nan=True)


def test_both_paths_give_the_same_numbers_with_gaps_in_the_data() -> None:
    high, low, close = _walk(5_000, 9)
    for a in (high, low, close):
        a[[100, 2_000, 2_001]] = np.nan  # e.g. a missing print
    _assert_both_paths_agree(high, low, close, 20)


@pytest.mark.parametrize("n", [0, 1, 2, 13, 14, 15, 26, 33, 34, 35, 60])
def test_both_paths_agree_on_short_series_around_the_warm_up(n: int) -> None:
    _assert_both_paths_agree(*_walk(n, 3), 14)


def test_kernels_refuse_mismatched_buffers_with_a_clear_error() -> None:
    if kernels.compiled is None:
        pytest.skip("C kernels not built on this machine")
    with pytest.raises(ValueError, match="lengths differ"):
        kernels.compiled.rolling_mean(np.ones(10), np.empty(9), 3)
    with pytest.raises(ValueError, match="float64"):
        kernels.compiled.linear_recurrence(b"abc", bytearray(3), 0.5, 0.0)  # 3 bytes: no double


def test_normal_cdf_matches_scipy_in_both_tails() -> None:
    if kernels.compiled is None:
        pytest.skip("C kernels not built on this machine")
    from scipy.special import ndtr

    x = np.concatenate([np.linspace(-38, 9, 200_001), [0.0, np.nan, np.inf, -np.inf]])
    ours, ref = kernels.ndtr(x), ndtr(x)
    assert np.array_equal(np.isnan(ours), np.isnan(ref))
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-300)  # (scipy flushes denormals to 0)
    assert kernels.ndtr(np.array([[0.0, 1.0]])).shape == (1, 2) and kernels.ndtr(np.float64(0.0)).shape == ()
