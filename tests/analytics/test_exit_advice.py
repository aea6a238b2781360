"""The exit advisor: each rule fires at its threshold and not below, with hand-computed numbers.

Golden examples from ../shared/docs/wave2-references.md §2 (multiplier 100): a short put spread
for 1.00 at a 0.50 mark is 50 % of max profit; a short strangle for 2.00 at 6.00 has lost 2×
the credit; a 100C bought at 2.00 with the 105C bid 2.10 converts to a spread with B = −0.10,
min +$10, max +$510; a short 100P sold at 1.50, bought back at 3.00 and re-sold 30+ days out at
3.60 rolls for +0.60, cumulative 2.10, breakeven 97.90.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analytics.exit_advice import Advice, ExitParams, UnderlyingStop, advise, due
from analytics.positions import ContractMark, Position, option_leg, stock_leg
from data.option_chain import OptionChain

ET = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 1, 11, 0, tzinfo=ET)  # a Tuesday, mid-session
DEC18, DEC31, JAN15 = date(2026, 12, 18), date(2026, 12, 31), date(2027, 1, 15)
approx = pytest.approx


def occ(root: str, expiry: date, is_call: bool, strike: float) -> str:
    return f"{root}{expiry:%y%m%d}{'C' if is_call else 'P'}{round(strike * 1000):08d}"


def leg(und: str, expiry: date, is_call: bool, strike: float, qty: int, price: float):
    return option_leg(occ(und, expiry, is_call, strike), und, expiry, is_call, strike, qty, price)


def position(*legs, opened: datetime = datetime(2026, 11, 3, 15, tzinfo=UTC), pid: int = 7) -> Position:
    return Position(pid, legs[0].underlying, "test", tuple(legs), opened)


def mark(lg, bid: float, ask: float, asof: datetime = NOW, **greeks) -> ContractMark:
    return ContractMark(lg.symbol, bid, ask, (bid + ask) / 2, 100.0, asof, **greeks)


def marks(*pairs) -> dict[str, ContractMark]:
    return {m.symbol: m for m in pairs}


def chain(und: str, rows: list[tuple], asof: datetime = NOW) -> OptionChain:
    """rows: (expiry, is_call, strike, bid, ask, delta)."""
    cols = list(zip(*rows, strict=True))
    n = len(rows)
    return OptionChain(und, asof, np.array([occ(und, *r[:3]) for r in rows], dtype=object),
                       np.array([und] * n, dtype=object), np.array(cols[0], dtype="datetime64[D]"),
                       np.array(cols[1]), np.array(cols[2]), np.array(cols[3]), np.array(cols[4]),
                       np.full(n, np.nan), np.zeros(n), np.zeros(n), np.full(n, np.nan), np.array(cols[5]),
                       np.full(n, np.nan), np.zeros(n, dtype=bool))


def run(pos, mk, spot=100.0, now=NOW, ch=None, params=ExitParams(), **kw) -> dict[str, list[Advice]]:
    out: dict[str, list[Advice]] = {}
    for a in advise(pos, mk, ch, None, spot, now, params, **kw):
        out.setdefault(a.rule, []).append(a)
    return out


# -- profit taking ------------------------------------------------------------------------------------

def _put_spread(short_mid: float, long_mid: float, asof: datetime = NOW):
    s, b = leg("XYZ", DEC31, False, 100, -1, 1.50), leg("XYZ", DEC31, False, 95, 1, 0.50)  # credit 1.00
    return position(s, b), marks(mark(s, short_mid - 0.05, short_mid + 0.05, asof),
                                 mark(b, long_mid - 0.05, long_mid + 0.05, asof))


def test_take_profit_on_a_credit_trade_fires_at_half_the_credit_and_not_before():
    pos, mk = _put_spread(0.70, 0.20)  # cost to close 0.50 of a 1.00 credit
    [tp] = run(pos, mk)["take_profit"]
    assert tp.numbers["profit_pct_of_max"] == approx(50.0) and tp.numbers["threshold_pct"] == 50
    assert tp.numbers["credit_usd"] == approx(100) and tp.numbers["cost_to_close_usd"] == approx(50)
    assert tp.numbers["profit_usd"] == approx(50) and tp.variant == "50" and tp.severity == "warn"
    assert tp.action.kind == "close" and tp.action.net_amount == approx(-50) and tp.action.net_price == approx(-0.50)
    assert [(o.symbol[-9:], o.side, o.quantity, round(o.price, 9)) for o in tp.action.legs] == \
        [("P00100000", "buy", 1, 0.70), ("P00095000", "sell", 1, 0.20)]
    assert "take_profit" not in run(*_put_spread(0.71, 0.20))  # 49 %
    again = run(*_put_spread(0.69, 0.20))["take_profit"][0]  # 51 %: the same card, so the same key
    assert again.key == tp.key
    band = run(*_put_spread(0.45, 0.20))["take_profit"][0]  # 75 %: the next band is a new card
    assert band.variant == "75" and band.key != tp.key


def test_take_profit_on_long_premium_at_plus_100_percent():
    c = leg("XYZ", DEC31, True, 100, 2, 2.00)
    [tp] = run(position(c), marks(mark(c, 3.95, 4.05)))["take_profit"]
    assert tp.numbers["profit_pct_of_debit"] == approx(100) and tp.numbers["profit_usd"] == approx(400)
    assert tp.action.net_amount == approx(800) and tp.action.net_price == approx(4.00)
    assert "take_profit" not in run(position(c), marks(mark(c, 3.93, 4.03)))


# -- losses -------------------------------------------------------------------------------------------

def _strangle(put_mid: float, call_mid: float):
    p, c = leg("XYZ", DEC31, False, 90, -1, 1.00), leg("XYZ", DEC31, True, 110, -1, 1.00)  # credit 2.00
    return position(p, c), marks(mark(p, put_mid - 0.05, put_mid + 0.05), mark(c, call_mid - 0.05, call_mid + 0.05))


def test_a_credit_trade_at_twice_the_credit_lost_gets_the_stop_loss_card():
    [sl] = run(*_strangle(5.50, 0.50))["stop_loss"]  # mark 6.00: lost 4.00 = 2x the 2.00 credit
    assert sl.numbers["loss_usd"] == approx(400) and sl.numbers["loss_multiple_of_credit"] == approx(2.0)
    assert sl.numbers["credit_usd"] == approx(200) and sl.severity == "act"
    assert sl.action.net_amount == approx(-600)
    assert "stop_loss" not in run(*_strangle(5.48, 0.50))


def test_the_credit_stop_can_be_kept_to_undefined_risk_as_tastytrade_does():
    s, b = leg("XYZ", DEC31, False, 100, -1, 1.50), leg("XYZ", DEC31, False, 90, 1, 0.50)
    pos, mk = position(s, b), marks(mark(s, 3.95, 4.05), mark(b, 0.95, 1.05))  # lost 2.00 on a 1.00 credit
    assert "stop_loss" in run(pos, mk)
    only_naked = ExitParams(stop_loss_credit_undefined_only=True)
    assert "stop_loss" not in run(pos, mk, params=only_naked)
    assert "stop_loss" in run(*_strangle(5.50, 0.50), params=only_naked)


def test_a_debit_trade_at_minus_half_its_debit():
    c = leg("XYZ", DEC31, True, 100, 1, 2.00)
    [sl] = run(position(c), marks(mark(c, 0.95, 1.05)))["stop_loss"]
    assert sl.numbers["loss_pct_of_debit"] == approx(50) and sl.numbers["loss_usd"] == approx(100)
    assert "stop_loss" not in run(position(c), marks(mark(c, 0.97, 1.07)))


def test_a_stop_on_the_underlying_fires_once_spot_is_through_it():
    shares = stock_leg("XYZ", 100, 105.0)
    mk = {"XYZ": ContractMark("XYZ", 99.99, 100.01, 100.0, 100.0, NOW)}
    [st] = run(position(shares), mk, spot=100.0, stop=UnderlyingStop(100.0, "below"))["underlying_stop"]
    assert st.numbers == {"spot": 100.0, "stop_level": 100.0} and st.action.stop_level == 100.0
    assert st.action.legs[0].side == "sell" and st.action.net_amount == approx(10_000)
    assert "underlying_stop" not in run(position(shares), mk, spot=100.01, stop=UnderlyingStop(100.0, "below"))
    assert "underlying_stop" in run(position(shares), mk, spot=100.5, stop=UnderlyingStop(100.5, "above"))


# -- mark quality -------------------------------------------------------------------------------------

def test_a_stale_or_missing_mark_fires_no_money_rule():
    stale = NOW - timedelta(seconds=181)
    pos, mk = _put_spread(0.45, 0.20, asof=stale)
    assert run(pos, mk) == {}
    pos, mk = _put_spread(0.45, 0.20)
    del mk[pos.legs[1].symbol]
    assert run(pos, mk) == {}
    pos, mk = _put_spread(0.45, 0.20, asof=NOW - timedelta(seconds=180))  # at the limit: still fresh
    assert "take_profit" in run(pos, mk)


def test_a_wide_quote_says_so_and_holds_the_money_rules():
    s = leg("XYZ", DEC31, False, 100, -1, 1.00)
    got = run(position(s), marks(mark(s, 0.10, 0.90)))  # mid 0.50: 50 % of max profit, but 160 % wide
    assert list(got) == ["quote_too_wide"] and got["quote_too_wide"][0].action is None
    assert got["quote_too_wide"][0].numbers["widest_spread_pct_of_mid"] == approx(160)


# -- time ---------------------------------------------------------------------------------------------

def test_a_premium_seller_opened_at_45_dte_is_managed_at_21():
    s = leg("XYZ", DEC31, False, 90, -1, 1.00)
    opened = datetime(2026, 11, 16, 15, tzinfo=UTC)  # 45 DTE
    mk = marks(mark(s, 0.75, 0.85, theta=-0.04))
    at21 = NOW + timedelta(days=9)  # Dec 10: 21 DTE
    mk21 = {k: ContractMark(m.symbol, m.bid, m.ask, m.last, 100.0, at21, theta=-0.04) for k, m in mk.items()}
    [md] = run(position(s, opened=opened), mk21, now=at21)["manage_dte"]
    assert md.numbers["dte_days"] == 21 and md.numbers["entry_dte_days"] == 45
    assert md.numbers["theta_usd_per_day"] == approx(4.0) and "67 %" in md.title
    assert "manage_dte" not in run(position(s, opened=opened), mk, now=at21 - timedelta(days=1))
    late_entry = position(s, opened=datetime(2026, 12, 10, 15, tzinfo=UTC))  # opened inside 21 DTE
    assert "manage_dte" not in run(late_entry, mk21, now=at21)


def test_long_premium_bleeding_3_percent_a_day_to_theta():
    c = leg("XYZ", DEC18, True, 105, 1, 1.20)
    [td] = run(position(c), marks(mark(c, 0.95, 1.05, theta=-0.03)))["theta_decay"]
    assert td.numbers["decay_pct_per_day"] == approx(3.0) and td.numbers["theta_usd_per_day"] == approx(-3.0)
    assert td.numbers["value_usd"] == approx(100)
    assert "theta_decay" not in run(position(c), marks(mark(c, 0.95, 1.05, theta=-0.0299)))


def test_a_0dte_position_gets_the_close_card_from_15_00_et():
    today = NOW.date()
    spy = leg("SPY", today, False, 600, -1, 1.00)
    at3 = datetime.combine(today, datetime.min.time(), ET).replace(hour=15)
    mk = marks(mark(spy, 0.40, 0.45, asof=at3))
    [z] = run(position(spy), mk, spot=601, now=at3)["zero_dte"]
    assert z.numbers["minutes_to_close"] == approx(60) and z.severity == "act" and "assigned" in z.title
    assert "zero_dte" not in run(position(spy), mk, spot=601, now=at3 - timedelta(minutes=1))
    spxw = option_leg(occ("SPXW", today, False, 6000), "SPX", today, False, 6000, -1, 1.00)
    [z] = run(position(spxw), marks(mark(spxw, 0.40, 0.45, asof=at3)), spot=6010, now=at3)["zero_dte"]
    assert "assigned" not in z.title  # cash-settled, European
    tomorrow = today + timedelta(days=1)  # an AM-settled SPX monthly stops trading the day before
    spx = option_leg(occ("SPX", tomorrow, False, 6000), "SPX", tomorrow, False, 6000, -1, 1.00)
    assert "zero_dte" in run(position(spx), marks(mark(spx, 0.40, 0.45, asof=at3)), spot=6010, now=at3)


def test_gamma_risk_on_a_short_strike_near_spot_close_to_expiry():
    near = leg("XYZ", date(2026, 12, 3), False, 99, -1, 0.50)  # 2 DTE, 1 % below spot
    mk = marks(mark(near, 0.25, 0.35))
    no_move = ExitParams(gamma_use_daily_move=False)
    [g] = run(position(near), mk, params=no_move)["gamma_risk"]
    assert g.numbers["distance_pct"] == approx(1.0) and g.numbers["dte_days"] == 2
    far = leg("XYZ", date(2026, 12, 3), False, 98.9, -1, 0.50)
    assert "gamma_risk" not in run(position(far), marks(mark(far, 0.25, 0.35)), params=no_move)
    later = leg("XYZ", date(2026, 12, 4), False, 99, -1, 0.50)  # 3 DTE
    assert "gamma_risk" not in run(position(later), marks(mark(later, 0.25, 0.35)), params=no_move)
    iv = 2.0 / (100 * (1 / 252) ** 0.5)  # one daily move = $2.00
    two = leg("XYZ", date(2026, 12, 3), False, 98, -1, 0.50)
    [g] = run(position(two), marks(mark(two, 0.25, 0.35, iv=iv)))["gamma_risk"]
    assert g.numbers["daily_move_usd"] == approx(2.0) and g.numbers["distance_usd"] == approx(2.0)


# -- assignment and events ----------------------------------------------------------------------------

def test_a_short_itm_call_with_less_time_value_than_the_dividend():
    c = leg("AAPL", DEC31, True, 100, -1, 3.00)
    mk = marks(mark(c, 5.15, 5.25))  # spot 105: intrinsic 5.00, extrinsic 0.20
    [a] = run(position(c), mk, spot=105, next_dividend=(date(2026, 12, 10), 0.25))["assignment"]
    assert a.variant == "dividend" and a.numbers["extrinsic_per_share"] == approx(0.20)
    assert a.numbers["intrinsic_per_share"] == approx(5.0) and a.numbers["dividend_per_share"] == 0.25
    assert a.action.legs[0].side == "buy" and a.action.legs[0].price == approx(5.25)  # bought back at the ask
    assert a.action.net_amount == approx(-525)
    assert "assignment" not in run(position(c), mk, spot=105, next_dividend=(date(2026, 12, 10), 0.20))
    assert "assignment" not in run(position(c), mk, spot=105, next_dividend=(date(2027, 1, 8), 0.25))  # after expiry


def test_a_short_itm_option_near_expiry_with_no_time_value_left():
    p = leg("SPY", date(2026, 12, 2), False, 600, -1, 2.00)
    [a] = run(position(p), marks(mark(p, 4.99, 5.05)), spot=595)["assignment"]  # extrinsic 0.02, 1 DTE
    assert a.variant == "expiry" and a.numbers["extrinsic_per_share"] == approx(0.02)
    assert "assignment" not in run(position(p), marks(mark(p, 5.02, 5.08)), spot=595)  # 0.05
    spx = leg("SPX", date(2026, 12, 2), False, 6000, -1, 2.00)
    assert "assignment" not in run(position(spx), marks(mark(spx, 49.9, 50.1)), spot=5950)


def test_earnings_before_expiry_within_a_week():
    c = leg("AAPL", DEC18, True, 100, 1, 2.00)
    mk = marks(mark(c, 2.00, 2.10))
    [e] = run(position(c), mk, earnings=date(2026, 12, 8))["earnings"]
    assert e.numbers["days_to_earnings"] == 7 and e.severity == "warn"
    assert "earnings" not in run(position(c), mk, earnings=date(2026, 12, 9))
    assert "earnings" not in run(position(c), mk, earnings=date(2026, 12, 21))  # after expiry
    assert run(position(c), mk, earnings=date(2026, 12, 2))["earnings"][0].severity == "act"


# -- spread conversion --------------------------------------------------------------------------------

def _calls(delta_105: float = 0.31) -> OptionChain:
    return chain("XYZ", [(DEC31, True, 95, 6.9, 7.1, 0.80), (DEC31, True, 100, 3.9, 4.1, 0.55),
                         (DEC31, True, 103, 2.9, 3.0, 0.40), (DEC31, True, 105, 2.10, 2.20, delta_105),
                         (DEC31, True, 110, 0.60, 0.70, 0.12), (DEC31, False, 105, 3.0, 3.1, -0.69),
                         (JAN15, True, 105, 3.0, 3.1, 0.36)])


def test_a_long_call_up_50_percent_converts_to_a_free_spread_priced_on_the_chain():
    c = leg("XYZ", DEC31, True, 100, 1, 2.00)
    mk = marks(mark(c, 2.95, 3.05))  # +50 %
    [cv] = run(position(c), mk, ch=_calls())["spread_conversion"]
    assert cv.numbers["short_strike"] == 105 and cv.numbers["credit_per_share"] == approx(2.10)
    assert cv.numbers["cost_basis_per_share"] == approx(-0.10)
    assert cv.numbers["locked_in_profit_usd"] == approx(10) and cv.numbers["new_max_loss_usd"] == 0
    assert cv.numbers["new_max_profit_usd"] == approx(510) and "can no longer lose money" in cv.title
    [order] = cv.action.legs
    assert (order.symbol, order.side, order.effect, order.quantity, order.price) == \
        ("XYZ261231C00105000", "sell", "open", 1, 2.10)
    assert cv.action.kind == "convert" and cv.action.net_amount == approx(210)
    assert cv.action.locked_in_profit == approx(10) and cv.action.new_max_profit == approx(510)
    assert "spread_conversion" not in run(position(c), marks(mark(c, 2.93, 3.05)), ch=_calls())  # +49.5 %


def test_conversion_by_width_and_the_risk_left_when_the_credit_is_short_of_the_debit():
    c = leg("XYZ", DEC31, True, 100, 2, 2.50)
    mk = marks(mark(c, 3.90, 4.10))
    [cv] = run(position(c), mk, ch=_calls(delta_105=0.20), params=ExitParams(convert_width=10))["spread_conversion"]
    assert cv.numbers["short_strike"] == 110 and cv.numbers["cost_basis_per_share"] == approx(1.90)
    assert cv.numbers["new_max_loss_usd"] == approx(380) and cv.numbers["breakeven"] == approx(101.90)
    assert cv.numbers["new_max_profit_usd"] == approx((10 - 1.90) * 200) and cv.action.legs[0].quantity == 2
    [by_delta] = run(position(c), mk, ch=_calls(delta_105=0.18))["spread_conversion"]
    assert by_delta.numbers["short_strike"] == 103  # |0.40 − 0.30| = 0.10 beats |0.18 − 0.30| = 0.12
    stale = chain("XYZ", [(DEC31, True, 105, 2.10, 2.20, 0.31)], asof=NOW - timedelta(minutes=16))
    assert "spread_conversion" not in run(position(c), mk, ch=stale)


# -- roll ---------------------------------------------------------------------------------------------

def test_a_short_put_at_21_dte_rolls_out_for_a_credit():
    p = leg("XYZ", DEC18, False, 100, -1, 1.50)  # 17 DTE
    mk = marks(mark(p, 2.90, 3.00))
    ch = chain("XYZ", [(DEC18, False, 100, 2.90, 3.00, -0.55), (date(2026, 12, 24), False, 100, 3.2, 3.3, -0.53),
                       (JAN15, False, 100, 3.60, 3.70, -0.50)])
    [r] = run(position(p), mk, spot=102, ch=ch)["roll"]
    assert r.numbers["roll_net_per_share"] == approx(0.60) and r.numbers["roll_net_usd"] == approx(60)
    assert r.numbers["cumulative_credit_per_share"] == approx(2.10) and r.numbers["new_breakeven"] == approx(97.90)
    assert r.numbers["new_dte_days"] == 45 and r.numbers["new_max_loss_usd"] == approx(9790)
    assert r.variant == "credit" and r.severity == "warn" and "0.60 credit" in r.title
    assert [(o.symbol, o.side, o.effect, o.price) for o in r.action.legs] == [
        ("XYZ261218P00100000", "buy", "close", 3.00), ("XYZ270115P00100000", "sell", "open", 3.60)]
    assert r.action.kind == "roll" and r.action.net_price == approx(0.60)


def test_a_roll_with_no_credit_on_the_chain_is_called_a_debit_roll():
    p = leg("XYZ", DEC18, False, 100, -1, 1.50)
    ch = chain("XYZ", [(JAN15, False, 100, 2.95, 3.05, -0.50)])
    [r] = run(position(p), marks(mark(p, 2.90, 3.00)), spot=102, ch=ch)["roll"]
    assert r.variant == "debit" and r.numbers["roll_net_per_share"] == approx(-0.05) and "debit roll" in r.title


def test_a_tested_put_spread_rolls_out_and_down_for_a_credit_keeping_its_width():
    s, b = leg("XYZ", DEC31, False, 100, -2, 2.00), leg("XYZ", DEC31, False, 95, 2, 0.80)  # credit 1.20, 30 DTE
    mk = marks(mark(s, 2.90, 3.00), mark(b, 1.00, 1.10))
    ch = chain("XYZ", [(JAN15, False, 100, 3.10, 3.20, -0.48), (JAN15, False, 95, 2.60, 2.70, -0.30),
                       (JAN15, False, 90, 0.20, 0.30, -0.12)])
    # same strikes: sell 100P 3.10, buy 95P 2.70 = +0.40 against a 2.00 close: a debit. Down 5: +2.30 → credit
    [r] = run(position(s, b), mk, spot=100.5, ch=ch)["roll"]
    assert r.severity == "act" and r.numbers["tested_put_strike"] == 100 and r.numbers["shift_usd"] == 5
    assert r.numbers["roll_net_per_share"] == approx(0.30) and r.numbers["roll_net_usd"] == approx(60)
    assert r.numbers["cumulative_credit_per_share"] == approx(1.50)
    assert r.numbers["new_max_loss_usd"] == approx((5 - 1.50) * 200)
    assert sorted((o.strike, o.side, o.effect, o.quantity) for o in r.action.legs) == [
        (90, "buy", "open", 2), (95, "sell", "close", 2), (95, "sell", "open", 2), (100, "buy", "close", 2)]
    assert "roll" not in run(position(s, b), mk, spot=101.1, ch=ch)  # 1.1 % above the short strike, 30 DTE


# -- dedupe, cooldown, snooze -------------------------------------------------------------------------

def test_due_respects_the_cooldown_and_the_snooze():
    pos, mk = _put_spread(0.70, 0.20)
    [tp] = run(pos, mk)["take_profit"]
    hour = timedelta(hours=1)
    assert due(tp, {}, {}, NOW, hour)
    assert not due(tp, {tp.key: NOW - timedelta(minutes=59)}, {}, NOW, hour)
    assert due(tp, {tp.key: NOW - hour}, {}, NOW, hour)
    assert not due(tp, {}, {tp.key: NOW + timedelta(minutes=1)}, NOW, hour)
    assert due(tp, {}, {tp.key: NOW}, NOW, hour)
    dismissed = {tp.key: datetime.max.replace(tzinfo=UTC)}
    assert not due(tp, {}, dismissed, NOW, hour)
    other = run(*_put_spread(0.70, 0.20))["take_profit"][0]
    assert other.key == tp.key and "|7|50|" in tp.key


def test_advice_comes_most_urgent_first_and_a_closed_position_gets_none():
    pos, mk = _strangle(5.50, 0.50)
    got = advise(pos, mk, None, None, 100.0, NOW, ExitParams())
    assert got[0].severity == "act"
    closed = Position(pos.id, pos.underlying, pos.strategy, pos.legs, pos.opened_at, status="closed")
    assert advise(closed, mk, None, None, 100.0, NOW, ExitParams()) == []


def test_a_long_put_converts_to_a_bear_put_spread_below_it():
    p = leg("XYZ", DEC31, False, 100, 1, 2.00)
    ch = chain("XYZ", [(DEC31, False, 105, 5.9, 6.1, -0.70), (DEC31, False, 95, 2.10, 2.20, -0.30),
                       (DEC31, False, 90, 0.90, 1.00, -0.15)])
    [cv] = run(position(p), marks(mark(p, 2.95, 3.05)), ch=ch)["spread_conversion"]
    assert cv.numbers["short_strike"] == 95 and cv.numbers["locked_in_profit_usd"] == approx(10)
    assert cv.numbers["new_max_profit_usd"] == approx(510) and cv.action.legs[0].symbol == "XYZ261231P00095000"


def test_half_days_opening_minutes_and_covered_calls():
    today = NOW.date()
    spy = leg("SPY", today, True, 600, 1, 1.00)
    half = lambda d: datetime.combine(d, datetime.min.time(), ET).replace(hour=13)  # noqa: E731
    at12 = half(today).replace(hour=12)
    mk = marks(mark(spy, 0.40, 0.45, asof=at12))
    assert run(position(spy), mk, spot=599, now=at12, close_of=half)["zero_dte"][0].severity == "warn"
    assert "zero_dte" not in run(position(spy), mk, spot=599, now=at12)  # 16:00 close: 4 h to go
    pos, mk = _put_spread(0.45, 0.20, asof=NOW.replace(hour=9, minute=33))
    assert run(pos, mk, now=NOW.replace(hour=9, minute=34)) == {}  # the first 5 minutes wait
    assert "take_profit" in run(pos, mk, now=NOW.replace(hour=9, minute=35))
    shares, call = stock_leg("XYZ", 100, 95.0), leg("XYZ", DEC31, True, 100, -1, 1.00)
    mk = {"XYZ": ContractMark("XYZ", 109.9, 110.1, 110, 110, NOW), **marks(mark(call, 10.9, 11.1))}
    assert "stop_loss" not in run(position(shares, call), mk, spot=110)  # the call lost 10x, the shares made 15


def test_exit_params_from_stored_preferences():
    from analytics.exit_advice import exit_params
    p = exit_params({"take_profit_credit_pct": "40", "manage_dte": 14.0, "convert_width": 5,
                     "take_profit_credit_bands": [60, 80], "gamma_use_daily_move": 0, "unknown": 1})
    assert (p.take_profit_credit_pct, p.manage_dte, p.convert_width) == (40.0, 14, 5.0)
    assert p.take_profit_credit_bands == (60.0, 80.0) and p.gamma_use_daily_move is False
    assert exit_params({"convert_width": None}).convert_width is None and exit_params({}) == ExitParams()


def test_on_the_demo_chain_the_suggestions_carry_the_chain_panels_numbers(calendar):
    from analytics.chain_greeks import chain_greeks
    from analytics.position_marks import marks_for
    from app.core.option_pricing import load_option_pricing
    from data.providers.demo.provider import DemoProvider
    from data.providers.sim_clock import SimClock
    from data.rates import RISK_FREE_RATE, dividend_yield

    at = datetime(2026, 11, 25, 12, 0, tzinfo=ET)
    demo = DemoProvider(calendar, seed=7, clock=SimClock(at, 1.0, lambda: 0.0), option_pricing=load_option_pricing)
    ch, spot = demo.chain_at("SPY", at), demo.quote_at("SPY", at).last
    g = chain_greeks(ch, spot, RISK_FREE_RATE, dividend_yield("SPY"))
    expiry = next(d for d in ch.expirations() if 14 <= (d - at.date()).days <= 21)
    rows = np.flatnonzero(ch.expiry == np.datetime64(expiry, "D"))
    atm_call = min((i for i in rows if ch.is_call[i]), key=lambda i: abs(ch.strike[i] - spot))
    put = min((i for i in rows if not ch.is_call[i]), key=lambda i: abs(g.delta[i] + 0.30))

    def held(i, qty, price):
        return option_leg(str(ch.symbol[i]), "SPY", expiry, bool(ch.is_call[i]), float(ch.strike[i]), qty, price)

    call = held(atm_call, 1, round(float(ch.mid[atm_call]) / 2.5, 2))  # bought at 40 % of today's mid
    [cv] = [a for a in advise(position(call), marks_for(ch, g, [call.symbol], spot), ch, g, spot, at, ExitParams())
            if a.rule == "spread_conversion"]
    further = [i for i in rows if ch.is_call[i] and ch.strike[i] > call.strike and ch.bid[i] > 0]
    k2 = min(further, key=lambda i: (abs(abs(g.delta[i]) - 0.30), ch.strike[i]))
    basis = call.open_price - ch.bid[k2]
    assert cv.action.legs[0].symbol == ch.symbol[k2] and cv.action.legs[0].price == ch.bid[k2]
    assert cv.numbers["new_max_profit_usd"] == approx((ch.strike[k2] - call.strike - basis) * 100)
    assert cv.numbers["locked_in_profit_usd"] == approx(max(-basis, 0) * 100)

    short = held(put, -1, float(ch.mid[put]))
    pos = position(short, opened=datetime(2026, 10, 20, 15, tzinfo=UTC))
    [r] = [a for a in advise(pos, marks_for(ch, g, [short.symbol], spot), ch, g, spot, at, ExitParams())
           if a.rule == "roll"]
    new_expiry = next(d for d in ch.expirations() if (d - at.date()).days >= 28)
    new = next(i for i in np.flatnonzero((ch.expiry == np.datetime64(new_expiry, "D")) & ~ch.is_call)
               if ch.strike[i] == short.strike)
    assert r.variant == "credit" and r.action.legs[1].symbol == ch.symbol[new]
    assert r.numbers["roll_net_usd"] == approx((ch.bid[new] - ch.ask[put]) * 100)
