"""BSM prices, greeks and implied vol against vollib (LetsBeRational) and QuantLib."""

from __future__ import annotations

import math

import numpy as np
import pytest
import QuantLib as ql
from hypothesis import given, settings
from hypothesis import strategies as st
from vollib.black_scholes_merton import black_scholes_merton as vollib_price
from vollib.black_scholes_merton.greeks import analytical as vollib_greeks
from vollib.black_scholes_merton.implied_volatility import implied_volatility as vollib_iv

from analytics.pricing import bs_greeks, bs_price, implied_vol, year_fraction
from tests.analytics.pricing_inputs import every_class_grid
from tests.conftest import utc

GREEK_NAMES = ("delta", "gamma", "theta", "vega", "rho")


def _grid(n: int, seed: int):
    return every_class_grid(n, seed)


def _rel(ours: np.ndarray, ref: np.ndarray, floor: float) -> float:
    return float(np.max(np.abs(ours - ref) / np.maximum(np.abs(ref), floor)))


def test_prices_and_greeks_match_vollib() -> None:
    S, K, T, r, q, sigma, call = _grid(1500, 11)
    flags = ["c" if c else "p" for c in call]
    rows = list(zip(flags, S, K, T, r, sigma, q, strict=True))
    assert _rel(bs_price(S, K, T, r, q, sigma, call), np.array([vollib_price(*a) for a in rows]), 1e-8) < 1e-9
    greeks = bs_greeks(S, K, T, r, q, sigma, call)
    for name in GREEK_NAMES:
        ref = np.array([getattr(vollib_greeks, name)(*a) for a in rows])
        assert _rel(getattr(greeks, name), ref, 1e-10) < 1e-9, name


def test_prices_and_greeks_match_quantlib() -> None:
    S, K, T, r, q, sigma, call = _grid(800, 12)
    greeks = bs_greeks(S, K, T, r, q, sigma, call)
    price = bs_price(S, K, T, r, q, sigma, call)
    for i in range(len(S)):
        kind = ql.Option.Call if call[i] else ql.Option.Put
        fwd, disc = S[i] * math.exp((r[i] - q[i]) * T[i]), math.exp(-r[i] * T[i])
        bc = ql.BlackCalculator(ql.PlainVanillaPayoff(kind, K[i]), fwd, sigma[i] * math.sqrt(T[i]), disc)
        ref = (bc.value(), bc.delta(S[i]), bc.gamma(S[i]), bc.theta(S[i], T[i]) / 365, bc.vega(T[i]) / 100,
               bc.rho(T[i]) / 100)
        ours = (price[i], *(getattr(greeks, n)[i] for n in GREEK_NAMES))
        for name, o, ref_value in zip(("price", *GREEK_NAMES), ours, ref, strict=True):
            # 1e-9 relative; 1e-12 $/share absolute for values that are sums of cancelling terms
            assert abs(o - ref_value) <= 1e-9 * abs(ref_value) + 1e-12, (name, i, o, ref_value)


def test_implied_vol_recovers_sigma_and_matches_vollib_and_quantlib() -> None:
    S, K, T, r, q, sigma, call = _grid(1500, 13)
    price = bs_price(S, K, T, r, q, sigma, call)
    iv = implied_vol(price, S, K, T, r, q, call)
    vega = bs_greeks(S, K, T, r, q, sigma, call).vega  # per vol point
    m = vega > 1e-6
    assert m.sum() > 300 and not np.isnan(iv[m]).any()
    assert np.max(np.abs(iv[m] - sigma[m])) < 1e-8
    for i in np.flatnonzero(m)[:300]:
        ref = vollib_iv(price[i], S[i], K[i], T[i], r[i], q[i], "c" if call[i] else "p")
        assert abs(iv[i] - ref) < 1e-8
        kind = ql.Option.Call if call[i] else ql.Option.Put
        fwd, disc = S[i] * math.exp((r[i] - q[i]) * T[i]), math.exp(-r[i] * T[i])
        std = ql.blackFormulaImpliedStdDev(kind, K[i], fwd, price[i], disc, 0.0, 0.2, 1e-14, 1000)
        assert abs(iv[i] - std / math.sqrt(T[i])) < 1e-8


def test_implied_vol_is_nan_where_no_volatility_fits() -> None:
    # below intrinsic, above the upper bound, expired, zero/negative/NaN inputs
    prices = np.array([5.0, 150.0, 3.0, 3.0, np.nan, 3.0, -1.0])
    S = np.array([110.0, 100.0, 100.0, 100.0, 100.0, 0.0, 100.0])
    T = np.array([0.5, 0.5, 0.0, -1.0, 0.5, 0.5, 0.5])
    out = implied_vol(prices, S, 100.0, T, 0.01, 0.0, True)
    assert np.isnan(out).all()
    assert implied_vol(np.array([]), 100.0, 100.0, 0.5, 0.0, 0.0, True).shape == (0,)


def test_expired_and_zero_vol_rows_are_intrinsic() -> None:
    assert bs_price(105.0, 100.0, 0.0, 0.05, 0.0, 0.2, True) == 5.0
    assert bs_price(95.0, 100.0, -0.1, 0.05, 0.0, 0.2, False) == 5.0
    g = bs_greeks(np.array([105.0, 95.0]), 100.0, 0.0, 0.05, 0.0, 0.2, np.array([True, True]))
    assert list(g.delta) == [1.0, 0.0] and list(g.gamma) == [0.0, 0.0]


def test_same_day_time_to_expiry_is_minutes_to_the_close() -> None:
    close = utc(2026, 11, 25, 21, 0)  # 16:00 ET
    assert year_fraction(utc(2026, 11, 25, 20, 30), close) == pytest.approx(30 * 60 / (365 * 86400))
    assert year_fraction(utc(2026, 11, 25, 20, 59, 50), close) == pytest.approx(60 / (365 * 86400))
    assert year_fraction(utc(2026, 11, 25, 21, 0, 1), close) == 0.0
    half_day_close = utc(2026, 11, 27, 18, 0)  # 13:00 ET
    assert year_fraction(utc(2026, 11, 27, 17, 0), half_day_close) == pytest.approx(3600 / (365 * 86400))


finite = st.floats(min_value=0.5, max_value=2.0)


@settings(max_examples=200, deadline=None)
@given(moneyness=finite, T=st.floats(min_value=1e-3, max_value=3.0), r=st.floats(0, 0.1), q=st.floats(0, 0.05),
       sigma=st.floats(min_value=0.02, max_value=2.0))
def test_parity_monotonicity_and_round_trip(moneyness: float, T: float, r: float, q: float, sigma: float) -> None:
    S, K = 100.0, 100.0 * moneyness
    call, put = bs_price(S, K, T, r, q, sigma, True), bs_price(S, K, T, r, q, sigma, False)
    assert call - put == pytest.approx(S * math.exp(-q * T) - K * math.exp(-r * T), abs=1e-9)
    assert bs_price(S, K, T, r, q, sigma * 1.01, True) >= call - 1e-12
    if bs_greeks(S, K, T, r, q, sigma, True).vega > 1e-4:
        assert implied_vol(call, S, K, T, r, q, True) == pytest.approx(sigma, abs=1e-7)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([0.0, -1.0, np.nan, np.inf, 1e-300, 1e300, 100.0]), min_size=7, max_size=7))
def test_no_exception_on_degenerate_inputs(values: list[float]) -> None:
    S, K, T, r, q, sigma, price = values
    bs_price(S, K, T, r, q, sigma, True)
    bs_greeks(S, K, T, r, q, sigma, False)
    implied_vol(price, S, K, T, r, q, True)
