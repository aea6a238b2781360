"""Risk graph: every row of a 4-leg position against QuantLib's analytic European engine (same
r, q, vol, ACT/365), the markers a panel draws, and the date/IV-shift rules."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import numpy as np
import pytest
import QuantLib as ql

from analytics.expected_move import ExpectedMove
from analytics.option_time import ET
from analytics.payoff import expiry_payoff, probability_of_profit
from analytics.positions import Position, option_leg
from analytics.risk_graph import risk_graph

E1, E2 = date(2026, 12, 18), date(2027, 1, 15)
NOW = datetime(2026, 12, 1, 16, tzinfo=ET)  # 16:00 ET to 16:00 ET: whole days, as QuantLib counts
R, Q = 0.041, 0.013
CHOSEN = (date(2026, 12, 4), date(2026, 12, 10), date(2026, 12, 16))


def leg(k: float, is_call: bool, qty: int, price: float, expiry: date = E1):
    occ = f"SPY{expiry:%y%m%d}{'C' if is_call else 'P'}{round(k * 1000):08d}"
    return option_leg(occ, "SPY", expiry, is_call, k, qty, price)


def position(*legs) -> Position:
    return Position(1, "SPY", "test", legs, datetime(2026, 12, 1, 15, tzinfo=UTC))


CONDOR = position(leg(580, False, 1, 2.10), leg(590, False, -1, 4.05), leg(610, True, -1, 3.70),
                  leg(620, True, 1, 1.60))
CONDOR_IVS = [0.24, 0.21, 0.17, 0.165]  # a skew: every leg its own IV
DOUBLE_DIAGONAL = position(leg(585, False, -2, 3.10), leg(580, False, 2, 6.40, E2), leg(615, True, -1, 2.90),
                           leg(620, True, 1, 5.10, E2))
DIAGONAL_IVS = [0.22, 0.215, 0.17, 0.175]


def _ql_leg(spot: float, k: float, is_call: bool, iv: float, today: date, expiry: date) -> float:
    evaluation = ql.Date(today.day, today.month, today.year)
    ql.Settings.instance().evaluationDate = evaluation
    dc = ql.Actual365Fixed()
    process = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(ql.SimpleQuote(spot)), ql.YieldTermStructureHandle(ql.FlatForward(evaluation, Q, dc)),
        ql.YieldTermStructureHandle(ql.FlatForward(evaluation, R, dc)),
        ql.BlackVolTermStructureHandle(ql.BlackConstantVol(evaluation, ql.NullCalendar(), iv, dc)))
    payoff = ql.PlainVanillaPayoff(ql.Option.Call if is_call else ql.Option.Put, k)
    option = ql.VanillaOption(payoff, ql.EuropeanExercise(ql.Date(expiry.day, expiry.month, expiry.year)))
    option.setPricingEngine(ql.AnalyticEuropeanEngine(process))
    return option.NPV()


def _ql_position_per_share(p: Position, ivs, spot: float, today: date, shift: float) -> float:
    """Σ quantity × value per share; a leg on its expiry day is at intrinsic value."""
    total = 0.0
    for lg, iv in zip(p.legs, ivs, strict=True):
        if lg.expiry == today:
            value = max((spot - lg.strike) if lg.is_call else (lg.strike - spot), 0.0)
        else:
            value = _ql_leg(spot, lg.strike, lg.is_call, iv + shift / 100, today, lg.expiry)
        total += lg.quantity * value
    return total


@pytest.mark.parametrize(("p", "ivs", "shift"), [(CONDOR, CONDOR_IVS, 0.0), (CONDOR, CONDOR_IVS, 3.0),
                                                 (DOUBLE_DIAGONAL, DIAGONAL_IVS, 0.0),
                                                 (DOUBLE_DIAGONAL, DIAGONAL_IVS, -4.0)])
def test_every_row_matches_quantlib_to_a_millionth_per_share(p, ivs, shift):
    g = risk_graph(p, 600.0, ivs, R, Q, NOW, dates=CHOSEN, iv_shift=shift)
    days = [NOW.date(), *CHOSEN, E1]
    assert [t.date() for t in g.times] == days and g.pnl.shape == (5, 200)
    for row, day in enumerate(days):
        for col in (0, 37, 81, 100, 119, 163, 199):
            spot = float(g.spots[col])
            ours = (g.pnl[row, col] + p.cost) / 100  # back to per-share value of the legs
            assert ours == pytest.approx(_ql_position_per_share(p, ivs, spot, day, shift), abs=1e-6), (day, spot)


def test_the_expiry_row_is_the_payoff_and_the_markers_are_the_payoffs():
    g = risk_graph(CONDOR, 600.0, CONDOR_IVS, R, Q, NOW)
    x = expiry_payoff(CONDOR)
    assert np.allclose(g.at_expiry, x.pnl(g.spots), atol=1e-9, rtol=0)
    credit = 4.05 + 3.70 - 2.10 - 1.60
    assert g.break_evens == pytest.approx((590 - credit, 610 + credit))
    assert g.max_profit[0] == pytest.approx(credit * 100) and g.max_loss[0] == pytest.approx(-(10 - credit) * 100)
    assert len(g.times) == 2 and g.times[-1] == datetime(2026, 12, 18, 16, tzinfo=ET)


def test_expected_move_band_and_probability_of_profit_use_one_iv():
    g = risk_graph(CONDOR, 600.0, CONDOR_IVS, R, Q, NOW, atm_iv=0.18)
    T = 17 / 365
    assert pytest.approx(T) == g.expected_move.T and g.expected_move.one_sigma == pytest.approx(600 * 0.18 * T ** 0.5)
    assert g.band == pytest.approx((600 - g.expected_move.one_sigma, 600 + g.expected_move.one_sigma))
    assert g.probability_of_profit == pytest.approx(probability_of_profit(expiry_payoff(CONDOR), 600.0, 0.18, T, R, Q))
    # by default the IV of the front leg nearest the money (610 call, 0.17); the panel's own ExpectedMove wins
    assert risk_graph(CONDOR, 603.0, CONDOR_IVS, R, Q, NOW).expected_move.atm_iv == 0.17
    panel = ExpectedMove(E1, T, 600.0, 21.5, 20.0, 0.2)
    assert risk_graph(CONDOR, 600.0, CONDOR_IVS, R, Q, NOW, expected_move=panel).band == (580.0, 620.0)


def test_spot_band_covers_the_strikes_or_follows_the_caller():
    g = risk_graph(CONDOR, 600.0, CONDOR_IVS, R, Q, NOW)
    assert g.spots[0] < 580 and g.spots[-1] > 620 and len(g.spots) == 200 and g.spot == 600.0
    g = risk_graph(CONDOR, 600.0, CONDOR_IVS, R, Q, NOW, span=0.25, points=51)
    assert g.spots[0] == pytest.approx(450) and g.spots[-1] == pytest.approx(750) and len(g.spots) == 51


def test_an_iv_shift_lifts_long_vega_and_leaves_the_expiry_line():
    base = risk_graph(CONDOR, 600.0, CONDOR_IVS, R, Q, NOW)
    up = risk_graph(CONDOR, 600.0, CONDOR_IVS, R, Q, NOW, iv_shift=5.0)
    middle = 100
    assert up.today[middle] < base.today[middle]  # a short condor is short vega
    assert np.array_equal(up.at_expiry, base.at_expiry)
    crushed = risk_graph(CONDOR, 600.0, CONDOR_IVS, R, Q, NOW, iv_shift=-50.0)  # floored, never negative
    assert np.isfinite(crushed.today).all()


def test_dates_are_checked_and_deduplicated():
    with pytest.raises(ValueError, match="at most 5"):
        risk_graph(CONDOR, 600.0, CONDOR_IVS, R, Q, NOW, dates=(*CHOSEN, date(2026, 12, 17)))
    with pytest.raises(ValueError, match="before the front expiry"):
        risk_graph(CONDOR, 600.0, CONDOR_IVS, R, Q, NOW, dates=(date(2026, 12, 21),))
    g = risk_graph(CONDOR, 600.0, CONDOR_IVS, R, Q, NOW, dates=(E1, date(2026, 12, 10), date(2026, 12, 10)))
    assert [t.date() for t in g.times] == [NOW.date(), date(2026, 12, 10), E1]


def test_a_missing_iv_blanks_the_rows_that_need_it_never_zero():
    g = risk_graph(CONDOR, 600.0, [0.24, math.nan, 0.17, 0.165], R, Q, NOW, dates=CHOSEN[:1])
    assert np.isnan(g.pnl[:-1]).all() and np.isfinite(g.at_expiry).all()
    with pytest.raises(ValueError, match="current price"):
        risk_graph(CONDOR, math.nan, CONDOR_IVS, R, Q, NOW)


def test_a_calendar_without_its_back_iv_says_so():
    with pytest.raises(ValueError, match="No IV for SPY270115C00620000"):
        risk_graph(DOUBLE_DIAGONAL, 600.0, [0.22, 0.215, 0.17, math.nan], R, Q, NOW)


def test_after_the_expiry_only_the_intrinsic_line_is_left():
    after = datetime(2026, 12, 21, 10, tzinfo=ET)
    g = risk_graph(CONDOR, 600.0, CONDOR_IVS, R, Q, after)
    assert g.times == (after,) and g.expected_move is None and math.isnan(g.probability_of_profit)
    assert np.allclose(g.today, expiry_payoff(CONDOR).pnl(g.spots), atol=1e-9, rtol=0)
