"""Demo GEX reads like published figures, and the per-1 % convention matches real Cboe chains.

A trader saw the demo's SPX GEX at $147–166B per 1 % move, swinging ~10 % a minute, with the call
wall, put wall and abs-gamma strike all at the ATM strike (77k 0DTE contracts at one strike).
Published SPX totals are a few $B to ~$20B; the Cboe chains in ../shared give −$16B to +$24B net
on $130–375B gross. The demo's open interest is now spread like theirs (strikes.py).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

from analytics.chain_greeks import chain_greeks
from analytics.gex import CONTRACT_MULTIPLIER, GexProfile, gex_profile
from app.core.option_pricing import load_option_pricing
from data.files.cboe import load_quotedata
from data.market_calendar import ET
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from data.rates import RISK_FREE_RATE, dividend_yield

CBOE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "option_chains" / "cboe_quotedata"
REAL_SPX = ("SPX_20220205_2009ET_quotedata.csv", "SPX_20230914_1631ET_quotedata.csv",
            "SPX_20240107_1052ET_quotedata.csv", "SPX_20250106_2126ET_janexp_quotedata.csv")
MOMENTS = (datetime(2026, 11, 18, 9, 45, tzinfo=ET), datetime(2026, 11, 20, 12, 0, tzinfo=ET),
           datetime(2026, 11, 25, 12, 0, tzinfo=ET), datetime(2026, 12, 1, 15, 45, tzinfo=ET),
           datetime(2026, 12, 4, 12, 0, tzinfo=ET))


def demo_gex(calendar, symbol: str, now: datetime) -> tuple[GexProfile, object]:
    p = DemoProvider(calendar, seed=7, clock=SimClock(now, 1.0, lambda: 0.0), option_pricing=load_option_pricing)
    chain, spot = p.chain_at(symbol, now), p.quote_at(symbol, now).last
    r, q = RISK_FREE_RATE, dividend_yield(symbol)
    greeks = chain_greeks(chain, spot, r, q, calendar.close_at)
    return gex_profile(chain, spot, r=r, q=q, T=greeks.T), chain


def gross(profile: GexProfile) -> float:
    return float(np.abs(profile.by_strike.call).sum() + np.abs(profile.by_strike.put).sum())


@pytest.mark.parametrize("now", MOMENTS, ids=lambda m: f"{m:%m-%d %H:%M}")
def test_spx_total_gex_is_a_few_billion_with_walls_either_side_of_spot(calendar, now: datetime) -> None:
    profile, chain = demo_gex(calendar, "SPX", now)
    assert 1e9 <= abs(profile.total) <= 30e9, f"{profile.total / 1e9:.1f}B per 1 %"
    assert profile.call_wall > profile.spot > profile.put_wall
    today = chain.expiry == np.datetime64(now.date(), "D")
    oi = chain.open_interest
    assert oi[today].sum() < 0.05 * oi.sum()  # 0DTE open interest is modest
    assert oi[today].max() < 10_000  # not 77k at one strike


def test_spx_gex_drifts_with_spot_instead_of_swinging_minute_to_minute(calendar) -> None:
    profiles = [demo_gex(calendar, "SPX", datetime(2026, 11, 25, 11, m, tzinfo=ET)) for m in range(6)]
    ois = [chain.open_interest for _p, chain in profiles]
    assert all(np.array_equal(ois[0], oi) for oi in ois[1:])  # set overnight: fixed all day
    totals = np.array([p.total for p, _c in profiles])
    assert np.max(np.abs(np.diff(totals))) < 0.02 * gross(profiles[0][0])
    assert len({(p.call_wall, p.put_wall) for p, _c in profiles}) == 1


def test_monthly_and_quarterly_expiries_carry_the_most_open_interest(calendar) -> None:
    _p, chain = demo_gex(calendar, "SPX", MOMENTS[2])
    by_day = {d: chain.open_interest[chain.expiry == np.datetime64(d, "D")].sum()
              for d in (date(2026, 11, 25), date(2026, 11, 30), date(2026, 12, 18), date(2027, 1, 15))}
    assert by_day[date(2026, 12, 18)] > 3 * by_day[date(2026, 11, 30)]  # December quarterly vs a daily
    assert by_day[date(2027, 1, 15)] > 2 * by_day[date(2026, 11, 25)]  # a monthly vs today's 0DTE


def _real(name: str):
    path = CBOE / name
    if not path.exists():
        pytest.skip(f"real Cboe chains not present: {path} (../shared/data is not in a plain clone)")
    return load_quotedata(path)


@pytest.mark.parametrize("name", REAL_SPX)
def test_the_per_one_percent_convention_on_a_real_cboe_spx_chain(name: str) -> None:
    """GEX = OI × γ × 100 × S² × 0.01 (what public GEX scripts compute from these very files):
    with Cboe's own gamma the total is that sum exactly, and real SPX reads $1–30B net."""
    chain, spot, _asof = _real(name)
    profile = gex_profile(chain, spot, gamma_source="provider")
    gamma, oi = np.nan_to_num(chain.gamma), np.nan_to_num(chain.open_interest)
    by_hand = np.where(chain.is_call, 1.0, -1.0) * oi * gamma * CONTRACT_MULTIPLIER * spot**2 * 0.01
    used = np.isfinite(chain.gamma) & (oi > 0) & (chain.expiry >= np.datetime64(_asof.date(), "D"))
    assert profile.total == pytest.approx(by_hand[used].sum(), rel=0.02)
    assert 1e9 <= abs(profile.total) <= 30e9
    assert 100e9 <= gross(profile) <= 400e9


def test_demo_spx_gamma_is_pinned_to_the_real_chains(calendar) -> None:
    """Gross gamma per S² (the part that does not grow with the index level) of the demo SPX
    chain sits within the range the real chains give."""
    real = []
    for name in REAL_SPX:
        chain, spot, _asof = _real(name)
        real.append(gross(gex_profile(chain, spot, gamma_source="provider")) / spot**2)
    demo = [gross(p) / p.spot**2 for p, _c in (demo_gex(calendar, "SPX", m) for m in MOMENTS[:3])]
    assert 0.7 * min(real) < min(demo) and max(demo) < 1.3 * max(real)


def _oi_sides(strike: np.ndarray, is_call: np.ndarray, oi: np.ndarray, spot: float) -> tuple[float, float]:
    """(put/call OI below spot, call/put OI above), strikes within ±15 %."""
    near = np.abs(strike / spot - 1) < 0.15
    below, above = near & (strike < spot), near & (strike > spot)
    return (oi[below & ~is_call].sum() / oi[below & is_call].sum(),
            oi[above & is_call].sum() / oi[above & ~is_call].sum())


@pytest.mark.parametrize("name", ["AMD_20230820_2235ET_quotedata.csv", "TSLA_20230820_2238ET_quotedata.csv"])
def test_real_stock_chains_hold_puts_below_spot_and_calls_above(name: str) -> None:
    if not (CBOE / name).exists():
        pytest.skip(f"the real Cboe chain {name} is not in ../shared/data (see its PROVENANCE.md)")
    chain, spot, _asof = load_quotedata(CBOE / name)
    front = chain.expiry == chain.expiry.min()
    puts_below, calls_above = _oi_sides(chain.strike[front], chain.is_call[front], chain.open_interest[front], spot)
    assert puts_below > 2 and calls_above > 1.2


@pytest.mark.parametrize("symbol", ["NVDA", "AAPL"])
@pytest.mark.parametrize("now", MOMENTS[1:4], ids=lambda m: f"{m:%m-%d %H:%M}")
def test_stock_gex_flips_near_spot_with_puts_below_and_calls_above(calendar, symbol: str, now: datetime) -> None:
    # NVDA/AAPL held more call than put OI at every strike: net GEX positive everywhere,
    # "Flip: none within -20%/+20%". Protective puts below, covered calls above, as real chains.
    profile, chain = demo_gex(calendar, symbol, now)
    near = chain.expiry <= np.datetime64(now.date(), "D") + np.timedelta64(45, "D")
    puts_below, calls_above = _oi_sides(chain.strike[near], chain.is_call[near], chain.open_interest[near],
                                        profile.spot)
    assert puts_below > 1.5 and calls_above > 1.5
    assert profile.flip is not None and abs(profile.flip / profile.spot - 1) < 0.06, profile.flip_note
