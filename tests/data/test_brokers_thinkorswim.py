"""thinkorswim Account Statement parser: the real paperMoney statement and its trade-history section
(../shared/data/broker_exports/thinkorswim), plus small hand-written option/spread statements."""

from __future__ import annotations

from datetime import date

import pytest

from data.files.brokers import thinkorswim
from data.files.brokers.base import BrokerFileError
from tests.conftest import shared_path, utc

STATEMENT = ("data", "broker_exports", "thinkorswim", "2022-06-21-AccountStatement_ORIGINAL_FORMAT.csv")
SECTION = ("data", "broker_exports", "thinkorswim", "2022-06-21_account_trade_history_section.csv")
TRADE_HEADER = ",Exec Time,Spread,Side,Qty,Pos Effect,Symbol,Exp,Strike,Type,Price,Net Price,Order Type"


@pytest.fixture(scope="module")
def section():
    return thinkorswim.parse(shared_path(*SECTION))


@pytest.fixture(scope="module")
def statement():
    return thinkorswim.parse(shared_path(*STATEMENT))


def test_section_file_gives_the_83_executions(section):
    assert section.errors == []
    assert len(section.executions) == 83  # PROVENANCE section 5
    bought = sum(f.quantity for f in section.executions if f.side == "buy")
    sold = sum(f.quantity for f in section.executions if f.side == "sell")
    assert bought == sold == 17_500
    assert {f.symbol for f in section.executions} == {"NVDA"}
    assert [f.time for f in section.executions] == sorted(f.time for f in section.executions)


def test_first_nvda_fill_by_hand(section):
    first = section.executions[0]  # the file's last row: ,6/21/22 09:34:56,STOCK,SELL,-100,…,166.80
    assert first.time == utc(2022, 6, 21, 13, 34, 56)  # 09:34:56 EDT
    assert (first.side, first.quantity, first.price) == ("sell", 100, 166.80)
    assert (first.instrument, first.multiplier, first.effect, first.fees) == ("stock", 1, None, 0.0)
    assert first.source_line == 84
    last = section.executions[-1]
    assert (last.time, last.side, last.quantity, last.price) == (utc(2022, 6, 21, 19, 23, 42), "buy", 500, 166.39)


def test_identical_rows_are_two_fills_with_two_ids(section):
    twins = [f for f in section.executions if f.time == utc(2022, 6, 21, 15, 53, 7)]
    assert len(twins) == 2 and twins[0].exec_id != twins[1].exec_id
    assert len({f.exec_id for f in section.executions}) == 83


def test_the_same_file_twice_gives_the_same_ids(section):
    again = thinkorswim.parse(shared_path(*SECTION))
    assert [f.exec_id for f in again.executions] == [f.exec_id for f in section.executions]


def test_statement_gives_the_same_83_and_its_pnl_section(statement, section):
    assert statement.errors == []
    assert statement.account == "*"
    assert [f.exec_id for f in statement.executions] == [f.exec_id for f in section.executions]
    pnl = statement.checks["profits_and_losses"]
    assert pnl["NVDA"]["pl_day"] == 99.00 and pnl["NVDA"]["pl_open"] == 0.0
    assert statement.checks["pl_day_total"] == 99.00
    assert "fees are 0" in statement.checks["fees"]  # paperMoney: an empty Cash Balance


def test_our_cash_flow_matches_the_statements_pl_day(statement):
    # flat at the end, so the realised P&L is the net cash of all fills: the statement says $99.00
    cash = sum((1 if f.side == "sell" else -1) * f.quantity * f.price for f in statement.executions)
    assert cash == pytest.approx(statement.checks["pl_day_total"], abs=0.005)


SPREADS = "\n".join([
    "\ufeffAccount Statement for 123456789 (Margin) since 5/1/22 through 5/2/22", "",
    "Cash Balance", "DATE,TIME,TYPE,REF #,DESCRIPTION,Misc Fees,Commissions & Fees,AMOUNT,BALANCE",
    "5/2/22,10:08:49,TRD,=\"4018\",BOT +1 VERTICAL SPX 100 (Weeklys) 20 MAY 22 4200/4150 PUT @9.80 CBOE,"
    "-0.62,-1.30,-980.00,\"10,000.00\"",
    "5/23/22,01:00:00,RAD,,REMOVAL OF OPTION DUE TO EXPIRATION -1 SPX 100 (Weeklys) 20 MAY 22 4200 PUT,,,,",
    ",,,,TOTAL,,,,", "",
    "Account Trade History", TRADE_HEADER,
    ",5/2/22 11:00:00,IRON CONDOR,SELL,-2,TO OPEN,AAPL,20 MAY 22,170,CALL,1.10,.85,LMT",
    ",,,BUY,+2,TO OPEN,AAPL,20 MAY 22,175,CALL,.50,CREDIT,",
    ",,,SELL,-2,TO OPEN,AAPL,20 MAY 22,150,PUT,.90,,",
    ",,,BUY,+2,TO OPEN,AAPL,20 MAY 22,145,PUT,.65,,",
    ",5/2/22 10:08:49,VERTICAL,BUY,+1,TO OPEN,SPX,20 MAY 22 (Weeklys),4200,PUT,25.10,9.80,LMT",
    ",,,SELL,-1,TO OPEN,SPX,20 MAY 22 (Weeklys),4150,PUT,15.30,DEBIT,",
    "", "Profits and Losses",
    "Symbol,Description,P/L Open,P/L %,P/L Day,P/L YTD,P/L Diff,Margin Req,Close Value",
    "SPX,S&P 500 INDEX,($12.50),-1.27%,($12.50),($12.50),$0.00,$0.00,$967.50",
    ",OVERALL TOTALS,($12.50),-1.27%,($12.50),($12.50),$0.00,$0.00,$967.50", "",
])


def test_spread_legs_share_an_order_and_build_occ_symbols(tmp_path):
    path = tmp_path / "stmt.csv"
    path.write_text(SPREADS, encoding="utf-8")
    result = thinkorswim.parse(path)
    assert result.errors == [] and result.account == "123456789"
    vertical = [f for f in result.executions if f.symbol == "SPX" and f.kind == "trade"]
    assert [f.occ for f in vertical] == ["SPXW220520P04200000", "SPXW220520P04150000"]
    assert vertical[0].order_id == vertical[1].order_id
    assert [(f.side, f.quantity, f.price, f.effect) for f in vertical] == [
        ("buy", 1, 25.10, "open"), ("sell", 1, 15.30, "open")]
    assert vertical[0].fees == pytest.approx(1.92) and vertical[1].fees == 0.0  # Cash Balance, first leg
    assert (vertical[0].expiry, vertical[0].strike, vertical[0].is_call, vertical[0].multiplier) == (
        date(2022, 5, 20), 4200, False, 100)
    condor = [f for f in result.executions if f.symbol == "AAPL"]
    assert len(condor) == 4 and len({f.order_id for f in condor}) == 1
    assert condor[0].time == utc(2022, 5, 2, 15, 0) and condor[3].time == condor[0].time
    assert {f.occ for f in condor} == {"AAPL220520C00170000", "AAPL220520C00175000",
                                       "AAPL220520P00150000", "AAPL220520P00145000"}
    assert result.checks["spread_orders"] == 2
    (expired,) = [f for f in result.executions if f.kind == "expiration"]
    assert (expired.occ, expired.side, expired.quantity, expired.price, expired.effect, expired.multiplier) == (
        "SPXW220520P04200000", "sell", 1, 0.0, "close", 100)
    assert expired.time == utc(2022, 5, 23, 5, 0) and expired is result.executions[-1]
    assert result.checks["pl_day_total"] == -12.50


def _section(tmp_path, *rows: str):
    path = tmp_path / "hist.csv"
    path.write_text("\n".join([TRADE_HEADER, *rows]), encoding="utf-8")
    return thinkorswim.parse(path)


GOOD = ",6/21/22 09:34:56,STOCK,SELL,-100,AUTO,NVDA,,,STOCK,166.80,166.80,MKT"


def test_bad_rows_get_plain_messages_and_the_rest_is_read(tmp_path):
    result = _section(tmp_path, GOOD, ",13/45/22 09:34:56,STOCK,SELL,-100,AUTO,NVDA,,,STOCK,166.80,166.80,MKT",
                      ",6/21/22 09:40:00,STOCK,BUY,+100,AUTO,NVDA,,,STOCK,abc,abc,MKT",
                      ",6/21/22 09:41:00,STOCK,BUY,+100,AUTO,NVDA,,,ST")
    assert len(result.executions) == 1
    assert [str(e) for e in result.errors] == [
        "line 3: the exec time '13/45/22 09:34:56' is not a date and time this export uses",
        "line 4: the price 'abc' is not a number",
        "line 5: the row has 10 of 13 columns (the file may be cut off)",
    ]


def test_a_file_that_is_not_a_statement(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("Name,Symbol,Side\nfoo,bar,Buy\n", encoding="utf-8")
    with pytest.raises(BrokerFileError, match=r"not a thinkorswim Account Statement .*'Name,Symbol,Side'"):
        thinkorswim.parse(path)


def test_legs_under_a_bad_order_row_are_not_given_to_the_order_before(tmp_path):
    result = _section(tmp_path, GOOD,
                      ",6/21/22 10:00:00,VERTICAL,BUY,+1,TO OPEN,SPY,xx JUN 22,380,PUT,2.00,1.00,LMT",
                      ",,,SELL,-1,TO OPEN,SPY,24 JUN 22,375,PUT,1.00,DEBIT,",
                      ",,,SELL,-1,TO OPEN,SPY,24 JUN 22,375,PUT,1.00,DEBIT,")
    assert [str(e) for e in result.errors] == [
        "line 3: the expiry 'xx JUN 22' is not a date",
        "line 4: a spread leg without a readable order row above it",
        "line 5: a spread leg without a readable order row above it",
    ]
    assert len(result.executions) == 1
