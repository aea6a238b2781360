"""P&L at expiry: break-evens, max profit/loss and probability of profit, by hand and against
QuantLib (digital options, a calendar's back leg) and scipy (the lognormal)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import numpy as np
import pytest
import QuantLib as ql
from scipy import optimize, stats

from analytics.option_time import ET
from analytics.payoff import expiry_payoff, leg_close, pnl_at_expiry, probability_of_profit, years_left
from analytics.positions import Position, option_leg, stock_leg

E1, E2 = date(2026, 12, 18), date(2027, 1, 15)
NOW = datetime(2026, 12, 1, 16, tzinfo=ET)


def call(k: float, qty: int, price: float, expiry: date = E1, fees: float = 0.0):
    return option_leg(f"SPY{expiry:%y%m%d}C{round(k * 1000):08d}", "SPY", expiry, True, k, qty, price, fees)


def put(k: float, qty: int, price: float, expiry: date = E1, fees: float = 0.0):
    return option_leg(f"SPY{expiry:%y%m%d}P{round(k * 1000):08d}", "SPY", expiry, False, k, qty, price, fees)


def position(*legs) -> Position:
    return Position(1, "SPY", "test", legs, datetime(2026, 12, 1, 15, tzinfo=UTC))


def condor(fees: float = 0.0) -> Position:
    # credit 1.50 − 0.50 + 1.40 − 0.40 = 2.00 on 5-wide wings
    return position(put(90, 1, 0.50), put(95, -1, 1.50), call(105, -1, 1.40), call(110, 1, 0.40, fees=fees))


def _read(p: Position):
    x = expiry_payoff(p)
    return x.break_evens, x.max_profit, x.max_profit_at, x.max_loss, x.max_loss_at


def _close(got, want) -> bool:
    return all(math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9) for a, b in zip(got, want, strict=True))


def test_long_call_breaks_even_at_strike_plus_premium_and_has_no_cap():
    be, mp, mp_at, ml, ml_at = _read(position(call(100, 1, 2.00)))
    assert _close(be, [102.0]) and mp == math.inf and mp_at == math.inf
    assert _close([ml, ml_at], [-200.0, 100.0])  # the premium, lost anywhere at or below the strike
    be, mp, _, ml, _ = _read(position(call(100, 3, 2.00)))
    assert _close(be, [102.0]) and ml == pytest.approx(-600.0)


def test_short_put_keeps_the_credit_and_loses_down_to_zero():
    be, mp, mp_at, ml, ml_at = _read(position(put(100, -1, 3.00)))
    assert _close(be, [97.0]) and _close([mp, mp_at], [300.0, 100.0])
    assert _close([ml, ml_at], [-9700.0, 0.0])  # finite: the underlying stops at 0
    be, mp, mp_at, ml, ml_at = _read(position(put(100, 1, 3.00)))  # a long put: the mirror image
    assert _close(be, [97.0]) and _close([mp, mp_at, ml, ml_at], [9700.0, 0.0, -300.0, 100.0])


def test_short_call_loss_is_unlimited():
    x = expiry_payoff(position(call(100, -1, 2.50)))
    assert _close(x.break_evens, [102.5]) and x.max_profit == pytest.approx(250.0)
    assert x.max_loss == -math.inf and x.max_loss_at == math.inf and x.tail_slope == -100


def test_bull_call_spread_max_profit_is_width_minus_debit():
    be, mp, mp_at, ml, ml_at = _read(position(call(100, 1, 3.00), call(105, -1, 1.00)))
    assert _close(be, [102.0]) and _close([mp, mp_at], [(5 - 2) * 100, 105.0]) and _close([ml, ml_at], [-200, 100])


def test_iron_condor_two_break_evens_credit_and_width_minus_credit():
    be, mp, mp_at, ml, _ = _read(condor())
    assert _close(be, [93.0, 107.0]) and mp == pytest.approx(200.0) and 95 <= mp_at <= 105
    assert ml == pytest.approx(-(5 - 2) * 100)
    x = expiry_payoff(condor())
    assert len(x.profit_intervals) == 1 and x.profit_intervals[0] == pytest.approx((93.0, 107.0)) and x.exact


def test_fees_move_the_break_evens_and_the_extremes():
    be, mp, _, ml, _ = _read(condor(fees=2.60))  # $2.60 on the condor: 0.026 per share
    assert _close(be, [93.026, 106.974]) and mp == pytest.approx(197.4) and ml == pytest.approx(-302.6)
    be, _, _, ml, _ = _read(position(call(100, 1, 2.00, fees=1.30)))
    assert _close(be, [102.013]) and ml == pytest.approx(-201.3)


def test_short_straddle_two_break_evens_and_unlimited_upside_risk():
    x = expiry_payoff(position(call(100, -1, 3.00), put(100, -1, 2.50)))
    assert _close(x.break_evens, [94.5, 105.5]) and _close([x.max_profit, x.max_profit_at], [550.0, 100.0])
    assert x.max_loss == -math.inf


def test_covered_call_and_shares():
    be, mp, mp_at, ml, ml_at = _read(position(stock_leg("SPY", 100, 98.00), call(105, -1, 1.50)))
    assert _close(be, [96.5]) and _close([mp, mp_at], [(105 - 98 + 1.5) * 100, 105.0])
    assert _close([ml, ml_at], [-9650.0, 0.0])
    be, mp, _, ml, ml_at = _read(position(stock_leg("SPY", 200, 50.00, fees=1.00)))
    assert _close(be, [50.005]) and mp == math.inf and _close([ml, ml_at], [-10001.0, 0.0])
    assert expiry_payoff(position(stock_leg("SPY", 200, 50.00))).expiry is None


def test_a_locked_in_spread_cannot_lose_and_has_no_break_even():
    # wave2-references 2.2: 100C bought 2.00, 105C sold 2.10 -> min +$10, max +$510
    x = expiry_payoff(position(call(100, 1, 2.00), call(105, -1, 2.10)))
    assert x.break_evens == () and x.profit_intervals == ((0.0, math.inf),)
    assert _close([x.max_loss, x.max_profit], [10.0, 510.0])
    assert probability_of_profit(x, 100.0, 0.2, 0.05) == 1.0


def test_the_exact_function_matches_the_legs_at_any_spot():
    x = expiry_payoff(condor())
    s = np.linspace(0, 300, 3001)
    assert np.allclose(x.pnl(s), pnl_at_expiry(condor(), s), atol=1e-9, rtol=0)


def _ql_digital_above(level: float, spot: float, iv: float, days: int, r: float, q: float) -> float:
    """P(S_T > level) under QuantLib: a cash-or-nothing call paying 1, undiscounted."""
    today = ql.Date(1, 12, 2026)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    process = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(ql.SimpleQuote(spot)), ql.YieldTermStructureHandle(ql.FlatForward(today, q, dc)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, r, dc)),
        ql.BlackVolTermStructureHandle(ql.BlackConstantVol(today, ql.NullCalendar(), iv, dc)))
    option = ql.VanillaOption(ql.CashOrNothingPayoff(ql.Option.Call, level, 1.0),
                              ql.EuropeanExercise(today + days))
    option.setPricingEngine(ql.AnalyticEuropeanEngine(process))
    return option.NPV() * math.exp(r * days / 365)


def test_probability_of_profit_matches_quantlib_digitals_and_scipy():
    spot, iv, days, r, q = 100.0, 0.22, 17, 0.04, 0.013
    T = days / 365
    x = expiry_payoff(condor())
    pop = probability_of_profit(x, spot, iv, T, r, q)
    ql_pop = _ql_digital_above(93.0, spot, iv, days, r, q) - _ql_digital_above(107.0, spot, iv, days, r, q)
    assert pop == pytest.approx(ql_pop, abs=1e-10)
    dist = stats.lognorm(s=iv * math.sqrt(T), scale=spot * math.exp((r - q - iv * iv / 2) * T))
    assert pop == pytest.approx(dist.cdf(107.0) - dist.cdf(93.0), abs=1e-12)
    straddle = expiry_payoff(position(call(100, -1, 3.00), put(100, -1, 2.50)))
    assert probability_of_profit(straddle, spot, iv, T, r, q) == pytest.approx(dist.cdf(105.5) - dist.cdf(94.5))
    long_call = expiry_payoff(position(call(100, 1, 2.00)))
    assert probability_of_profit(long_call, spot, iv, T, r, q) == pytest.approx(dist.sf(102.0), abs=1e-12)


def test_probability_of_profit_edges():
    x = expiry_payoff(condor())
    assert math.isnan(probability_of_profit(x, 100.0, math.nan, 0.05))
    assert probability_of_profit(x, 100.0, 0.2, 0.0) == 1.0 and probability_of_profit(x, 120.0, 0.2, 0.0) == 0.0
    assert probability_of_profit(x, 100.0, 5.0, 0.05) < 0.2  # a wild IV: the tails take it


# --- several expiries: a model read at the front expiry ---------------------------------------

R, Q = 0.04, 0.01
CAL_IVS = {"SPY261218C00100000": 0.20, "SPY270115C00100000": 0.21}


def calendar() -> Position:
    return position(call(100, -1, 2.00), call(100, 1, 3.20, expiry=E2))  # debit 1.20


def _ql_back_call(spot: float, k: float, iv: float, days: int) -> float:
    today = ql.Date(18, 12, 2026)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    process = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(ql.SimpleQuote(spot)), ql.YieldTermStructureHandle(ql.FlatForward(today, Q, dc)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, R, dc)),
        ql.BlackVolTermStructureHandle(ql.BlackConstantVol(today, ql.NullCalendar(), iv, dc)))
    option = ql.VanillaOption(ql.PlainVanillaPayoff(ql.Option.Call, k), ql.EuropeanExercise(today + days))
    option.setPricingEngine(ql.AnalyticEuropeanEngine(process))
    return option.NPV()


def _ql_calendar_pnl(s: float) -> float:
    return 100 * (_ql_back_call(s, 100, 0.21, 28) - max(s - 100, 0.0)) - calendar().cost


def test_calendar_is_read_at_the_front_expiry_with_the_back_leg_from_its_iv():
    x = expiry_payoff(calendar(), CAL_IVS, R, Q)
    assert not x.exact and x.expiry == E1 and len(x.break_evens) == 2
    want = [optimize.brentq(_ql_calendar_pnl, 80, 100, xtol=1e-12), optimize.brentq(_ql_calendar_pnl, 100, 130,
                                                                                    xtol=1e-12)]
    assert x.break_evens == pytest.approx(want, abs=1e-7)
    assert np.abs(pnl_at_expiry(calendar(), x.break_evens, CAL_IVS, R, Q)).max() < 1e-6
    assert x.max_profit == pytest.approx(_ql_calendar_pnl(100.0), abs=1e-6) and x.max_profit_at == pytest.approx(100)
    assert x.max_loss == pytest.approx(-120.0, abs=0.01)  # the debit, far from the strike
    assert x.max_loss > -120.0 - 1e-9


def test_calendar_probability_of_profit_over_its_model_interval():
    x = expiry_payoff(calendar(), CAL_IVS, R, Q)
    T = years_left(calendar(), NOW)[0]
    assert pytest.approx(17 / 365) == T
    lo, hi = x.break_evens
    iv = 0.20
    dist = stats.lognorm(s=iv * math.sqrt(T), scale=100 * math.exp((R - Q - iv * iv / 2) * T))
    assert probability_of_profit(x, 100.0, iv, T, R, Q) == pytest.approx(dist.cdf(hi) - dist.cdf(lo), abs=1e-12)


def test_diagonal_with_extra_short_front_calls_has_unlimited_risk():
    ratio = position(call(100, -2, 2.00), call(105, 1, 2.50, expiry=E2))
    x = expiry_payoff(ratio, {"SPY261218C00100000": 0.2, "SPY270115C00105000": 0.22}, R, Q)
    assert x.max_loss == -math.inf and x.tail_slope == -100 and math.isfinite(x.max_profit)


def test_a_back_leg_without_iv_is_refused_in_plain_words():
    with pytest.raises(ValueError, match="No IV for SPY270115C00100000"):
        expiry_payoff(calendar(), {"SPY261218C00100000": 0.2}, R, Q)


def test_am_settled_index_monthlies_stop_at_the_open():
    am = option_leg("SPX261218C06000000", "SPX", E1, True, 6000, 1, 10.0)
    pm = option_leg("SPXW261218C06000000", "SPX", E1, True, 6000, 1, 10.0)
    assert leg_close(am).hour == 9 and leg_close(pm).hour == 16
    assert leg_close(stock_leg("SPY", 1, 1.0)) is None


def test_random_positions_intervals_extremes_and_roots_agree_with_a_dense_grid():
    rng = np.random.default_rng(15)
    s = np.linspace(0, 400, 16_001)
    for _ in range(200):
        n = int(rng.integers(1, 5))
        legs = [(call if rng.random() < 0.5 else put)(float(rng.choice(np.arange(60, 141, 5))),
                                                       int(rng.choice([-2, -1, 1, 3])),
                                                       round(float(rng.uniform(0.05, 8)), 2),
                                                       fees=float(rng.uniform(0, 2))) for _ in range(n)]
        if rng.random() < 0.2:
            legs.append(stock_leg("SPY", int(rng.choice([-100, 100])), 100.0))
        symbols = [lg.symbol for lg in legs]
        if len(set(symbols)) != len(symbols):
            continue
        p = position(*legs)
        x = expiry_payoff(p)
        pnl = pnl_at_expiry(p, s)
        inside = np.zeros(len(s), dtype=bool)
        for lo, hi in x.profit_intervals:
            inside |= ((s > lo) | (lo == 0)) & (s < hi)  # a zone from 0 holds 0 itself
        assert np.array_equal(inside, pnl > 0), p.legs
        assert np.abs(pnl_at_expiry(p, x.break_evens)).max(initial=0) < 1e-8
        assert pnl.max() <= x.max_profit + 1e-9 and pnl.min() >= x.max_loss - 1e-9
        if math.isfinite(x.max_profit):
            assert pnl_at_expiry(p, [x.max_profit_at])[0] == pytest.approx(x.max_profit, abs=1e-9)
        if math.isfinite(x.max_loss):
            assert pnl_at_expiry(p, [x.max_loss_at])[0] == pytest.approx(x.max_loss, abs=1e-9)
