"""IBKR Flex Query trades parser, on hand-written fixtures from IBKR's documented field names
(tests/data/fixtures/ibkr/README.md: no real IBKR export exists in ../shared)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from data.files.brokers import ibkr_flex
from data.files.brokers.base import BrokerFileError
from tests.conftest import utc

FIXTURES = Path(__file__).parent / "fixtures" / "ibkr"


@pytest.fixture(params=["flex_trades.csv", "flex_trades.xml"])
def result(request):
    return ibkr_flex.parse(FIXTURES / request.param)


def test_both_shapes_read_the_nine_executions(result):
    assert result.errors == []
    assert result.account == "U1234567"
    assert [f.exec_id for f in result.executions] == [
        f"ibkr:{n}" for n in (6001, 6002, 6003, 6004, 6007, 6005, 6006, 6008, 6009)]
    assert result.checks["skipped_not_executions"] == 1  # the ORDER row


def test_stock_fill_by_hand(result):
    buy = result.executions[0]
    assert buy.time == utc(2024, 1, 5, 14, 35, 12)  # 09:35:12 EST, the account's zone (assumed New York)
    assert (buy.symbol, buy.side, buy.quantity, buy.price, buy.fees) == ("AAPL", "buy", 100, 190.50, 1.00)
    assert (buy.instrument, buy.effect, buy.kind, buy.order_id) == ("stock", "open", "trade", "ibkr:7001")


def test_vertical_legs_share_the_order(result):
    legs = [f for f in result.executions if f.order_id == "ibkr:7003"]
    assert [(f.occ, f.side, f.price, f.fees, f.multiplier) for f in legs] == [
        ("SPXW240119P04700000", "buy", 12.40, 1.08, 100), ("SPXW240119P04650000", "sell", 7.10, 1.08, 100)]
    assert (legs[0].symbol, legs[0].expiry, legs[0].strike, legs[0].is_call) == ("SPX", date(2024, 1, 19), 4700, False)


def test_expiration_and_assignment_rows(result):
    by_id = {f.exec_id: f for f in result.executions}
    assert [by_id[f"ibkr:{n}"].kind for n in (6005, 6006, 6008, 6009)] == [
        "expiration", "expiration", "assignment", "assignment"]
    assert by_id["ibkr:6005"].price == 0 and by_id["ibkr:6005"].effect == "close"
    delivered = by_id["ibkr:6009"]
    assert (delivered.instrument, delivered.side, delivered.quantity, delivered.price) == ("stock", "sell", 100, 185)


def test_an_explicit_zone(tmp_path):
    result = ibkr_flex.parse(FIXTURES / "flex_trades.xml", tz=ZoneInfo("Europe/London"))
    assert result.executions[0].time == utc(2024, 1, 5, 9, 35, 12)
    assert "given" in result.checks["time_zone"]


def test_bad_rows_and_a_cut_off_file(tmp_path):
    lines = (FIXTURES / "flex_trades.csv").read_text().splitlines()
    lines[1] = lines[1].replace("20240105;093512", "2024-13-45;093512")
    lines[2] = lines[2].replace("191.25", "abc")
    path = tmp_path / "cut.csv"
    path.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:30], encoding="utf-8")
    result = ibkr_flex.parse(path)
    assert [str(e) for e in result.errors] == [
        "line 2: the date/time '2024-13-45 093512' is not a date and time this export uses",
        "line 3: the trade price 'abc' is not a number",
        "line 11: the row has 10 of 19 columns (the file may be cut off)",
    ]
    assert len(result.executions) == 6


def test_a_cut_off_xml_keeps_the_trades_before(tmp_path):
    text = (FIXTURES / "flex_trades.xml").read_text()
    path = tmp_path / "cut.xml"
    path.write_text(text[: text.index('tradeID="6004"')], encoding="utf-8")
    result = ibkr_flex.parse(path)
    assert [f.exec_id for f in result.executions] == ["ibkr:6001", "ibkr:6002", "ibkr:6003"]
    assert len(result.errors) == 1 and "cut off" in result.errors[0].message


def test_not_a_flex_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(BrokerFileError, match="not an IBKR Flex Query trades export"):
        ibkr_flex.parse(path)
