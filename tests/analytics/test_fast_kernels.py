"""The fast compiled paths (issue 21): the vectorized greeks, the split of long pricing calls
across threads, and the unrolled ATR/SMA loops, each against the numpy path or a peer."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from scipy.special import ndtr
from vollib.black_scholes_merton.greeks import analytical as vollib_greeks

from analytics import kernels, pricing
from analytics.indicators import atr, sma
from analytics.pricing import SECONDS_PER_YEAR, bs_greeks, bs_price, implied_vol
from tests.analytics.pricing_inputs import every_class_grid
from tests.analytics.test_implied_vol import _zero_dte
from tests.analytics.test_indicators import _walk
from tests.analytics.test_pricing import GREEK_NAMES

pytestmark = pytest.mark.skipif(kernels.compiled is None, reason="C kernels not built on this machine")

MINUTE = 60.0 / SECONDS_PER_YEAR


def _numpy_greeks(*args):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kernels, "compiled", None)
        mp.setattr(pricing, "ndtr", ndtr)  # (bound at import to the C one where built)
        return bs_greeks(*args)


LEVELS = [2, 1, 0]  # the compiled pricing's lanes: AVX-512, AVX2+FMA, none (the libm loops other CPUs run)


@contextlib.contextmanager
def _lanes(level: int):
    """Pricing on the given lanes (capped at what this CPU has)."""
    was = kernels.compiled._lanes(level)
    try:
        yield
    finally:
        kernels.compiled._lanes(was)


def _extremes(n: int, seed: int):
    """S/K from 1e-3 to 1e3, T from one minute to five years, sigma 1 %-500 %, q above or below r."""
    rng = np.random.default_rng(seed)
    S = np.exp(rng.uniform(np.log(0.5), np.log(5000.0), n))
    K = S * np.exp(rng.uniform(-7.0, 7.0, n))
    T = np.exp(rng.uniform(np.log(MINUTE), np.log(5.0), n))
    r, q = rng.uniform(-0.01, 0.1, n), rng.uniform(0.0, 0.12, n)
    sigma = np.exp(rng.uniform(np.log(0.01), np.log(5.0), n))
    return S, K, T, r, q, sigma, rng.random(n) < 0.5


def _with_bad_rows(S, K, T, r, q, sigma, call):
    S, K, T, r, q, sigma = (a.copy() for a in (S, K, T, r, q, sigma))
    T[::13], T[::29], sigma[::17], sigma[::31] = 0.0, -0.1, 0.0, -0.2  # expired, zero and negative vol
    S[::19], K[::23], r[::37], sigma[::41] = np.nan, np.nan, np.nan, np.inf
    K[::43], S[::47] = 1e-300, 1e300  # ratios the lanes leave to the scalar loop
    return S, K, T, r, q, sigma, call


def _assert_close(ours, ref, S, K, T, r, q, sigma) -> None:
    for name in ("delta", "gamma", "vega", "rho"):
        a, b = getattr(ours, name), getattr(ref, name)
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-300, equal_nan=True, err_msg=name)
    # theta is a sum of terms that can cancel 1000-fold: 1e-13 of the largest term
    with np.errstate(all="ignore"):
        scale = (np.abs(ref.vega) * 100 * sigma / (2 * T) + (np.abs(r) * K * np.exp(-r * T) + np.abs(q) * S)) / 365
    a, b = ours.theta, ref.theta
    assert np.array_equal(np.isnan(a), np.isnan(b))
    ok = ~np.isnan(b)
    assert np.all(np.abs(a[ok] - b[ok]) <= 1e-13 * np.nan_to_num(scale[ok], nan=0.0) + 1e-300), "theta"


@pytest.mark.parametrize("lanes", LEVELS)
@pytest.mark.parametrize("seed", [1, 2])
def test_greeks_match_the_numpy_path_on_extreme_and_bad_rows(lanes: int, seed: int) -> None:
    args = _with_bad_rows(*_extremes(20_000, seed))
    with _lanes(lanes):
        ours = bs_greeks(*args)
    _assert_close(ours, _numpy_greeks(*args), *args[:6])
    S, K, T, sigma = args[0], args[1], args[2], args[5]
    bad = (T <= 0) | (sigma <= 0)
    assert np.all(ours.gamma[bad & np.isfinite(S) & np.isfinite(K)] == 0.0)
    assert np.isnan(ours.delta[np.isnan(S) & ~bad]).all()


@pytest.mark.parametrize("lanes", LEVELS[:2])
def test_the_lanes_and_the_libm_loop_agree_to_the_last_bits_that_matter(lanes: int) -> None:
    args = _with_bad_rows(*_extremes(20_000, 3))
    with _lanes(lanes):
        fast = bs_greeks(*args)
    with _lanes(0):
        plain = bs_greeks(*args)
    _assert_close(fast, plain, *args[:6])


def test_normal_tails_through_delta_and_rho_across_every_branch_of_the_cdf() -> None:
    # d from -38 to 38 at fixed T and vol: |x| = |d|/sqrt2 crosses Cephes' 1 and 8 thresholds
    d = np.linspace(-38.0, 38.0, 40_001)
    T, sigma = 0.25, 0.2
    K = 100.0 * np.exp(-(d * sigma * np.sqrt(T) - 0.5 * sigma**2 * T))
    args = (np.full_like(d, 100.0), K, T, 0.0, 0.0, sigma, np.ones(d.size, bool))
    ours, ref = bs_greeks(*args), _numpy_greeks(*args)
    for name in GREEK_NAMES:
        np.testing.assert_allclose(getattr(ours, name), getattr(ref, name), rtol=1e-13, atol=1e-300, err_msg=name)


def test_greeks_match_vollib_on_extreme_rows() -> None:
    S, K, T, r, q, sigma, call = _extremes(600, 4)
    greeks = bs_greeks(S, K, T, r, q, sigma, call)
    for i in range(len(S)):
        args = ("c" if call[i] else "p", S[i], K[i], T[i], r[i], sigma[i], q[i])
        for name in GREEK_NAMES:
            ref, ours = getattr(vollib_greeks, name)(*args), getattr(greeks, name)[i]
            assert abs(ours - ref) <= 1e-9 * abs(ref) + 1e-10 * S[i], (name, args, ours, ref)


@pytest.mark.parametrize("lanes", LEVELS[:2])
@pytest.mark.parametrize("grid", [every_class_grid, _zero_dte, _extremes])
def test_implied_vol_with_and_without_the_lanes_started_searches(grid, lanes: int) -> None:
    # the lanes compute where each search starts (branch, bracket, first guess): the answers are
    # those of the libm path to the search's tolerance, NaN on the same rows, and round-trip
    S, K, T, r, q, sigma, call = grid(20_000, 8)
    price = bs_price(S, K, T, r, q, sigma, call)
    price[::7] *= 0.5  # some below intrinsic or the floor
    price[::11] = np.nan
    T[::13] = 0.0
    with _lanes(lanes):
        fast = implied_vol(price, S, K, T, r, q, call)
    with _lanes(0):
        plain = implied_vol(price, S, K, T, r, q, call)
    assert np.array_equal(np.isnan(fast), np.isnan(plain))
    ok = np.isfinite(plain)
    # where vega is tiny many vols give the price to its last bits (the two starts may end at any)
    vega = bs_greeks(S, K, T, r, q, np.where(ok, plain, 0.2), call).vega
    pinned = ok & (vega > 1e-4 * S)
    np.testing.assert_allclose(fast[pinned], plain[pinned], rtol=1e-12, atol=0)
    repriced = bs_price(S[ok], K[ok], T[ok], r[ok], q[ok], fast[ok], call[ok])
    assert np.all(np.abs(repriced - price[ok]) <= 1e-12 * price[ok] + 1e-14 * S[ok])
    # (a deep in-the-money price is ~K: its rounding is 1e-16 K, hence max(S, K))
    m = ok & (bs_greeks(S, K, T, r, q, sigma, call).vega > 1e-8 * np.maximum(S, K))
    m[::7] = m[::11] = False
    assert m.sum() > 1_000 and np.max(np.abs(fast[m] - sigma[m])) < 1e-8


def test_long_calls_split_across_threads_give_the_same_numbers() -> None:
    n = 3 * (kernels.PARALLEL_MIN // 2) + 4_321  # long enough for three uneven slices
    S, K, T, r, q, sigma, call = _with_bad_rows(*_extremes(n, 5))
    clean = _extremes(n, 5)
    price = bs_price(*clean)
    results = {}
    for threads in (1, 2, 3):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(kernels, "threads", threads)
            g = bs_greeks(S, K, T, r, q, sigma, call)
            results[threads] = [*(getattr(g, name) for name in GREEK_NAMES),
                                implied_vol(price, *clean[:5], clean[6])]
    for threads in (2, 3):
        for a, b in zip(results[1], results[threads], strict=True):
            assert np.array_equal(a, b, equal_nan=True)
    assert np.isfinite(results[2][-1]).sum() > n // 10  # (most extreme rows have no vega to solve on)


def _atr_sma_both_paths(high, low, close, period):
    out = {}
    for path in ("compiled", "numpy"):
        with pytest.MonkeyPatch.context() as mp:
            if path == "numpy":
                mp.setattr(kernels, "compiled", None)
            with np.errstate(invalid="ignore"):  # (inf - inf in the numpy path)
                out[path] = (atr(high, low, close, period), sma(close, period))
    return out["compiled"], out["numpy"]


@pytest.mark.parametrize("n", [14, 15, 16, 17, 18, 19, 20, 78, 79, 80, 81, 143, 144, 145, 3_000])
def test_atr_and_sma_agree_with_numpy_around_unrolling_and_block_edges(n: int) -> None:
    high, low, close = _walk(n, n)
    for ours, ref in zip(*_atr_sma_both_paths(high, low, close, 14), strict=True):
        assert np.array_equal(np.isnan(ours), np.isnan(ref))
        np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=0, equal_nan=True)


def _sequential_atr_sma(high, low, close, p):
    """One bar at a time, as the kernels were before their loops were unrolled (the reference for
    infinities, where the numpy path's block sums give NaN instead)."""
    n, alpha = len(close), 1.0 / p
    tr = np.full(n, np.nan)
    for i in range(1, n):
        up, down = abs(high[i] - close[i - 1]), abs(low[i] - close[i - 1])
        tr[i] = np.nan if np.isnan(up) or np.isnan(down) else max(high[i] - low[i], up, down)
    avg, total = np.full(n, np.nan), 0.0
    if n > p:
        avg[p] = sum(tr[1:p + 1]) / p
        for i in range(p + 1, n):
            avg[i] = alpha * tr[i] + (1 - alpha) * avg[i - 1]
    mean = np.full(n, np.nan)
    for i in range(n):
        total += close[i] - (close[i - p] if i >= p else 0.0)
        if i >= p - 1:
            mean[i] = total / p
    return avg, mean


@pytest.mark.parametrize("where", [3, 13, 14, 15, 78, 79, 80, 81, 2_000])
def test_a_nan_or_inf_bar_propagates_as_before(where: int) -> None:
    for bad in (np.nan, np.inf, -np.inf):
        for column in range(3):
            bars = [a.copy() for a in _walk(3_000, 7)]
            bars[column][where] = bad
            compiled, numpy_path = _atr_sma_both_paths(*bars, 14)
            with np.errstate(invalid="ignore"):
                refs = numpy_path if np.isnan(bad) else _sequential_atr_sma(*bars, 14)
            for ours, ref in zip(compiled, refs, strict=True):
                assert np.array_equal(np.isnan(ours), np.isnan(ref)), (bad, column)
                assert np.array_equal(np.isinf(ours), np.isinf(ref)), (bad, column)
                np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=0, equal_nan=True)
