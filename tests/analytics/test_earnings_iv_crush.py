"""The IV-crush grid against independent Black–Scholes (vollib, QuantLib) cell by cell."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import numpy as np
import pytest

from analytics import iv_crush as ic
from analytics.event_vol import event_vol, post_event_ivs
from analytics.option_time import default_close
from analytics.positions import option_leg
from analytics.pricing import year_fraction

NOW = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)  # Thu 15:00 ET, report after the close
AFTER = datetime(2026, 12, 4, 14, 30, tzinfo=UTC)  # Fri 09:30 ET: the reaction session's open
FRI, NEXT = date(2026, 12, 4), date(2026, 12, 11)
SPOT = 200.0
# a calendar: sell Friday's 200 call, buy next week's
LEGS = (option_leg("XYZ261204C00200000", "XYZ", FRI, True, 200.0, -1, 6.10),
        option_leg("XYZ261211C00200000", "XYZ", NEXT, True, 200.0, 1, 7.40))
NOW_IVS = (0.90, 0.55)


def _vollib(S, K, t, sigma, is_call):
    from vollib.black_scholes import black_scholes

    return black_scholes("c" if is_call else "p", S, K, t, 0.0, sigma)


def _quantlib(S, K, t, sigma, is_call):
    """QuantLib's Black formula on the forward (r = q = 0: forward = spot, discount 1)."""
    import QuantLib as ql

    payoff = ql.PlainVanillaPayoff(ql.Option.Call if is_call else ql.Option.Put, K)
    return ql.BlackCalculator(payoff, S, sigma * math.sqrt(t), 1.0).value()


def _grid():
    v = event_vol(0.90, year_fraction(NOW, default_close(FRI)), 0.55, year_fraction(NOW, default_close(NEXT)))
    post = post_event_ivs({FRI: (year_fraction(NOW, default_close(FRI)), 0.90),
                           NEXT: (year_fraction(NOW, default_close(NEXT)), 0.55)}, v.event_variance, FRI)
    scenarios = [ic.implied_scenario(LEGS, post, NOW_IVS), ic.points_scenario(NOW_IVS, 20),
                 ic.fraction_scenario(NOW_IVS, 0.6), ic.points_scenario(NOW_IVS, 0)]
    return ic.crush_grid(LEGS, SPOT, NOW, AFTER, NOW_IVS, scenarios, ic.move_grid(v.move_pct)), v, post


def test_grid_shape_and_scenarios():
    grid, v, post = _grid()
    assert grid.pnl.shape == (25, 4) and grid.moves_pct[12] == 0.0
    assert grid.moves_pct[0] == pytest.approx(-3 * v.move_pct) and grid.spots[-1] == pytest.approx(
        SPOT * (1 + 3 * v.move_pct / 100))
    assert [s.label for s in grid.scenarios] == ["implied post-event IV", "−20 vol points", "IV × 0.60",
                                                 "IV unchanged"]
    assert grid.scenarios[0].ivs == pytest.approx((post[FRI], post[NEXT]))
    assert post[FRI] == pytest.approx(v.ex_event_vol) and post[NEXT] == pytest.approx(v.ex_event_vol)
    assert grid.cost == pytest.approx(100 * (7.40 - 6.10))
    assert grid.valued_at == AFTER


@pytest.mark.parametrize(("move", "scenario"), [(0, 0), (12, 0), (24, 1), (5, 2), (18, 3)])
def test_cells_match_vollib_and_quantlib(move, scenario):
    grid, _v, _post = _grid()
    S = float(grid.spots[move])
    expected_value = 0.0
    for leg, iv in zip(LEGS, grid.scenarios[scenario].ivs, strict=True):
        t = year_fraction(AFTER, default_close(leg.expiry))
        price = _vollib(S, leg.strike, t, iv, leg.is_call)
        ql_price = _quantlib(S, leg.strike, t, iv, leg.is_call)
        assert price == pytest.approx(ql_price, abs=1e-8)
        expected_value += leg.quantity * leg.multiplier * price
    assert grid.value_after[move, scenario] == pytest.approx(expected_value, abs=1e-8)
    assert grid.pnl[move, scenario] == pytest.approx(expected_value - grid.cost, abs=1e-8)


def test_value_now_matches_vollib():
    grid, _v, _post = _grid()
    now = sum(leg.quantity * leg.multiplier * _vollib(SPOT, leg.strike, year_fraction(NOW, default_close(leg.expiry)),
                                                     iv, leg.is_call) for leg, iv in zip(LEGS, NOW_IVS, strict=True))
    assert grid.value_now == pytest.approx(now, abs=1e-8) and grid.pnl_now == pytest.approx(now - grid.cost, abs=1e-8)


def test_the_crush_helps_a_calendar_at_the_strike_and_hurts_a_straddle():
    grid, _v, _post = _grid()
    assert grid.pnl[12, 0] > grid.pnl[12, 3]  # the short front loses more value than the long back
    straddle = (option_leg("XYZ261204C00200000", "XYZ", FRI, True, 200.0, 1, 9.0),
                option_leg("XYZ261204P00200000", "XYZ", FRI, False, 200.0, 1, 9.0))
    s = ic.crush_grid(straddle, SPOT, NOW, AFTER, (0.9, 0.9), [ic.points_scenario((0.9, 0.9), 50)],
                      ic.move_grid(5.0))
    assert s.pnl[12, 0] < 0 < s.pnl[0, 0] and s.pnl[-1, 0] > 0
    lo, hi = ic.breakeven_moves(s)
    assert lo < 0 < hi and lo == pytest.approx(-hi, rel=0.05)


def test_floors_and_labels():
    assert ic.points_scenario((0.05,), 10).ivs == (ic.MIN_IV,)
    assert ic.fraction_scenario((0.5,), 1.0).label == "IV unchanged"
    assert np.allclose(ic.move_grid(-2.0, points=5), [-6, -3, 0, 3, 6])
