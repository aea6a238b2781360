"""The exit advisor: each rule fires at its threshold and not below, with hand-computed numbers.

Golden examples from ../shared/docs/wave2-references.md §2 (multiplier 100): a short put spread
for 1.00 at a 0.50 mark is 50 % of max profit; a short strangle for 2.00 at 6.00 has lost 2×
the credit; a 100C bought at 2.00 with the 105C bid 2.10 converts to a spread with B = −0.10,
min +$10, max +$510; a short 100P sold at 1.50, bought back at 3.00 and re-sold 30+ days out at
3.60 rolls for +0.60, cumulative 2.10, breakeven 97.90.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from analytics.exit_advice import ExitParams, UnderlyingStop, advise, due
from analytics.positions import ContractMark, Position, option_leg, stock_leg
from tests.analytics.exit_fixtures import (
    DEC18,
    DEC31,
    ET,
    NOW,
    _put_spread,
    approx,
    leg,
    mark,
    marks,
    occ,
    position,
    run,
)


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
