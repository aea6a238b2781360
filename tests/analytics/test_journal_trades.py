"""Executions grouped into trades: every grouping case by hand, and the real thinkorswim day."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.journal_trades import Trade, assess_risk, group_trades, mae_mfe
from data.models import Bars, Timeframe
from tests.analytics.journal_fixtures import at, option, stock, tos_trade_history
from tests.conftest import shared_path


def one(trades: list[Trade]) -> Trade:
    assert len(trades) == 1, trades
    return trades[0]


def test_scaling_in_and_out_is_one_trade_with_fifo_pnl() -> None:
    t = one(group_trades([stock("buy", 100, 10, "09:31:00"), stock("buy", 100, 12, "09:35:00"),
                          stock("sell", 150, 13, "09:40:00"), stock("sell", 50, 11, "09:45:00")]))
    # FIFO: 100 @10 → 13 (+300), 50 @12 → 13 (+50), 50 @12 → 11 (−50)
    assert t.gross_pnl == pytest.approx(300) and t.net_pnl == pytest.approx(300)
    assert t.quantity == 200 and t.entry_price == pytest.approx(11) and t.exit_price == pytest.approx(12.5)
    assert t.direction == "long" and t.instrument == "stock" and t.legs == ("AAPL",)
    assert t.closed_at == at("09:45:00") and t.holding_time == timedelta(minutes=14)
    assert len(t.executions) == 4


def test_a_partial_close_keeps_the_trade_open_with_the_realised_part() -> None:
    t = one(group_trades([stock("buy", 100, 10, "09:31:00"), stock("sell", 40, 12, "09:32:00", fees=1.0)]))
    assert t.is_open and t.closed_at is None and t.holding_time is None
    assert t.gross_pnl == pytest.approx(80) and t.net_pnl == pytest.approx(79)
    assert t.r_multiple is None and not t.is_scratch


def test_a_flip_closes_one_trade_and_opens_the_next_with_the_remainder() -> None:
    flip = stock("sell", 150, 11, "09:40:00", fees=1.5, exec_id="F")
    first, second = group_trades([stock("buy", 100, 10, "09:31:00", exec_id="A"), flip,
                                  stock("buy", 50, 10.5, "09:50:00")])
    assert (first.direction, first.quantity, first.gross_pnl, first.fees) == ("long", 100, pytest.approx(100), 1.0)
    assert first.closed_at == at("09:40:00")
    assert (second.direction, second.quantity, second.entry_price) == ("short", 50, 11)
    assert second.gross_pnl == pytest.approx(25) and second.fees == pytest.approx(0.5)
    assert first.id == "test:A" and second.id == "test:F:flip"
    assert "F" in first.executions and "F" in second.executions


def test_a_short_trade() -> None:
    t = one(group_trades([stock("sell", 100, 20, "10:00:00"), stock("buy", 100, 18, "10:30:00")]))
    assert t.direction == "short" and t.gross_pnl == pytest.approx(200)


def test_options_pnl_uses_the_multiplier_and_fees_of_both_sides() -> None:
    t = one(group_trades([option("buy", 2, 1.50, "10:00:00", fees=1.30),
                          option("sell", 2, 2.10, "11:00:00", fees=1.30)]))
    assert t.instrument == "option" and t.multiplier == 100 and t.legs == ("SPY240315C00100000",)
    assert t.gross_pnl == pytest.approx(120) and t.fees == pytest.approx(2.6) and t.net_pnl == pytest.approx(117.4)
    assert t.cost == pytest.approx(300) and t.dte_at_entry == 10
    mini = one(group_trades([option("buy", 1, 1.0, "10:00:00", multiplier=10), option("sell", 1, 2.0, "10:05:00",
                                                                                      multiplier=10)]))
    assert mini.gross_pnl == pytest.approx(10)


def test_a_vertical_opened_as_one_order_and_closed_leg_by_leg_is_one_spread_trade() -> None:
    legs = [option("buy", 1, 3.00, "10:00:00", strike=100, order_id="O1"),
            option("sell", 1, 1.20, "10:00:00", strike=105, order_id="O1", fees=0.65)]
    early = option("sell", 1, 4.00, "11:00:00", strike=100, order_id="O2")
    late = option("buy", 1, 0.50, "12:00:00", strike=105, order_id="O3")
    half = one(group_trades([*legs, early]))
    assert half.instrument == "spread" and half.is_open and half.gross_pnl == pytest.approx(100)
    t = one(group_trades([*legs, early, late]))
    assert t.instrument == "spread" and t.direction == "debit" and len(t.legs) == 2
    assert t.gross_pnl == pytest.approx(100 + 70) and t.net_pnl == pytest.approx(170 - 0.65)
    assert t.entry_price == pytest.approx(1.80) and t.exit_price == pytest.approx(3.50) and t.quantity == 1
    assert t.closed_at == at("12:00:00")


def test_legs_in_the_same_second_without_order_ids_form_a_spread_and_separate_orders_do_not() -> None:
    credit = one(group_trades([option("sell", 2, 2.0, "10:00:00", strike=100, call=False),
                               option("buy", 2, 1.0, "10:00:01", strike=95, call=False)]))
    assert credit.instrument == "spread" and credit.direction == "credit" and credit.entry_price == pytest.approx(1.0)
    apart = group_trades([option("buy", 1, 3.0, "10:00:00", strike=100, order_id="A"),
                          option("sell", 1, 1.2, "10:00:00", strike=105, order_id="B")])
    assert [t.instrument for t in apart] == ["option", "option"]


def test_rolling_one_leg_of_a_spread_keeps_it_one_trade() -> None:
    trades = group_trades([
        option("sell", 1, 2.0, "10:00:00", strike=100, call=False, order_id="O1"),
        option("buy", 1, 1.0, "10:00:00", strike=95, call=False, order_id="O1"),
        option("buy", 1, 0.5, "11:00:00", strike=100, call=False, order_id="R"),  # roll the short leg down
        option("sell", 1, 1.1, "11:00:00", strike=98, call=False, order_id="R"),
        option("sell", 1, 0.4, "12:00:00", strike=95, call=False, order_id="C"),
        option("buy", 1, 0.2, "12:00:00", strike=98, call=False, order_id="C")])
    t = one(trades)
    assert len(t.legs) == 3 and not t.is_open
    assert t.gross_pnl == pytest.approx((2.0 - 0.5 + 0.4 - 1.0 + 1.1 - 0.2) * 100)


def test_expiry_worthless_closes_at_zero_with_the_side_from_the_inventory() -> None:
    short_put = [option("sell", 3, 2.00, "10:00:00", call=False),
                 option("sell", 3, 0.0, "16:00:00", call=False, kind="expiration", day=date(2024, 3, 15))]
    t = one(group_trades(short_put))  # the expiration row says "sell" (unsigned, as tastytrade's): still closes
    assert t.gross_pnl == pytest.approx(600) and t.closed_at is not None and t.exit_price == 0
    long_call = one(group_trades([option("buy", 1, 1.25, "10:00:00"),
                                  option("sell", 1, 0.0, "16:00:00", kind="expiration", day=date(2024, 3, 15))]))
    assert long_call.gross_pnl == pytest.approx(-125)
    assert group_trades([option("buy", 1, 0.0, "16:00:00", kind="expiration")]) == []  # not held: ignored


def test_assignment_closes_the_option_on_its_own_and_opens_shares_at_the_strike() -> None:
    trades = group_trades([
        option("sell", 1, 2.00, "10:00:00", strike=50, call=False, symbol="XYZ"),
        option("buy", 1, 0.0, "16:00:00", strike=50, call=False, symbol="XYZ", kind="assignment", order_id="ASG",
               day=date(2024, 3, 15)),
        stock("buy", 100, 50.0, "16:00:00", symbol="XYZ", kind="assignment", order_id="ASG", day=date(2024, 3, 15)),
        stock("sell", 100, 53.0, "10:00:00", symbol="XYZ", day=date(2024, 3, 18))])
    put, shares = trades
    assert put.instrument == "option" and put.gross_pnl == pytest.approx(200) and not put.is_open
    assert shares.instrument == "stock" and shares.entry_price == 50 and shares.gross_pnl == pytest.approx(300)


def test_exercise_joins_the_stock_trade_already_open() -> None:
    trades = group_trades([
        stock("sell", 100, 60.0, "09:40:00", symbol="XYZ"),
        option("buy", 1, 1.0, "09:41:00", strike=55, symbol="XYZ"),
        option("sell", 1, 0.0, "15:00:00", strike=55, symbol="XYZ", kind="exercise", order_id="EX"),
        stock("buy", 100, 55.0, "15:00:00", symbol="XYZ", kind="exercise", order_id="EX")])
    short_stock, call = trades
    assert short_stock.instrument == "stock" and short_stock.gross_pnl == pytest.approx(500) and not short_stock.is_open
    assert call.instrument == "option" and call.gross_pnl == pytest.approx(-100) and not call.is_open


def test_scratch_band_and_risk() -> None:
    scratch = one(group_trades([stock("buy", 100, 10, "09:31:00"), stock("sell", 100, 10.005, "09:32:00")]))
    assert scratch.net_pnl == pytest.approx(0.5) and scratch.is_scratch
    win = one(group_trades([stock("buy", 100, 10, "09:31:00"), stock("sell", 100, 10.5, "09:32:00")],
                           risk_per_trade=100))
    assert not win.is_scratch and win.risk == 100 and win.r_multiple == pytest.approx(0.5)
    relative = one(group_trades([stock("buy", 100, 10, "09:31:00"), stock("sell", 100, 10.005, "09:32:00")],
                                scratch_dollars=0.1, scratch_fraction=0.001))  # $1 band (0.1 % of $1,000)
    assert relative.is_scratch
    planned = assess_risk(Trade(**{**_fields(win), "planned_stop": 9.75}), risk_per_trade=100)
    assert planned.risk == pytest.approx(25) and planned.r_multiple == pytest.approx(2.0)


def _fields(t: Trade) -> dict:
    return {name: getattr(t, name) for name in Trade.__dataclass_fields__}


def test_ids_are_stable_and_journal_fields_start_empty() -> None:
    fills = [stock("buy", 10, 10, "09:31:00", exec_id="X1"), stock("sell", 10, 11, "09:32:00", exec_id="X2")]
    a, b = group_trades(fills), group_trades(list(reversed(fills)))
    assert a[0].id == b[0].id == "test:X1"
    t = a[0]
    assert (t.setup, t.tags, t.mistakes, t.rating, t.notes, t.planned_stop, t.planned_target) == \
        (None, (), (), None, "", None, None)


def _bars(start: str, lows: list[float], highs: list[float]) -> Bars:
    ts = np.array([int(at(start).timestamp()) + 60 * i for i in range(len(lows))])
    lo, hi = np.array(lows, float), np.array(highs, float)
    return Bars("AAPL", Timeframe.M1, ts, (lo + hi) / 2, hi, lo, (lo + hi) / 2, np.ones(len(ts)))


def test_mae_mfe_from_the_bars_during_the_trade() -> None:
    bars = _bars("09:30:00", [5, 9.5, 9.8, 10.2, 1], [20, 10.4, 11.0, 10.6, 30])  # outside bars are extreme
    long = one(group_trades([stock("buy", 100, 10, "09:31:20"), stock("sell", 100, 10.5, "09:33:40")],
                            risk_per_trade=50))
    mae, mfe = mae_mfe(long, bars)
    assert mae.dollars == pytest.approx(-50) and mfe.dollars == pytest.approx(100)
    assert mae.r == pytest.approx(-1) and mfe.r == pytest.approx(2)
    short = one(group_trades([stock("sell", 100, 10, "09:31:20"), stock("buy", 100, 10.5, "09:33:40")]))
    mae, mfe = mae_mfe(short, bars)
    assert mae.dollars == pytest.approx(-100) and mfe.dollars == pytest.approx(50) and mae.r is None
    opt = one(group_trades([option("buy", 1, 1, "09:31:00"), option("sell", 1, 2, "09:33:00")]))
    assert mae_mfe(opt, bars) is None


def test_the_real_thinkorswim_day_groups_into_the_golden_trades() -> None:
    """The NVDA day of ../shared (83 fills, read by the test's own reader: the broker parsers have
    not landed): 36 flat-to-flat trades with the flips split, $99.00 realised (the statement's P/L
    Day), recomputed here as Σ sells − Σ buys of a day that ends flat."""
    fills = tos_trade_history(shared_path("data", "broker_exports", "thinkorswim",
                                          "2022-06-21_account_trade_history_section.csv"))
    assert len(fills) == 83
    trades = group_trades(fills)
    assert len(trades) == 36 and all(not t.is_open for t in trades)
    cash = sum((1 if f.side == "sell" else -1) * f.quantity * f.price for f in fills)
    assert cash == pytest.approx(99.0)
    assert sum(t.net_pnl for t in trades) == pytest.approx(cash)
    assert sum(1 for t in trades if t.id.endswith(":flip")) == 4
    assert sorted({e for t in trades for e in t.executions}) == sorted({f.exec_id for f in fills})


def test_the_thinkorswim_parser_output_groups_into_the_statements_pl_day() -> None:
    """The broker parser's executions (data.files.brokers) of the whole Account Statement: the
    day's realised P&L of the grouped trades equals Σ sells − Σ buys − fees (flat at the end) and
    the statement's own "P/L Day" ($99.00)."""
    from data.files.brokers.registry import parse_file

    result = parse_file(shared_path("data", "broker_exports", "thinkorswim",
                                    "2022-06-21-AccountStatement_ORIGINAL_FORMAT.csv"))
    fills = result.executions
    trades = group_trades(fills)
    assert len(fills) == 83 and len(trades) == 36 and not any(t.is_open for t in trades)
    cash = sum((1 if f.side == "sell" else -1) * f.quantity * f.price * f.multiplier - f.fees for f in fills)
    realised = sum(t.net_pnl for t in trades)
    assert realised == pytest.approx(cash) and realised == pytest.approx(99.0)
    assert result.checks.get("pl_day_total") == pytest.approx(realised)
    assert sum(1 for t in trades if t.net_pnl > 0) == 28


def test_a_covered_call_opened_as_one_order_is_one_spread_of_one_unit() -> None:
    t = one(group_trades([stock("buy", 100, 50.0, "10:00:00", symbol="XYZ", order_id="CV"),
                          option("sell", 1, 1.50, "10:00:00", strike=55, symbol="XYZ", order_id="CV"),
                          stock("sell", 100, 52.0, "11:00:00", symbol="XYZ", order_id="X1"),
                          option("buy", 1, 0.40, "11:00:00", strike=55, symbol="XYZ", order_id="X1")]))
    assert t.instrument == "spread" and t.quantity == 1 and t.multiplier == 100 and t.direction == "debit"
    assert t.entry_price == pytest.approx(48.5) and t.gross_pnl == pytest.approx(200 + 110)


@st.composite
def fills(draw):
    n = draw(st.integers(1, 40))
    return [(draw(st.sampled_from(("buy", "sell"))), draw(st.integers(1, 5)) * 100, draw(st.integers(900, 1100)) / 100)
            for _ in range(n)]


@settings(max_examples=200, deadline=None)
@given(fills())
def test_random_fills_match_a_plain_flat_to_flat_replay(seq) -> None:
    """Independent replay: a position and the segment's cash; a flip cuts the fill in two."""
    position, cash, done = 0, 0.0, []
    for side, qty, price in seq:
        sign = 1 if side == "buy" else -1
        left = qty
        if position and position * sign < 0:
            closing = min(qty, abs(position))
            position += sign * closing
            cash -= sign * closing * price
            left -= closing
            if position == 0:
                done.append(cash)
                cash = 0.0
        if left:
            position += sign * left
            cash -= sign * left * price
    executions = [stock(side, qty, price, f"10:{i // 60:02d}:{i % 60:02d}", exec_id=f"r{i}")
                  for i, (side, qty, price) in enumerate(seq)]
    trades = group_trades(executions)
    closed = [t for t in trades if not t.is_open]
    assert [t.gross_pnl for t in closed] == pytest.approx(done, abs=1e-6)
    assert sum(t.is_open for t in trades) == (1 if position else 0)
    assert all(a.closed_at <= b.opened_at for a, b in itertools.pairwise(trades) if a.closed_at)
