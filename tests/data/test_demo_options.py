"""Demo option chains: listing, no-arbitrage quotes, greeks that agree with prices, OI/volume."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest

from analytics.option_time import expiry_times
from analytics.pricing import bs_greeks, implied_vol
from app.core.option_pricing import load_option_pricing
from data.market_calendar import ET
from data.providers.base import OptionsProvider
from data.providers.demo.options import next_earnings
from data.providers.demo.provider import DemoProvider
from data.providers.errors import ProviderError
from data.providers.sim_clock import SimClock
from data.rates import RISK_FREE_RATE, dividend_yield

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=ET)  # Wednesday before Thanksgiving, regular session


def make(calendar, at: datetime = NOON, seed: int = 7) -> DemoProvider:
    return DemoProvider(calendar, seed=seed, clock=SimClock(at, 1.0, lambda: 0.0), option_pricing=load_option_pricing)


def test_expirations_are_listed_as_real_markets_list_them(calendar) -> None:
    p = make(calendar)
    spx = p.options().expirations("SPX", NOON)
    assert spx[:3] == [date(2026, 11, 25), date(2026, 11, 27), date(2026, 11, 30)]  # 0DTE, then dailies
    assert date(2026, 11, 26) not in spx  # Thanksgiving
    aapl = p.options().expirations("AAPL", NOON)
    assert aapl[0] == date(2026, 11, 27) and all(d.weekday() == 4 for d in aapl[:3])
    assert date(2026, 12, 18) in aapl and date(2027, 1, 15) in aapl  # monthlies (third Fridays)
    after_close = p.options().expirations("SPX", datetime(2026, 11, 25, 16, 30, tzinfo=ET))
    assert after_close[0] == date(2026, 11, 27)  # today's contracts have expired
    good_friday = p.options().expirations("SPY", datetime(2027, 3, 1, 12, tzinfo=ET))
    assert date(2027, 3, 25) in good_friday and date(2027, 3, 26) not in good_friday


def test_spx_has_pm_weeklies_and_the_am_settled_monthly_beside_them(calendar) -> None:
    chain = make(calendar).chain_at("SPX", NOON)
    roots_on = {d: set(chain.root[chain.expiry == np.datetime64(d)]) for d in (date(2026, 11, 27), date(2026, 12, 18))}
    assert roots_on[date(2026, 11, 27)] == {"SPXW"} and roots_on[date(2026, 12, 18)] == {"SPX", "SPXW"}
    assert len(chain) > 15_000  # an SPX-sized chain
    assert len(set(chain.symbol)) == len(chain)


def _by_expiry_and_type(chain):
    for expiry in np.unique(chain.expiry):
        for root in np.unique(chain.root):
            for call in (True, False):
                rows = np.flatnonzero((chain.expiry == expiry) & (chain.root == root) & (chain.is_call == call))
                if len(rows):
                    yield rows[np.argsort(chain.strike[rows])], call


@pytest.mark.parametrize("symbol", ["SPX", "SPY", "AAPL", "NVDA"])
def test_quotes_have_no_arbitrage(calendar, symbol: str) -> None:
    p = make(calendar)
    chain = p.chain_at(symbol, NOON)
    spot = p.quote_at(symbol, NOON).last
    mid, spread = chain.mid, chain.ask - chain.bid
    assert np.all(chain.bid >= 0) and np.all(spread > 0)
    for rows, call in _by_expiry_and_type(chain):
        m, tol = mid[rows], spread[rows]
        step = np.diff(m) if call else -np.diff(m)
        assert np.all(step <= tol[1:] + tol[:-1]), "call prices must fall (puts rise) with the strike"
        k = chain.strike[rows]
        w = (k[2:] - k[1:-1]) / (k[2:] - k[:-2])  # butterflies over uneven strike spacing
        excess = m[1:-1] - (w * m[:-2] + (1 - w) * m[2:])
        assert np.all(excess <= (tol[:-2] + tol[1:-1] + tol[2:]) / 2 + 1e-9), "not convex"
    T = expiry_times(chain.expiry, chain.root, NOON, lambda d: calendar.session(d).close)
    r, q = RISK_FREE_RATE, dividend_yield(symbol)
    calls = {(root, e, k): i for i, (root, e, k, c) in
             enumerate(zip(chain.root, chain.expiry, chain.strike, chain.is_call, strict=True)) if c}
    for j in np.flatnonzero(~chain.is_call):
        i = calls[(chain.root[j], chain.expiry[j], chain.strike[j])]
        parity = spot * np.exp(-q * T[j]) - chain.strike[j] * np.exp(-r * T[j])
        assert abs((mid[i] - mid[j]) - parity) <= (spread[i] + spread[j]) / 2 + 1e-9, "put-call parity"


def test_greeks_and_iv_agree_with_the_quoted_prices(calendar) -> None:
    p = make(calendar)
    chain = p.chain_at("SPY", NOON)
    spot = p.quote_at("SPY", NOON).last
    T = expiry_times(chain.expiry, chain.root, NOON, lambda d: calendar.session(d).close)
    r, q = RISK_FREE_RATE, dividend_yield("SPY")
    liquid = (chain.bid > 0.5) & (np.abs(chain.delta) > 0.05) & (np.abs(chain.delta) < 0.95)
    assert liquid.sum() > 500
    iv_of_mid = implied_vol(chain.mid, spot, chain.strike, T, r, q, chain.is_call)
    vega = bs_greeks(spot, chain.strike, T, r, q, chain.iv, chain.is_call).vega * 100  # per 1.00 of vol
    half_spread = (chain.ask - chain.bid) / 2
    assert np.all(np.abs(iv_of_mid - chain.iv)[liquid] * vega[liquid] <= half_spread[liquid] * 1.01)
    assert np.all((chain.delta > 0) == chain.is_call) and np.all(chain.gamma >= 0)
    calls, puts = chain.select(chain.is_call), chain.select(~chain.is_call)
    Tc = expiry_times(calls.expiry, calls.root, NOON, lambda d: calendar.session(d).close)
    np.testing.assert_allclose(calls.delta - puts.delta, np.exp(-q * Tc), atol=1e-9)


def test_surface_has_put_skew_term_structure_and_an_earnings_bump(calendar) -> None:
    p = make(calendar)
    spx = p.chain_at("SPX", NOON, date(2026, 12, 18))
    spot = p.quote_at("SPX", NOON).last
    pm = spx.select(spx.root == "SPXW")

    def iv_at(chain, k):
        return float(chain.iv[np.argmin(np.abs(chain.strike - k))])

    assert iv_at(pm, 0.9 * spot) > iv_at(pm, spot) and iv_at(pm, 0.9 * spot) > iv_at(pm, 1.1 * spot)
    event = next_earnings("AAPL", NOON.date())
    listed = p.options().expirations("AAPL", NOON)
    before = max(d for d in listed if d < event)
    after = min(d for d in listed if d >= event)
    aapl_spot = p.quote_at("AAPL", NOON).last

    def atm_iv(day: date) -> float:
        chain = p.chain_at("AAPL", NOON, day)
        return iv_at(chain.select(chain.is_call), aapl_spot)

    assert atm_iv(after) > atm_iv(before) * 1.05  # the earnings move is priced in
    assert next_earnings("SPY", NOON.date()) is None


def test_open_interest_is_fixed_for_the_day_and_volume_builds(calendar) -> None:
    p = make(calendar)
    morning = p.chain_at("SPX", datetime(2026, 11, 25, 10, 0, tzinfo=ET), date(2026, 11, 25))
    afternoon = p.chain_at("SPX", datetime(2026, 11, 25, 15, 0, tzinfo=ET), date(2026, 11, 25))
    premarket = p.chain_at("SPX", datetime(2026, 11, 25, 8, 0, tzinfo=ET), date(2026, 11, 25))
    np.testing.assert_array_equal(morning.strike, afternoon.strike)  # listed strikes do not move
    np.testing.assert_array_equal(morning.open_interest, afternoon.open_interest)
    assert np.all(afternoon.volume >= morning.volume) and afternoon.volume.sum() > 1.5 * morning.volume.sum()
    assert premarket.volume.sum() == 0
    day = p.chain_at("SPX", NOON)
    near = np.abs(day.strike / p.quote_at("SPX", NOON).last - 1) < 0.03
    round_strike = day.strike % 50 == 0
    assert day.open_interest[near & round_strike].mean() > 1.5 * day.open_interest[near & ~round_strike].mean()
    by_expiry = {d: day.open_interest[day.expiry == np.datetime64(d)].sum() for d in (date(2026, 12, 18),
                                                                                      date(2027, 6, 17))}
    assert by_expiry[date(2026, 12, 18)] > by_expiry[date(2027, 6, 17)]


def test_prices_follow_the_simulated_spot_and_are_deterministic(calendar) -> None:
    p = make(calendar)
    t1, t2 = datetime(2026, 11, 25, 11, 0, tzinfo=ET), datetime(2026, 11, 25, 14, 0, tzinfo=ET)
    a, b = p.chain_at("SPY", t1, date(2026, 12, 18)), p.chain_at("SPY", t2, date(2026, 12, 18))
    s1, s2 = p.quote_at("SPY", t1).last, p.quote_at("SPY", t2).last
    atm_call = np.argmin(np.abs(a.strike - s1) + (~a.is_call) * 1e9)
    assert np.sign(b.mid[atm_call] - a.mid[atm_call]) == np.sign(s2 - s1)
    again = make(calendar).chain_at("SPY", t1, date(2026, 12, 18))
    np.testing.assert_array_equal(again.bid, a.bid)
    np.testing.assert_array_equal(again.open_interest, a.open_interest)
    other_seed = make(calendar, seed=8).chain_at("SPY", t1, date(2026, 12, 18))
    assert not np.array_equal(other_seed.open_interest, a.open_interest)


async def test_the_provider_serves_options_off_the_event_loop(calendar) -> None:
    p = make(calendar)
    assert isinstance(p, OptionsProvider)
    expirations = await p.get_expirations("qqq")
    chain = await p.get_option_chain("QQQ", expirations[0])
    assert chain.underlying == "QQQ" and set(chain.expirations()) == {expirations[0]}
    with pytest.raises(ProviderError):
        await p.get_option_chain("NOT VALID")
    bare = DemoProvider(calendar, clock=SimClock(NOON, 1.0, lambda: 0.0))
    with pytest.raises(ProviderError, match="option pricing"):
        await bare.get_expirations("SPY")


def _near_money_volume_share(strike: np.ndarray, volume: np.ndarray, spot: float, band: float) -> float:
    return float(volume[np.abs(strike / spot - 1) <= band].sum() / volume.sum())


@pytest.mark.parametrize("symbol", ["SPX", "SPY"])
def test_zero_dte_volume_peaks_near_the_money(calendar, symbol: str) -> None:
    # The most traded 0DTE contracts were $0.03 wings (6,800 C, 6,000 P with 5-6k volume) while
    # the money traded ~500: volume followed OI. Real same-day chains (Cboe SPX 2023-09-14,
    # SPY 2025-09-02 in ../shared) trade 85-95 % of their volume within ±2 % of spot.
    at = datetime(2026, 11, 25, 11, 0, tzinfo=ET)
    p = DemoProvider(calendar, clock=SimClock(at, 1.0, lambda: 0.0), option_pricing=load_option_pricing)
    chain, spot = p.chain_at(symbol, at), p.quote_at(symbol, at).last
    today = (chain.expiry == np.datetime64(at.date(), "D")) & (chain.root != "SPX")
    strike, volume = chain.strike[today], chain.volume[today]
    assert _near_money_volume_share(strike, volume, spot, 0.01) > 0.55
    assert _near_money_volume_share(strike, volume, spot, 0.02) > 0.85
    top = np.argsort(-volume)[:10]
    assert np.all(np.abs(strike[top] / spot - 1) < 0.015), strike[top]


def test_real_same_day_chains_trade_near_the_money() -> None:
    from pathlib import Path

    from data.files.cboe import load_quotedata

    folder = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "option_chains" / "cboe_quotedata"
    name = "SPX_20230914_1631ET_quotedata.csv"
    if not (folder / name).exists():
        pytest.skip(f"the real Cboe chain {name} is not in ../shared/data (see its PROVENANCE.md)")
    chain, spot, asof = load_quotedata(folder / name)
    today = chain.expiry == np.datetime64(asof.date(), "D")
    assert _near_money_volume_share(chain.strike[today], chain.volume[today], spot, 0.02) > 0.85
