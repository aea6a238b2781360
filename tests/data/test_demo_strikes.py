"""Demo strike lists are as dense as real ones (checked against the Cboe chains in ../shared).

A trader saw AAPL weeklies with 8 strikes. Real chains list the usual increment all around the
money in every near expiry — SPX 5 points, SPY $1, a $150 stock $1 — and far into the wings.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from app.core.option_pricing import load_option_pricing
from data.files.cboe import load_quotedata
from data.market_calendar import ET
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock

CBOE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "option_chains" / "cboe_quotedata"
NOON = datetime(2026, 11, 25, 12, 0, tzinfo=ET)
# demo symbol → a real chain of the same increment (no AAPL chain in ../shared: NVDA, also $1)
REAL = {"SPX": "SPX_20250106_2126ET_janexp_quotedata.csv", "SPY": "SPY_20250925_2105ET_quotedata.csv",
        "QQQ": "QQQ_20240322_2146ET_quotedata.csv", "NVDA": "NVDA_20250106_2130ET_quotedata.csv"}


def near_term(chain, spot: float, n: int = 4) -> list[tuple[float, float, float]]:
    """(increment at the money, strikes within ±3 % and ±10 % per increment-sized slot) of the
    first ``n`` expiries: 1.0 means every slot listed."""
    out = []
    for expiry in np.unique(chain.expiry)[:n]:
        k = np.unique(chain.strike[chain.expiry == expiry])
        near = k[np.abs(k / spot - 1) <= 0.03]
        step = float(np.min(np.diff(near)))
        slots3, slots10 = 0.06 * spot / step, 0.20 * spot / step
        out.append((step, len(near) / slots3, np.sum(np.abs(k / spot - 1) <= 0.10) / slots10))
    return out


@pytest.fixture(scope="module")
def demo(calendar) -> DemoProvider:
    return DemoProvider(calendar, seed=7, clock=SimClock(NOON, 1.0, lambda: 0.0), option_pricing=load_option_pricing)


@pytest.mark.parametrize("symbol", list(REAL))
def test_near_the_money_strikes_match_a_real_cboe_chain(demo: DemoProvider, symbol: str) -> None:
    path = CBOE / REAL[symbol]
    if not path.exists():
        pytest.skip(f"real Cboe chains not present: {path} (../shared/data is not in a plain clone)")
    real_chain, real_spot, _asof = load_quotedata(path)
    real = near_term(real_chain, real_spot)
    ours = near_term(demo.chain_at(symbol, NOON), demo.quote_at(symbol, NOON).last)
    real_step = float(np.median([step for step, _a, _b in real]))  # a few real expiries add $0.50s
    for step, full3, full10 in ours:
        assert step == real_step
        assert full3 >= min(r[1] for r in real) - 0.05  # as full around the money as the real chain
        assert 0.5 * min(r[2] for r in real) <= full10 <= 2.0 * max(r[2] for r in real)


@pytest.mark.parametrize("symbol, step, listed", [("SPX", 5.0, 200), ("SPY", 1.0, 100), ("AAPL", 2.5, 40),
                                                  ("F", 0.5, 15)])
def test_weeklies_are_as_dense_as_monthlies_near_the_money(demo: DemoProvider, symbol: str, step: float,
                                                           listed: int) -> None:
    chain, spot = demo.chain_at(symbol, NOON), demo.quote_at(symbol, NOON).last
    expiries = np.unique(chain.expiry)
    weekly, monthly = expiries[0], np.datetime64("2026-12-18")
    counts = []
    for expiry in (weekly, monthly):
        k = np.unique(chain.strike[chain.expiry == expiry])
        near = k[np.abs(k / spot - 1) <= 0.04]
        assert float(np.min(np.diff(near))) == step
        counts.append(len(near))
    assert counts[0] == counts[1] and counts[0] >= 0.08 * spot / step - 1  # every slot within ±4 %
    assert len(np.unique(chain.strike[chain.expiry == weekly])) >= listed  # AAPL listed 8 before


def test_far_dated_expiries_list_coarser_strikes(demo: DemoProvider) -> None:
    chain = demo.chain_at("SPX", NOON)
    far = np.unique(chain.strike[chain.expiry == np.datetime64("2027-12-17")])
    assert set(np.diff(far)) <= {25.0, 100.0}  # 25-point strikes a year out, as Cboe lists them


@pytest.mark.parametrize("move", [0.61, 0.83, 0.97, 1.0, 1.013, 1.19, 1.42])
@pytest.mark.parametrize("years", [0.5 / 365, 9 / 365, 60 / 365, 1.2])
def test_listed_strikes_have_no_holes_for_any_symbol(move: float, years: float) -> None:
    # Ford at ~12.3 listed 10 … 12.5, then 14: the wings were filtered against the exact
    # reference while the fine grid was centred on the rounded one, so 13 fell between them.
    from data.providers.demo.profiles import popular_symbols, profile_for
    from data.providers.demo.strikes import _wider, list_strikes, strike_step
    from data.symbols import symbol_kind

    for symbol in popular_symbols():
        profile = profile_for(symbol)
        reference = profile.base_price * move
        strikes = list_strikes(profile, reference, years)
        widest = _wider(_wider(strike_step(reference, symbol) * 2.5, symbol_kind(symbol)), symbol_kind(symbol))
        gaps = np.diff(strikes)
        assert np.all(gaps > 0), symbol
        # The spacing only widens away from the money: never a gap followed by a finer step
        # on the way out (a missing strike), and nowhere wider than the far wing increment.
        mid = int(np.argmin(np.abs(strikes - reference)))
        assert np.all(np.diff(gaps[mid:]) >= -1e-9), (symbol, reference, strikes[mid:])
        assert np.all(np.diff(gaps[:mid][::-1]) >= -1e-9), (symbol, reference, strikes[:mid])
        assert gaps.max() <= widest + 1e-9, symbol
