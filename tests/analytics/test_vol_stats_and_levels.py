"""Volatility statistics, expected moves, the 0DTE toolkit and key levels."""

from __future__ import annotations

import itertools
from datetime import date, datetime

import numpy as np
import pytest

from analytics.expected_move import expected_moves, gamma_risk, theta_clock, top_by_volume, zero_dte_move
from analytics.levels import classic_pivots, key_levels
from analytics.pricing import bs_greeks, bs_price
from analytics.volatility import (
    ExpiryVol,
    delta_skew,
    forward_vol,
    forwards_and_ivs,
    historical_vol,
    iv_rank,
    term_structure,
)
from data.market_calendar import ET
from data.option_chain import OptionChain

ASOF = datetime(2026, 11, 25, 12, 0, tzinfo=ET)


def _smile_chain(spot: float = 100.0, r: float = 0.04, q: float = 0.01) -> tuple[OptionChain, np.ndarray]:
    """Two expiries priced exactly from a known smile (puts richer) and term structure."""
    rows = []
    expiries = ((np.datetime64("2026-12-04"), 9 / 365, 0.20), (np.datetime64("2027-01-15"), 51 / 365, 0.24))
    for expiry, T, base in expiries:
        for k in np.arange(70.0, 131.0, 1.0):
            iv = base + 1.5 * np.log(100.0 / k) ** 2 + 0.5 * np.log(100.0 / k)
            for is_call in (True, False):
                price = float(bs_price(spot, k, T, r, q, iv, is_call))
                rows.append((expiry, T, k, is_call, price, iv))
    n = len(rows)
    col = list(zip(*rows, strict=True))
    price = np.array(col[4])
    chain = OptionChain(
        underlying="X", asof=ASOF, symbol=[f"X{i}" for i in range(n)], root=["X"] * n, expiry=col[0],
        is_call=col[3], strike=col[2], bid=price - 1e-9, ask=price + 1e-9, last=price,
        volume=np.arange(n) % 97, open_interest=np.full(n, 100.0), iv=col[5], delta=np.full(n, np.nan),
        gamma=np.full(n, np.nan), adjusted=np.zeros(n, bool))
    return chain, np.array(col[1])


def test_forwards_ivs_term_structure_and_skew() -> None:
    chain, T = _smile_chain()
    points, ivs = forwards_and_ivs(chain, 100.0, T, 0.04)
    assert len(points) == 2
    for p in points:
        assert p.forward == pytest.approx(100.0 * np.exp((0.04 - 0.01) * p.T), rel=1e-6)
        assert p.carry_q == pytest.approx(0.01, abs=1e-6)
    # out-of-the-money contracts worth more than a tenth of a cent (below that, and for the OTM
    # twin of a deep ITM price, the ±1e-9 quote width alone moves the IV)
    otm = np.where(chain.is_call, chain.strike >= 100.0, chain.strike < 100.0)
    ok = np.isfinite(ivs) & otm & (chain.last > 1e-3)
    assert ok.sum() > 0.3 * len(ivs)
    np.testing.assert_allclose(ivs[ok], chain.iv[ok], atol=1e-6)
    ts = term_structure(points)
    assert ts.shape == "contango" and ts.steepness > 0
    inverted = [ExpiryVol(date(2026, 12, 1), 0.1, 100, 0, 0.3), ExpiryVol(date(2027, 1, 1), 0.2, 100, 0, 0.2)]
    assert term_structure(inverted).shape == "backwardation"
    front = np.flatnonzero(chain.expiry == np.datetime64("2026-12-04"))
    skew = delta_skew(chain, front, ivs, 100.0, T[front[0]], 0.04, points[0].carry_q, 0.25)
    assert skew.risk_reversal > 0.5 and "puts richer" in skew.reading
    ten = delta_skew(chain, front, ivs, 100.0, T[front[0]], 0.04, points[0].carry_q, 0.10)
    assert ten.risk_reversal > skew.risk_reversal  # steeper in the wings


def test_expected_moves_and_zero_dte_toolkit() -> None:
    chain, T = _smile_chain()
    points, _ = forwards_and_ivs(chain, 100.0, T, 0.04)
    moves = expected_moves(chain, 100.0, T, {p.expiry: p.atm_iv for p in points})
    front = moves[0]
    assert front.atm_strike == 100.0
    assert front.one_sigma == pytest.approx(100.0 * front.atm_iv * np.sqrt(front.T))
    assert 0.7 * front.one_sigma < front.straddle < 0.9 * front.one_sigma  # straddle ≈ 0.8σ

    open_, close = datetime(2026, 11, 25, 9, 30, tzinfo=ET), datetime(2026, 11, 25, 16, 0, tzinfo=ET)
    m = zero_dte_move(100.0, 100.6, 0.16, open_, close, datetime(2026, 11, 25, 12, 45, tzinfo=ET))
    assert m.at_open == pytest.approx(100 * 0.16 * np.sqrt(6.5 / (365 * 24)))
    assert m.used == pytest.approx(0.6) and m.remaining == pytest.approx(100.6 * 0.16 * np.sqrt(3.25 / (365 * 24)))
    clock = theta_clock(100.0, 100.0, 0.04, 0.0, 0.16, True, datetime(2026, 11, 25, 14, 0, tzinfo=ET), close)
    assert [p.time.strftime("%H:%M") for p in clock][:3] == ["14:00", "14:15", "14:30"]
    assert clock[-1].value == 0.0 and all(a.value >= b.value for a, b in itertools.pairwise(clock))
    risk = gamma_risk(100.0, 100.0, 2 / (365 * 24), 0.04, 0.0, 0.16, True)
    greeks = bs_greeks(100.0, 100.0, 2 / (365 * 24), 0.04, 0.0, 0.16, True)
    price = bs_price(100.0, 100.0, 2 / (365 * 24), 0.04, 0.0, 0.16, True)
    assert risk.leverage == pytest.approx(greeks.delta * 100 / price)
    assert risk.dollar_gamma == pytest.approx(greeks.gamma * 100 * 100**2 * 0.01)
    top = top_by_volume(chain, date(2026, 12, 4), n=5)
    vols = chain.volume[top]
    assert len(top) == 5 and list(vols) == sorted(vols, reverse=True)


def test_iv_rank_percentile_and_proxy() -> None:
    history = np.linspace(0.10, 0.30, 252)
    r = iv_rank(0.25, history)
    assert r.basis == "implied volatility" and r.rank == pytest.approx(75.0)
    assert r.percentile == pytest.approx(75, abs=1)
    rng = np.random.default_rng(2)
    closes = 100 * np.exp(np.cumsum(rng.standard_normal(400) * 0.01))
    proxy = iv_rank(0.16, history[:10], closes=closes)
    assert proxy.basis == "historical-volatility proxy" and 0 <= proxy.rank <= 100
    assert iv_rank(0.2, history[:10]) is None


def test_historical_and_forward_vol() -> None:
    rng = np.random.default_rng(5)
    closes = 100 * np.exp(np.cumsum(rng.standard_normal(3000) * 0.01))
    hv = historical_vol(closes, 20)
    assert np.isnan(hv[:20]).all() and np.nanmean(hv) == pytest.approx(0.01 * np.sqrt(252), rel=0.05)
    assert forward_vol(0.2, 0.1, 0.2, 0.5) == pytest.approx(0.2)
    assert forward_vol(0.2, 0.1, 0.25, 0.2) == pytest.approx(np.sqrt((0.25**2 * 0.2 - 0.04 * 0.1) / 0.1))
    assert np.isnan(forward_vol(0.5, 0.1, 0.2, 0.2))


def test_classic_pivots_and_key_levels() -> None:
    p = classic_pivots(110.0, 90.0, 100.0)
    assert (p.p, p.r1, p.s1, p.r2, p.s2) == (100.0, 110.0, 90.0, 120.0, 80.0)
    # two days of bars: day 1 regular 09:30-15:59, day 2 pre-market 08:00-09:29 + 30 regular minutes
    day = np.r_[np.zeros(390), np.ones(120)]
    minute = np.r_[np.arange(570, 960), np.arange(480, 570), np.arange(570, 600)]
    close = np.r_[np.linspace(100, 105, 390), np.linspace(104, 106, 90), np.linspace(106, 108, 30)]
    high, low, vol = close + 0.5, close - 0.5, np.full(510, 1000.0)
    levels = key_levels(day, minute, high, low, close, vol, or_minutes=15)
    assert levels.prior_high == pytest.approx(105.5) and levels.prior_low == pytest.approx(99.5)
    assert levels.prior_close == pytest.approx(105.0)
    assert levels.premarket_high == pytest.approx(106.5) and levels.premarket_low == pytest.approx(103.5)
    assert levels.or_high == pytest.approx(high[480:495].max())
    assert np.isfinite(levels.vwap) and levels.pivots.p == pytest.approx((105.5 + 99.5 + 105) / 3)
    assert key_levels(day[:390], minute[:390], high[:390], low[:390], close[:390], vol[:390]) is None
