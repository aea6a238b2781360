"""Generic CSV with a column mapping: the guess from common names, options, zones, bad rows."""

from __future__ import annotations

from datetime import date

import pytest

from data.files.brokers import generic_csv
from data.files.brokers.base import BrokerFileError
from data.files.brokers.generic_csv import ColumnMapping
from tests.conftest import utc


def _file(tmp_path, text):
    path = tmp_path / "fills.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_guess_mapping_from_common_names():
    mapping = generic_csv.guess_mapping(["Date/Time", "Symbol", "Buy/Sell", "Qty", "Fill Price", "Commission",
                                         "Expiration", "Strike", "Put/Call", "Order ID"])
    assert (mapping.time, mapping.symbol, mapping.side, mapping.quantity, mapping.price, mapping.fees) == (
        "Date/Time", "Symbol", "Buy/Sell", "Qty", "Fill Price", "Commission")
    assert (mapping.expiry, mapping.strike, mapping.put_call, mapping.order_id) == (
        "Expiration", "Strike", "Put/Call", "Order ID")
    assert mapping.missing() == []
    assert generic_csv.guess_mapping(["When", "What"]).missing() == ["time", "symbol", "quantity", "price"]


def test_stocks_and_options_with_a_guessed_mapping(tmp_path):
    path = _file(tmp_path, "Time,Symbol,Side,Quantity,Price,Fees,Expiry,Strike,Put/Call\n"
                           "2024-03-01 09:31:00,AAPL,Buy,100,180.50,1.00,,,\n"
                           "2024-07-01T10:00:00-04:00,SPY,Sell,2,3.10,1.30,2024-07-19,510,C\n"
                           "2024-03-01 09:31:00,AAPL,Buy,100,180.50,1.00,,,\n")
    result = generic_csv.parse(path)
    assert result.errors == []
    first, twin, opt = result.executions
    assert (first.time, first.symbol, first.side, first.quantity, first.price, first.fees) == (
        utc(2024, 3, 1, 14, 31), "AAPL", "buy", 100, 180.50, 1.00)  # 09:31 EST
    assert twin.exec_id != first.exec_id  # identical rows are two fills
    assert (opt.time, opt.occ, opt.expiry, opt.strike, opt.is_call, opt.multiplier) == (
        utc(2024, 7, 1, 14, 0), "SPY240719C00510000", date(2024, 7, 19), 510, True, 100)
    assert [f.exec_id for f in generic_csv.parse(path).executions] == [f.exec_id for f in result.executions]


def test_an_explicit_mapping_signed_quantity_and_zone(tmp_path):
    path = _file(tmp_path, "when,ticker,n,px\n01.03.2024 15:31,SPXW240301P05000000,-1,2.5\n")
    mapping = ColumnMapping(time="when", symbol="ticker", quantity="n", price="px",
                            time_format="%d.%m.%Y %H:%M", zone="Europe/Berlin")
    (fill,) = generic_csv.parse(path, mapping).executions
    assert (fill.time, fill.side, fill.symbol, fill.occ) == (
        utc(2024, 3, 1, 14, 31), "sell", "SPX", "SPXW240301P05000000")
    assert "fees are 0" in generic_csv.parse(path, mapping).checks["fees"]


def test_bad_rows(tmp_path):
    path = _file(tmp_path, "Time,Symbol,Side,Quantity,Price\n"
                           "2024-03-01 09:31:00,AAPL,Buy,100,abc\n"
                           "2024-02-30 09:31:00,AAPL,Buy,100,1\n"
                           "2024-03-01 09:31:00,AAPL,Hold,100,1\n"
                           "2024-03-01 09:32:00,AAPL,Buy,100,1\n"
                           "2024-03-01 09:3")
    result = generic_csv.parse(path)
    assert len(result.executions) == 1
    assert [str(e) for e in result.errors] == [
        "line 2: the price 'abc' is not a number",
        "line 3: the time '2024-02-30 09:31:00' is not a date and time this export uses",
        "line 4: the side 'Hold' is neither a buy nor a sell",
        "line 6: the row has 1 of 5 columns (the file may be cut off)",
    ]


def test_a_mapping_that_does_not_fit(tmp_path):
    path = _file(tmp_path, "When,What\n1,2\n")
    with pytest.raises(BrokerFileError, match="choose the column for time, symbol, quantity, price"):
        generic_csv.parse(path)
    with pytest.raises(BrokerFileError, match="has no column 'Price'"):
        generic_csv.parse(path, ColumnMapping(time="When", symbol="What", quantity="When", price="Price"))
