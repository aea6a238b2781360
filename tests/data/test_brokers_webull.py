"""Webull orders-records parser against the three real exports (../shared/data/broker_exports/webull)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from data.files.brokers import webull
from data.files.brokers.base import BrokerFileError
from tests.conftest import shared_path, utc

OPTIONS = ("data", "broker_exports", "webull", "webull_orders_options_sample_A.csv")
STOCKS_A = ("data", "broker_exports", "webull", "webull_orders_stocks_sample_A.csv")
STOCKS_B = ("data", "broker_exports", "webull", "webull_orders_stocks_sample_B.csv")
EDT = "10/24/2025 12:17:43 EDT"
EST = "01/02/2025 10:00:00 EST"
HEADER = "Name,Symbol,Side,Status,Filled,Total Qty,Price,Avg Price,Time-in-Force,Placed Time,Filled Time"


@pytest.fixture(scope="module")
def options():
    return webull.parse(shared_path(*OPTIONS))


def _orders(result):
    orders = defaultdict(list)
    for fill in result.executions:
        orders[fill.order_id].append(fill)
    return orders


def test_options_file_counts(options):
    assert options.errors == []
    # PROVENANCE: 750 Filled rows = 185 parents + 157 single-leg + 408 legs; plus the partial fills of
    # cancelled orders (4 single-leg + the 8 legs of 4 parents); parents are not fills
    assert len(options.executions) == 157 + 408 + 4 + 8
    assert options.checks["partial_fills_on_cancelled"] == 12
    assert options.checks["spread_orders"] == 189
    assert options.checks["net_price_checked"] == 189 and options.checks["net_price_mismatches"] == []
    assert len({f.occ for f in options.executions if f.occ}) == 275  # distinct contracts traded
    assert all(f.fees == 0 for f in options.executions) and "no fees" in options.checks["fees"]


def test_spreads_grouped_by_order_with_their_legs(options):
    orders = _orders(options)
    sizes = sorted(len(v) for v in orders.values() if len(v) > 1)
    assert len(sizes) == 189 and set(sizes) == {2, 4}
    gld = [f for f in options.executions if f.source_line in (6, 7)]  # the first "GLD Vertical" (line 5)
    assert [(f.occ, f.side, f.quantity, f.price) for f in gld] == [
        ("GLD260320P00457000", "sell", 100, 5.88), ("GLD260320P00452000", "buy", 100, 4.68)]
    assert gld[0].order_id == gld[1].order_id and len(orders[gld[0].order_id]) == 2
    assert gld[0].time == utc(2026, 3, 6, 15, 38, 29)  # 10:38:29 EST
    spx = sorted(orders[next(f.order_id for f in options.executions if f.source_line == 15)],
                 key=lambda f: f.source_line)
    assert [(f.occ, f.symbol, f.side) for f in spx] == [
        ("SPXW260310C06950000", "SPX", "buy"), ("SPXW260310C06955000", "SPX", "sell")]
    assert (spx[0].expiry, spx[0].strike, spx[0].is_call, spx[0].multiplier) == (date(2026, 3, 10), 6950, True, 100)


def test_covered_stock_leg_is_shares(options):
    covered = [f for f in options.executions if f.source_line in (112, 113)]
    assert [(f.instrument, f.symbol, f.quantity, f.price) for f in covered] == [
        ("stock", "GLD", 100, 478.52), ("option", "GLD", 1, 5.91)]
    assert covered[0].order_id == covered[1].order_id


def test_single_leg_option_and_partial_fill_of_a_cancelled_spread(options):
    first = next(f for f in options.executions if f.source_line == 2)
    assert (first.occ, first.side, first.quantity, first.price, first.time) == (
        "GLD260309P00466000", "sell", 4, 1.62, utc(2026, 3, 6, 20, 10, 21))
    partial = [f for f in options.executions if f.source_line in (54, 55)]  # VIXW vertical, 20 of 100
    assert [f.quantity for f in partial] == [20, 20] and partial[0].order_id == partial[1].order_id


def test_stock_files(options):
    a = webull.parse(shared_path(*STOCKS_A))
    assert a.errors == [] and len(a.executions) == 7
    djt = next(f for f in a.executions if f.symbol == "DJT")
    assert djt.time == utc(2025, 9, 2, 14, 0, 38)  # 10:00:38 EDT
    b = webull.parse(shared_path(*STOCKS_B))
    assert b.errors == [] and len(b.executions) == 840  # 834 Filled + 6 partial fills of cancelled orders
    shorts = [f for f in b.executions if f.effect == "open"]
    assert len(shorts) == 91 and {f.side for f in shorts} == {"sell"}
    first = next(f for f in b.executions if f.source_line == 3)  # American Airline, Short 50 @13.71
    assert (first.symbol, first.side, first.quantity, first.price) == ("AAL", "sell", 50, 13.71)
    ids = [f.exec_id for f in webull.parse(shared_path(*STOCKS_B)).executions]
    assert ids == [f.exec_id for f in b.executions] and len(set(ids)) == 840


def _write(tmp_path, *rows):
    path = tmp_path / "orders.csv"
    path.write_text("\n".join([HEADER, *rows]), encoding="utf-8")
    return webull.parse(path)


def test_bad_rows_are_reported_and_the_rest_read(tmp_path):
    ok = "Draftkings Inc,DKNG,Buy,Filled,100,100,@33.10,33.10,DAY,10/24/2025 12:17:43 EDT,10/24/2025 12:17:43 EDT"
    result = _write(tmp_path, ok, ok,
                    f"Draftkings Inc,DKNG,Buy,Filled,100,100,@33.10,abc,DAY,{EDT},{EDT}",
                    f"Draftkings Inc,DKNG,Buy,Filled,100,100,@33.10,33.10,DAY,{EDT},10/24/2025 25:17:43 EDT",
                    ",SPY250101C00500000,Buy,Filled,1,1,@1.00,1.00,DAY,01/02/2025 10:00:00 EST,01/02/2025 10:00:00 EST",
                    "Draftkings Inc,DKNG,Buy,Fil")
    assert len(result.executions) == 2 and result.executions[0].exec_id != result.executions[1].exec_id
    assert [str(e) for e in result.errors] == [
        "line 4: the average price 'abc' is not a number",
        "line 5: the filled time '10/24/2025 25:17:43' is not a date and time this export uses",
        "line 6: an order leg without its order row above it",
        "line 7: the row has fewer than the 11 columns (the file may be cut off)",
    ]


def test_not_a_webull_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Date,Ticker\n", encoding="utf-8")
    with pytest.raises(BrokerFileError, match="not a Webull orders export"):
        webull.parse(path)


def test_a_leg_after_a_single_order_is_not_given_to_the_spread_above(tmp_path):
    result = _write(tmp_path,
                    "SPY Vertical,,Buy,Filled,1,1,@1.00,1.00,DAY,01/02/2025 10:00:00 EST,01/02/2025 10:00:00 EST",
                    ",SPY250117C00500000,Buy,Filled,1,1,@3.00,3.00,DAY,01/02/2025 10:00:00 EST,01/02/2025 10:00:00 EST",
                    f",SPY250117C00505000,Sell,Filled,1,1,@2.00,2.00,DAY,{EST},{EST}",
                    "SPY250117C00510000,SPY250117C00510000,Buy,Filled,1,1,@1.50,1.50,DAY,01/02/2025 10:01:00 EST,"
                    "01/02/2025 10:01:00 EST",
                    f",SPY250117C00515000,Sell,Filled,1,1,@1.00,1.00,DAY,{EST},{EST}")
    assert [str(e) for e in result.errors] == ["line 6: an order leg without its order row above it"]
    assert len(result.executions) == 3 and result.checks["net_price_mismatches"] == []


def test_legs_under_a_bad_order_row_are_not_given_to_the_order_before(tmp_path):
    result = _write(tmp_path,
                    f"SPY Vertical,,Buy,Filled,1,1,@1.00,1.00,DAY,{EST},{EST}",
                    f",SPY250117C00500000,Buy,Filled,1,1,@3.00,3.00,DAY,{EST},{EST}",
                    f",SPY250117C00505000,Sell,Filled,1,1,@2.00,2.00,DAY,{EST},{EST}",
                    f"SPY Vertical,,Buy,Filled,x,1,@1.00,1.00,DAY,{EST},{EST}",
                    f",SPY250117C00510000,Buy,Filled,1,1,@3.00,3.00,DAY,{EST},{EST}")
    assert [str(e) for e in result.errors] == ["line 5: the filled quantity 'x' is not a number",
                                               "line 6: an order leg without its order row above it"]
    assert len(result.executions) == 2
