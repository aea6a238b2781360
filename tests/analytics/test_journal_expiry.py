"""Synthetic expirations for exports without them (Webull): hand-built cases and the real sample."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

import pytest

from analytics.journal_expiry import synthetic_expirations
from analytics.journal_trades import group_trades
from tests.analytics.journal_fixtures import at, option
from tests.conftest import shared_path

EXP = date(2024, 3, 15)
AFTER = date(2024, 3, 18)


def test_an_out_of_the_money_or_unknown_contract_expires_at_zero() -> None:
    fills = [option("sell", 2, 1.5, "10:00:00", call=False, symbol="XYZ", strike=50)]
    (syn,) = synthetic_expirations(fills, AFTER)
    assert (syn.kind, syn.side, syn.quantity, syn.price) == ("expiration", "buy", 2, 0.0)
    assert syn.exec_id.startswith("assumed:") and syn.time == at("16:00:00", EXP)
    (t,) = group_trades([*fills, syn])
    assert not t.is_open and t.gross_pnl == pytest.approx(300)
    assert synthetic_expirations(fills, AFTER, settle=lambda s, d: 55.0)[0].kind == "expiration"  # OTM put


def test_nothing_for_contracts_not_yet_expired_or_already_settled() -> None:
    fills = [option("buy", 1, 1.0, "10:00:00")]
    assert synthetic_expirations(fills, EXP) == []  # the expiry day itself is not past
    settled = [*fills, option("sell", 1, 0.0, "16:00:00", kind="expiration", day=EXP)]
    assert synthetic_expirations(settled, AFTER) == []
    closed = [*fills, option("sell", 1, 2.0, "11:00:00")]
    assert synthetic_expirations(closed, AFTER) == []


def test_an_in_the_money_equity_option_is_exercised_or_assigned_into_stock() -> None:
    long_call = [option("buy", 1, 2.0, "10:00:00", symbol="XYZ", strike=50)]
    opt, shares = synthetic_expirations(long_call, AFTER, settle=lambda s, d: 54.0)
    assert (opt.kind, opt.side, opt.price) == ("exercise", "sell", 0.0)
    assert (shares.instrument, shares.side, shares.quantity, shares.price) == ("stock", "buy", 100, 50.0)
    call_trade, stock_trade = group_trades([*long_call, opt, shares])
    assert call_trade.gross_pnl == pytest.approx(-200) and not call_trade.is_open
    assert stock_trade.is_open and stock_trade.entry_price == 50 and stock_trade.quantity == 100
    short_call = [option("sell", 2, 1.0, "10:00:00", symbol="XYZ", strike=50)]
    opt, shares = synthetic_expirations(short_call, AFTER, settle=lambda s, d: 54.0)
    assert (opt.kind, opt.side, shares.side, shares.quantity) == ("assignment", "buy", "sell", 200)


def test_a_cash_settled_index_option_settles_at_its_intrinsic_value() -> None:
    fills = [replace(option("buy", 1, 4.0, "10:00:00", symbol="SPX", strike=5000), occ="SPXW240315C05000000")]
    (syn,) = synthetic_expirations(fills, AFTER, settle=lambda s, d: 5010.0)
    assert (syn.kind, syn.price) == ("expiration", 10.0)
    (t,) = group_trades([*fills, syn])
    assert t.gross_pnl == pytest.approx(600)


def test_an_am_settled_monthly_settles_on_the_open_and_unknown_ones_can_stay_held() -> None:
    monthly = [replace(option("buy", 1, 4.0, "10:00:00", symbol="SPX", strike=5000), occ="SPX240315C05000000")]
    weekly = [replace(f, occ="SPXW240315C05000000", exec_id="w") for f in monthly]
    am, pm = (lambda s, d: 5030.0), (lambda s, d: 5010.0)
    assert synthetic_expirations(monthly, AFTER, settle=pm, settle_am=am)[0].price == 30.0  # the opening print
    assert synthetic_expirations(weekly, AFTER, settle=pm, settle_am=am)[0].price == 10.0  # SPXW: the close
    assert synthetic_expirations(monthly, AFTER, settle=lambda s, d: None, skip_unknown=True) == []
    assert synthetic_expirations(monthly, AFTER, skip_unknown=True) == []
    assert synthetic_expirations(monthly, AFTER)[0].price == 0.0  # without skip_unknown: assumed worthless


def test_the_webull_sample_settles_its_89_expired_contracts() -> None:
    """The options sample leaves 89 contracts held past expiry (wave-2 references §3.4); settled
    as assumed-worthless, 6 contracts and the short GLD stock stay open."""
    from data.files.brokers.registry import parse_file

    fills = parse_file(shared_path("data", "broker_exports", "webull", "webull_orders_options_sample_A.csv")).executions
    syn = synthetic_expirations(fills, max(e.time for e in fills).date())
    assert len(syn) == 89 and all(e.kind == "expiration" and e.price == 0 for e in syn)  # no settlement prices
    by_root = Counter(e.occ[:-15] for e in syn)
    assert by_root == {"SPXW": 53, "VIXW": 21, "VIX": 6, "DJT": 3, "GLD": 2, "SOFI": 2, "CHYM": 1, "PANW": 1}
    still = [t for t in group_trades(fills + syn) if t.is_open]
    assert sum(len(t.legs) for t in still if t.instrument != "stock") == 6
    assert [t.legs for t in still if t.instrument == "stock"] == [("GLD",)]
