"""Indicators against TA-Lib (C) on random walks and on the real bars in ../shared/data."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import talib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import kernels
from analytics.indicators import atr, ema, macd, opening_range, rsi, sma, vwap
from tests.conftest import SHARED

RTOL = 1e-9


@pytest.fixture(autouse=True, params=["compiled", "numpy"])
def kernel_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs on the compiled kernels and again on the numpy fallback."""
    if request.param == "numpy":
        monkeypatch.setattr(kernels, "compiled", None)
    elif kernels.compiled is None:
        pytest.skip("C kernels not built on this machine (no compiler); the numpy path is tested")
    return request.param


def _agree(ours: np.ndarray, ref: np.ndarray, start: int = 0) -> None:
    ours, ref = ours[start:], ref[start:]
    assert np.array_equal(np.isnan(ours), np.isnan(ref)), "warm-up (NaN) positions differ"
    m = ~np.isnan(ref)
    np.testing.assert_allclose(ours[m], ref[m], rtol=RTOL, atol=1e-12)


def _walk(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.standard_normal(n) * 0.002))
    high = close * (1 + rng.random(n) * 0.003)
    low = close * (1 - rng.random(n) * 0.003)
    return high, low, close


def _check_all(high: np.ndarray, low: np.ndarray, close: np.ndarray) -> None:
    for w in (5, 20, 50):
        _agree(sma(close, w), talib.SMA(close, w))
    for span in (8, 21, 50):
        _agree(ema(close, span), talib.EMA(close, span))
    _agree(rsi(close, 14), talib.RSI(close, 14))
    _agree(atr(high, low, close, 14), talib.ATR(high, low, close, 14))
    ours, ref = macd(close, 12, 26, 9), talib.MACD(close, 12, 26, 9)
    for o, r in zip(ours, ref, strict=True):
        _agree(o, r, start=26 + 9 - 2)  # TA-Lib shows nothing before the signal starts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_walks_agree_with_talib(seed: int) -> None:
    _check_all(*_walk(20_000, seed))


REAL_BARS = sorted((SHARED / "data" / "bars_intraday").glob("*/*.csv")) if SHARED.exists() else []


@pytest.mark.skipif(not REAL_BARS, reason="../shared/data/bars_intraday not present (plain clone)")
@pytest.mark.parametrize("path", REAL_BARS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_bars_agree_with_talib(path: Path) -> None:
    rows = [{k.lower(): v for k, v in row.items()} for row in csv.DictReader(path.open())]
    rows.sort(key=lambda r: r["datetime"])  # some vendors write newest first
    high, low, close = (np.array([float(r[k]) for r in rows]) for k in ("high", "low", "close"))
    _check_all(high, low, close)


def test_warm_up_and_short_inputs() -> None:
    x = np.arange(1.0, 11.0)
    assert np.isnan(ema(x, 5)[:4]).all() and ema(x, 5)[4] == 3.0
    assert np.isnan(ema(x, 20)).all() and np.isnan(rsi(x[:5])).all() and len(sma(np.array([]), 3)) == 0
    assert rsi(np.full(30, 5.0))[-1] == 0.0  # flat: TA-Lib convention
    with pytest.raises(ValueError):
        sma(x, 0)


def test_vwap_reanchors_and_survives_zero_volume() -> None:
    h, l, c = np.array([11.0, 12, 13, 21, 22]), np.array([9.0, 10, 11, 19, 20]), np.array([10.0, 11, 12, 20, 21])
    v = np.array([100.0, 300, 0, 0, 50])
    session = np.array([1, 1, 1, 2, 2])
    out = vwap(h, l, c, v, session)
    tp = (h + l + c) / 3
    assert out[1] == pytest.approx((tp[0] * 100 + tp[1] * 300) / 400)
    assert out[2] == out[1]  # no volume, no weight
    assert out[3] == pytest.approx(tp[3])  # new session, nothing traded yet: mean typical price
    assert out[4] == pytest.approx(tp[4])  # first traded bar of the session
    index = vwap(h, l, c, np.zeros(5), session)  # an index: no volume at all
    assert np.isfinite(index).all() and index[1] == pytest.approx(tp[:2].mean())


def test_opening_range_has_no_look_ahead() -> None:
    minute = np.array([0, 5, 10, 15, 20, 0, 5, 10, 15])
    session = np.array([1, 1, 1, 1, 1, 2, 2, 2, 2])
    high = np.array([10.0, 12, 11, 15, 9, 50, 51, 49, 60])
    low = np.array([9.0, 8, 10, 14, 7, 48, 47, 46, 55])
    orh, orl = opening_range(high, low, minute, session, minutes=15)
    assert np.isnan(orh[:3]).all() and orh[3] == 12 and orl[4] == 8
    assert orh[8] == 51 and orl[8] == 46


def test_opening_range_leaves_out_pre_market_bars() -> None:
    minute = np.array([-330, -30, -5, 0, 5, 10, 15, 20])  # 04:00, 09:00, 09:25 ET, then the open
    session = np.ones(8, dtype=int)
    high = np.array([99.0, 98, 97, 10, 12, 11, 15, 9])
    low = np.array([1.0, 2, 3, 9, 8, 10, 14, 7])
    orh, orl = opening_range(high, low, minute, session, minutes=15)
    assert np.isnan(orh[:6]).all()  # pre-market and the range window itself: not known yet
    assert orh[6] == 12 and orl[7] == 8  # the pre-market extremes (99, 1) are not in the range


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=0, max_size=60))
def test_never_raises_on_odd_inputs(values: list[float]) -> None:
    x = np.array(values, dtype=float)
    for out in (sma(x, 3), ema(x, 3), rsi(x, 3), atr(x, x, x, 3)):
        assert len(out) == len(x)


@pytest.mark.parametrize("alpha", [2 / 22, 1 / 14, 2 / 201, 2 / 3, 0.999, 1e-4])
def test_both_recurrence_paths_agree(alpha: float) -> None:
    from scipy.signal import lfilter

    from analytics.recurrence import LFILTER_MIN, blocked_recurrence, linear_recurrence

    x = 100 + np.random.default_rng(4).standard_normal(LFILTER_MIN + 123)
    ref = lfilter([alpha], [1.0, alpha - 1.0], x, zi=[(1 - alpha) * 99.0])[0]
    np.testing.assert_allclose(blocked_recurrence(x, alpha, 99.0), ref, rtol=1e-13)
    np.testing.assert_allclose(linear_recurrence(x, alpha, 99.0), ref, rtol=1e-13)
    np.testing.assert_allclose(linear_recurrence(x[:1000], alpha, 99.0), ref[:1000], rtol=1e-13)
