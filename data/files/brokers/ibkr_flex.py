"""Interactive Brokers Flex Query trades, CSV or XML, by IBKR's documented field names.

XML: ``<FlexQueryResponse><FlexStatements><FlexStatement accountId=…><Trades><Trade …/>``;
CSV: a header row of the same fields (the display names, "Put/Call", "IBCommission", … are
matched without case or punctuation), optionally with HEADER/DATA section descriptors. Read:
TradeID (the exec id), dateTime or tradeDate + tradeTime, assetCategory STK/OPT, symbol /
underlyingSymbol, putCall, strike, expiry, multiplier, quantity (signed), tradePrice,
ibCommission (negative = paid; fees are its absolute value), openCloseIndicator O/C, notes
(Ep expired, Ex exercised, A assigned), ibOrderID (the order; a combo's legs share it). Rows of
another level of detail than EXECUTION (ORDER, summaries) are not fills and are skipped.

Times: Flex reports them in the account's time zone, with no zone in the file; we assume
America/New_York (a US account's default) unless the caller passes ``tz``.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, tzinfo
from itertools import islice
from pathlib import Path
from xml.parsers import expat

from data.files.brokers import base
from data.market_calendar import ET
from data.store.records import Execution

name = "ibkr"
DATE_FORMATS = ("%Y%m%d", "%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y")
TIME_FORMATS = ("%H%M%S", "%H:%M:%S", "%H%M", "%H:%M")
STAMP_FORMATS = tuple(f"{d} {t}" for d in DATE_FORMATS for t in TIME_FORMATS)
KINDS = {"EP": "expiration", "EX": "exercise", "A": "assignment"}
SKIP_LEVELS = {"ORDER", "SYMBOL_SUMMARY", "ASSET_SUMMARY", "SUMMARY", "CLOSED_LOT", "WASH_SALE"}
MARKERS = {"BOF", "EOF", "BOA", "EOA", "BOS", "EOS"}
ALIASES = {"assetclass": "assetcategory", "clientaccountid": "accountid", "notescodes": "notes",
           "code": "notes", "openclose": "opencloseindicator", "price": "tradeprice",
           "commission": "ibcommission", "orderid": "iborderid", "currencyprimary": "currency"}


def key(label: str) -> str:
    plain = re.sub(r"[^a-z0-9]", "", label.lower())
    return ALIASES.get(plain, plain)


def _is_header(cells: list[str]) -> bool:
    keys = {key(c) for c in cells}
    return "symbol" in keys and "quantity" in keys and bool(keys & {"tradeid", "ibcommission", "iborderid",
                                                                      "ibexecid", "tradeprice"})


def sniff(head_text: str) -> bool:
    text = head_text.lstrip("\ufeff")
    if "<FlexQueryResponse" in text[:2048] or "<FlexStatement" in text[:2048]:
        return True
    rows = islice(csv.reader(io.StringIO(text)), 5)
    return any(_is_header(row[2:] if row[:1] == ["HEADER"] else row) for row in rows)


def parse(path: str | Path, tz: tzinfo | None = None, progress: base.Progress | None = None) -> base.ParseResult:
    path = Path(path)
    text = base.read_text(path)
    if not sniff(text[:8192]):
        raise base.BrokerFileError(f"{path.name} is not an IBKR Flex Query trades export "
                                   f"(the first line reads '{base.first_line(text)}').")
    result = base.ParseResult(broker=name)
    result.checks["time_zone"] = (f"Flex times are in the account's zone; read as {tz or ET} "
                                  f"({'given' if tz else 'assumed'})")
    xml = "<Flex" in text[:2048]
    rows = _xml_rows(text, result) if xml else _csv_rows(text, result)
    _read(rows, tz or ET, result, base.ProgressTicker(progress, len(rows)))
    result.errors.sort(key=lambda e: e.line)
    result.checks["format"] = "xml" if xml else "csv"
    return result


def _xml_rows(text: str, result: base.ParseResult) -> list[tuple[int, dict[str, str]]]:
    rows: list[tuple[int, dict[str, str]]] = []
    parser = expat.ParserCreate()

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "FlexStatement" and attrs.get("accountId"):
            result.account = attrs["accountId"]
        elif tag == "Trade":
            row = {key(k): v.strip() for k, v in attrs.items()}
            row["accountid"] = row.get("accountid") or result.account  # its statement's account
            rows.append((parser.CurrentLineNumber, row))

    parser.StartElementHandler = start
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        result.error(exc.lineno, f"the XML breaks here ({expat.ErrorString(exc.code)}); "
                                 "the file may be cut off — the trades before it are read")
    return rows


def _csv_rows(text: str, result: base.ParseResult) -> list[tuple[int, dict[str, str]]]:
    rows: list[tuple[int, dict[str, str]]] = []
    header: list[str] | None = None
    reader = csv.reader(io.StringIO(text))
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells) or cells[0].strip() in MARKERS:
            continue
        descriptor = cells[0].strip() in ("HEADER", "DATA")
        body = cells[2:] if descriptor else cells
        if _is_header(body):
            header = [key(c) for c in body]
        elif header is None:
            result.error(line, "a row before any header row")
        elif len(body) < len(header):
            result.error(line, f"the row has {len(body)} of {len(header)} columns (the file may be cut off)")
        else:
            rows.append((line, dict(zip(header, (c.strip() for c in body), strict=False))))
    return rows


def _read(rows: list[tuple[int, dict[str, str]]], zone: tzinfo, result: base.ParseResult,
          tick: base.ProgressTicker) -> None:
    make_id = base.IdMaker(name)
    skipped = rebates = 0
    for done, (line, fields) in enumerate(rows):
        tick(done)
        if fields.get("levelofdetail", "EXECUTION").upper() in SKIP_LEVELS:
            skipped += 1
            continue
        try:
            fill = _execution(fields, line, zone, make_id, result.account)
        except base.RowValueError as exc:
            result.error(line, str(exc))
            continue
        rebates += _commission(fields) > 0
        result.executions.append(fill)
    tick.finish()
    result.executions.sort(key=lambda f: f.time)
    result.account = result.account or next((f.account for f in result.executions if f.account), "")
    result.checks["skipped_not_executions"] = skipped
    result.checks["commission_rebates"] = rebates


def _commission(fields: dict[str, str]) -> float:
    try:
        return base.number(fields.get("ibcommission"), "commission", allow_empty=True) or 0.0
    except base.RowValueError:
        return 0.0


def _execution(fields: dict[str, str], line: int, zone: tzinfo, make_id: base.IdMaker,
               account: str) -> Execution:
    qty = base.number(fields.get("quantity"), "quantity")
    assert qty is not None
    if qty == 0:
        raise base.RowValueError("the quantity is 0")
    side = "buy" if qty > 0 else "sell"
    if fields.get("buysell") and base.side_of(fields["buysell"].split()[0]) != side:
        raise base.RowValueError(f"the quantity {fields['quantity']} disagrees with {fields['buysell']}")
    price = base.number(fields.get("tradeprice"), "trade price")
    fees = -(base.number(fields.get("ibcommission"), "commission", allow_empty=True) or 0.0)
    codes = {c.strip().upper() for c in re.split(r"[;,\s]+", fields.get("notes", "")) if c.strip()}
    exec_id = f"ibkr:{fields['tradeid']}" if fields.get("tradeid") else make_id(*fields.values())
    common = dict(broker=name, account=fields.get("accountid") or account, exec_id=exec_id,
                  time=_time(fields, zone), side=side, quantity=abs(qty), price=abs(price or 0.0),
                  fees=fees if fees > 0 else 0.0, effect=_effect(fields.get("opencloseindicator", ""), codes),
                  kind=next((KINDS[c] for c in ("EP", "EX", "A") if c in codes), "trade"),
                  order_id=f"ibkr:{fields['iborderid']}" if fields.get("iborderid") else None,
                  source_line=line)
    category = fields.get("assetcategory", "STK").upper() or "STK"
    if category == "STK":
        return Execution(symbol=fields.get("symbol", "").upper() or _missing("symbol"), **common)
    if category == "OPT":
        return _option(fields, common)
    raise base.RowValueError(f"the asset category '{category}' is not a stock (STK) or an option (OPT)")


def _missing(what: str) -> str:
    raise base.RowValueError(f"the {what} is missing")


def _effect(indicator: str, codes: set[str]) -> str | None:
    parts = {p.strip().upper() for p in indicator.split(";") if p.strip()} or (codes & {"O", "C"})
    if parts == {"O"}:
        return "open"
    if parts == {"C"}:
        return "close"
    return None


def _time(fields: dict[str, str], zone: tzinfo) -> datetime:
    raw = fields.get("datetime") or " ".join(filter(None, (fields.get("tradedate"), fields.get("tradetime"))))
    stamp = re.sub(r"[;,\s]+", " ", raw.strip())
    return base.parse_time(stamp, STAMP_FORMATS, zone, "date/time")


def _option(fields: dict[str, str], common: dict) -> Execution:
    symbol = fields.get("symbol", "")
    try:
        contract = base.occ_symbol(symbol)
    except base.RowValueError:
        expiry = base.parse_day(fields.get("expiry", ""), DATE_FORMATS)
        strike = base.number(fields.get("strike"), "strike")
        assert strike is not None
        root = fields.get("underlyingsymbol") or (symbol.split()[0] if symbol.strip() else _missing("symbol"))
        contract = base.option(root, expiry, base.put_call(fields.get("putcall", "")), strike)
    multiplier = base.number(fields.get("multiplier"), "multiplier", allow_empty=True) or 100
    return Execution(symbol=fields.get("underlyingsymbol") or contract.underlying, instrument="option",
                     occ=base.compact_occ(contract), expiry=contract.expiry, is_call=contract.is_call,
                     strike=contract.strike, multiplier=int(multiplier), **common)
