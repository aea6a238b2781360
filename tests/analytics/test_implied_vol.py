"""Implied vol, compiled and numpy paths, against vollib (LetsBeRational) and QuantLib: random
inputs over every class (deep ITM/OTM, 0DTE minutes, tiny vega) and real Cboe chains."""

from __future__ import annotations

import contextlib
import math
from pathlib import Path

import numpy as np
import pytest
import QuantLib as ql
from vollib.black_scholes_merton.implied_volatility import implied_volatility as vollib_iv

from analytics import kernels, pricing
from analytics.pricing import SECONDS_PER_YEAR, SIGMA_MAX, bs_greeks, bs_price, implied_vol
from tests.analytics.test_pricing import _grid

CHAINS = Path(__file__).resolve().parents[3] / "shared" / "data" / "option_chains" / "cboe_quotedata"
MINUTE = 60.0 / SECONDS_PER_YEAR


def _paths() -> list[str]:
    return ["compiled", "numpy"] if kernels.compiled is not None else ["numpy"]


def _solve(path: str, *args, **kwargs):
    with pytest.MonkeyPatch.context() as mp:
        if path == "numpy":
            from scipy.special import ndtr

            mp.setattr(kernels, "compiled", None)
            mp.setattr(pricing, "ndtr", ndtr)  # (bound at import to the C one where built)
        return implied_vol(*args, **kwargs)


def _zero_dte(n: int, seed: int):
    """One to thirty minutes to the close, strikes within ±3 %, vol 5 %–200 %."""
    rng = np.random.default_rng(seed)
    S = np.full(n, 6000.0)
    K = S * np.exp(rng.uniform(-0.03, 0.03, n))
    T = rng.uniform(1.0, 30.0, n) * MINUTE
    sigma = np.exp(rng.uniform(np.log(0.05), np.log(2.0), n))
    return S, K, T, np.full(n, 0.045), np.full(n, 0.012), sigma, rng.random(n) < 0.5


def _vollib(price, S, K, T, r, q, call) -> float:
    with contextlib.suppress(Exception):  # LetsBeRational raises where no vol fits
        return vollib_iv(price, S, K, T, r, q, "c" if call else "p")
    return math.nan


def _quantlib(price, S, K, T, r, q, call) -> float:
    kind = ql.Option.Call if call else ql.Option.Put
    with contextlib.suppress(RuntimeError):  # QuantLib raises where the price leaves no time value
        std = ql.blackFormulaImpliedStdDev(kind, K, S * math.exp((r - q) * T), price, math.exp(-r * T),
                                           0.0, 0.2, 1e-14, 1000)
        return std / math.sqrt(T)
    return math.nan


@pytest.mark.parametrize("path", _paths())
@pytest.mark.parametrize("grid", [_grid, _zero_dte])
def test_round_trip_and_peers_on_every_input_class(path: str, grid) -> None:
    S, K, T, r, q, sigma, call = grid(3000, 21)
    price = bs_price(S, K, T, r, q, sigma, call)
    iv = _solve(path, price, S, K, T, r, q, call)
    # vega per vol point over 1e-8 spot (1e-6 at $100): below, the rounding of a price (relative to
    # the spot, ~1e-16 S) moves its vol by more than 1e-8, whoever solves
    m = bs_greeks(S, K, T, r, q, sigma, call).vega > 1e-8 * S
    assert m.sum() > 600 and not np.isnan(iv[m]).any()
    assert np.max(np.abs(iv[m] - sigma[m])) < 1e-8
    for i in np.flatnonzero(m)[:250]:
        args = (price[i], S[i], K[i], T[i], r[i], q[i], call[i])
        assert abs(iv[i] - _vollib(*args)) < 1e-8, args
        ql_iv = _quantlib(*args)
        assert math.isnan(ql_iv) or abs(iv[i] - ql_iv) < 1e-8, args


def test_both_paths_agree_and_give_nan_alike() -> None:
    if kernels.compiled is None:
        pytest.skip("C kernels not built on this machine")
    S, K, T, r, q, sigma, call = _grid(5000, 22)
    price = bs_price(S, K, T, r, q, sigma, call)
    price[::7] *= 0.5  # some below intrinsic or the floor
    price[::11] = np.nan
    ours, numpy_path = (_solve(p, price, S, K, T, r, q, call) for p in ("compiled", "numpy"))
    m = bs_greeks(S, K, T, r, q, sigma, call).vega > 1e-6
    both = m & np.isfinite(ours) & np.isfinite(numpy_path)
    assert both.sum() > 1000 and np.max(np.abs(ours[both] - numpy_path[both])) < 1e-9
    assert np.array_equal(np.isnan(ours[m]), np.isnan(numpy_path[m]))
    assert np.isnan(ours[::11]).all()


@pytest.mark.parametrize("path", _paths())
def test_scalars_shapes_and_degenerate_rows(path: str) -> None:
    sigma = _solve(path, bs_price(100.0, 90.0, 0.25, 0.02, 0.01, 0.3, False), 100.0, 90.0, 0.25, 0.02, 0.01, False)
    assert isinstance(sigma, float) and sigma == pytest.approx(0.3, abs=1e-12)
    grid = np.full((2, 3), 5.0)
    assert _solve(path, grid, 100.0, 100.0, 0.5, 0.0, 0.0, True).shape == (2, 3)
    # below intrinsic, above the ceiling, expired, zero spot, NaN, negative, deep ITM at intrinsic
    prices = np.array([5.0, 150.0, 3.0, 3.0, np.nan, -1.0, 40.0])
    S = np.array([110.0, 100.0, 100.0, 0.0, 100.0, 100.0, 140.0])
    T = np.array([0.5, 0.5, 0.0, 0.5, 0.5, 0.5, 1e-3])
    assert np.isnan(_solve(path, prices, S, 100.0, T, 0.0, 0.0, True)).all()


def _chain_inputs(path: Path, r: float = 0.04):
    from data.files.cboe import load_quotedata

    chain, spot, asof = load_quotedata(path)
    day = np.datetime64(asof.date(), "D")
    close_s = (np.asarray(chain.expiry, dtype="datetime64[D]") - day).astype(float) * 86400.0 + 16 * 3600.0
    tod = asof.hour * 3600.0 + asof.minute * 60.0
    T = np.maximum(close_s - tod, 60.0) / SECONDS_PER_YEAR
    mid = 0.5 * (np.asarray(chain.bid, float) + np.asarray(chain.ask, float))
    keep = (mid > 0) & np.isfinite(mid)
    return mid[keep], np.full(keep.sum(), spot), np.asarray(chain.strike, float)[keep], T[keep], r, np.asarray(
        chain.is_call)[keep]


@pytest.mark.parametrize("name", ["SPX_20230914_1631ET_quotedata.csv", "SPY_20250903_0924ET_quotedata.csv",
                                  "TSLA_20230820_2238ET_quotedata.csv"])
def test_real_cboe_chains_match_vollib_and_quantlib(name: str) -> None:
    if not (CHAINS / name).exists():
        pytest.skip(f"{CHAINS / name} not present (real chains live in ../shared, outside the project)")
    price, S, K, T, r, call = _chain_inputs(CHAINS / name)
    for path in _paths():
        iv = _solve(path, price, S, K, T, r, 0.0, call)
        rows = np.random.default_rng(5).choice(len(price), min(len(price), 600), replace=False)
        checked = 0
        for i in rows:
            args = (price[i], S[i], K[i], T[i], r, 0.0, call[i])
            ref = _vollib(*args)
            if math.isnan(ref) or ref >= SIGMA_MAX:
                assert math.isnan(iv[i]), (path, args, iv[i], ref)  # no vol fits, or above our bracket
                continue
            if bs_greeks(S[i], K[i], T[i], r, 0.0, ref, call[i]).vega < 1e-8 * S[i]:
                continue  # a vol the price cannot pin down to 1e-8 (see above)
            checked += 1
            assert abs(iv[i] - ref) < 1e-8, (path, args, iv[i], ref)
            ql_iv = _quantlib(*args)
            assert math.isnan(ql_iv) or abs(iv[i] - ql_iv) < 1e-8, (path, args, iv[i], ql_iv)
        assert checked > 100
