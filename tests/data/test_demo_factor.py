"""One market factor: demo symbols move together as real ones do (minute returns over a day).

A trader saw NDX −2.2 % while SPX was +0.1 %, and QQQ drift from SPY: each symbol walked alone.
Now SPX is the market; SPY/QQQ track their index with a small basis, NDX loads 1.2 on SPX with
ρ ≈ 0.9, and single stocks are beta × market + their own part.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from data.providers.demo.market_model import DemoMarket
from data.providers.demo.profiles import popular_symbols, profile_for

DAYS = (date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25))


def _regular_returns(market: DemoMarket, symbol: str) -> np.ndarray:
    out = []
    for day in DAYS:
        bars, session = market.session_bars(symbol, day), market.calendar.session(day)
        lo, hi = np.searchsorted(bars.ts, [int(session.open.timestamp()), int(session.close.timestamp())])
        out.append(np.diff(np.log(bars.close[lo:hi])))
    return np.concatenate(out)


@pytest.fixture(scope="module")
def market(calendar) -> DemoMarket:
    return DemoMarket(calendar, seed=7)


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def test_etfs_track_their_index_and_ndx_follows_spx(market: DemoMarket) -> None:
    r = {s: _regular_returns(market, s) for s in ("SPX", "SPY", "NDX", "QQQ")}
    assert _corr(r["SPX"], r["SPY"]) > 0.98
    assert _corr(r["NDX"], r["QQQ"]) > 0.98
    assert 0.8 < _corr(r["SPX"], r["NDX"]) < 0.97
    beta = np.cov(r["SPX"], r["NDX"])[0, 1] / np.var(r["SPX"], ddof=1)
    assert beta == pytest.approx(1.2, abs=0.1)


@pytest.mark.parametrize("symbol", ["AAPL", "NVDA", "TSLA", "F", "JPM", "KO"])
def test_single_stocks_carry_their_beta(market: DemoMarket, symbol: str) -> None:
    spx, stock = _regular_returns(market, "SPX"), _regular_returns(market, symbol)
    beta = np.cov(spx, stock)[0, 1] / np.var(spx, ddof=1)
    assert beta == pytest.approx(profile_for(symbol).beta, abs=0.2)
    assert _corr(spx, stock) > 0.2  # the market moves them, their own news moves them more


def test_the_factor_is_deterministic_per_seed(calendar) -> None:
    a, b = DemoMarket(calendar, seed=7), DemoMarket(calendar, seed=7)
    np.testing.assert_array_equal(_regular_returns(a, "NVDA"), _regular_returns(b, "NVDA"))
    assert not np.array_equal(_regular_returns(a, "NVDA"), _regular_returns(DemoMarket(calendar, 8), "NVDA"))


def test_prices_of_the_universe_are_near_their_late_2026_levels(market: DemoMarket) -> None:
    day = DAYS[-1]
    for symbol in popular_symbols():
        level = profile_for(symbol).base_price
        assert 0.6 * level < market.regular_close(symbol, day) < 1.6 * level, symbol
    ratio = market.regular_close("QQQ", day) / market.regular_close("NDX", day)
    assert 1 / 42 < ratio < 1 / 40
    assert 10 < market.regular_close("F", day) < 16  # Ford, not $184
