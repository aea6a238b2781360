"""Any CSV of fills, read through a column mapping (which column is the time, symbol, side, …).

``guess_mapping(header)`` proposes a mapping from common column names; the import dialog shows
it to the trader, who corrects and keeps it. ``parse(path, mapping)`` reads the rows. Side may
be absent when the quantity is signed; options come from an OCC column, or from expiry + strike
+ put/call columns with the symbol as the root. Times are read in ``mapping.zone`` unless the
text carries its own offset (ISO 8601).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from data.files.brokers import base
from data.store.records import Execution

name = "generic"
REQUIRED = ("time", "symbol", "quantity", "price")
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M",
                "%m/%d/%y %H:%M:%S", "%m/%d/%y %H:%M", "%Y%m%d %H%M%S", "%d.%m.%Y %H:%M:%S")
EXPIRY_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y%m%d", "%d %b %y", "%d %b %Y", "%b %d %Y")
NAMES: dict[str, tuple[str, ...]] = {
    "time": ("datetime", "time", "exectime", "executiontime", "filledtime", "filltime", "timestamp",
             "tradetime", "tradedatetime", "date"),
    "symbol": ("symbol", "ticker", "underlying", "underlyingsymbol", "instrument", "root"),
    "side": ("side", "buysell", "action", "bs", "direction", "transactiontype"),
    "quantity": ("quantity", "qty", "shares", "contracts", "filledqty", "filled", "size"),
    "price": ("price", "fillprice", "avgprice", "averageprice", "execprice", "executionprice",
              "tradeprice"),
    "fees": ("fees", "fee", "commission", "commissions", "comm", "feescomm", "commissionsfees"),
    "occ": ("occ", "occsymbol", "optionsymbol", "osi", "contract"),
    "expiry": ("expiry", "expiration", "expirationdate", "exp", "expdate"),
    "strike": ("strike", "strikeprice"),
    "put_call": ("putcall", "callput", "optiontype", "right", "cp"),
    "exec_id": ("execid", "executionid", "tradeid", "fillid"),
    "order_id": ("orderid", "order"),
}


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Header names of the columns that hold each field (None: not in the file)."""

    time: str | None = None
    symbol: str | None = None
    side: str | None = None  # None: the quantity's sign is the side
    quantity: str | None = None
    price: str | None = None
    fees: str | None = None
    occ: str | None = None
    expiry: str | None = None
    strike: str | None = None
    put_call: str | None = None
    exec_id: str | None = None
    order_id: str | None = None
    date: str | None = None  # a separate date column, joined before ``time``
    time_format: str | None = None  # strptime format; None: the common formats and ISO 8601
    zone: str = "America/New_York"
    multiplier: int = 100  # for option rows

    def missing(self) -> list[str]:
        return [f for f in REQUIRED if getattr(self, f) is None]


def _plain(label: str) -> str:
    return re.sub(r"[^a-z0-9]", "", label.lower())


def guess_mapping(header: list[str]) -> ColumnMapping:
    """A mapping from the column names a file uses (unknown fields left None)."""
    by_plain = {_plain(h): h.strip() for h in header if h.strip()}
    chosen: dict[str, str] = {}
    for field_name, candidates in NAMES.items():
        found = next((by_plain[c] for c in candidates if c in by_plain and by_plain[c] not in chosen.values()),
                     None)
        if found:
            chosen[field_name] = found
    if "date" in by_plain and chosen.get("time") != by_plain["date"]:
        chosen["date"] = by_plain["date"]
    return ColumnMapping(**chosen)


def sniff(head_text: str) -> bool:
    return False  # never detected: a generic file needs a mapping the trader confirms


def parse(path: str | Path, mapping: ColumnMapping | None = None) -> base.ParseResult:
    path = Path(path)
    reader = csv.reader(io.StringIO(base.read_text(path)))
    header = [h.strip() for h in next(reader, [])]
    mapping = mapping or guess_mapping(header)
    zone = _check(mapping, header, path.name)
    result = base.ParseResult(broker=name)
    make_id = base.IdMaker(name)
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header):
            result.error(reader.line_num, f"the row has {len(cells)} of {len(header)} columns "
                                          "(the file may be cut off)")
            continue
        row = dict(zip(header, (c.strip() for c in cells), strict=False))
        try:
            result.executions.append(_execution(row, mapping, zone, reader.line_num, make_id))
        except base.RowValueError as exc:
            result.error(reader.line_num, str(exc))
    result.executions.sort(key=lambda f: f.time)
    result.checks["mapping"] = {f.name: getattr(mapping, f.name) for f in fields(mapping)}
    if mapping.fees is None:
        result.checks["fees"] = "no fees column mapped: fees are 0"
    return result


def _check(mapping: ColumnMapping, header: list[str], file_name: str) -> ZoneInfo:
    if mapping.missing():
        raise base.BrokerFileError(f"{file_name}: choose the column for {', '.join(mapping.missing())} "
                                   f"(the columns are {', '.join(header) or 'none'}).")
    absent = [getattr(mapping, f.name) for f in fields(mapping) if f.name not in ("time_format", "zone", "multiplier")
              and getattr(mapping, f.name) is not None and getattr(mapping, f.name) not in header]
    if absent:
        raise base.BrokerFileError(f"{file_name} has no column {', '.join(repr(a) for a in absent)}.")
    try:
        return ZoneInfo(mapping.zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise base.BrokerFileError(f"'{mapping.zone}' is not a time zone (e.g. America/New_York).") from None


def _execution(row: dict[str, str], m: ColumnMapping, zone: ZoneInfo, line: int,
               make_id: base.IdMaker) -> Execution:
    qty = base.number(row[m.quantity], "quantity")  # type: ignore[index]
    assert qty is not None
    if qty == 0:
        raise base.RowValueError("the quantity is 0")
    side = base.side_of(row[m.side]) if m.side else ("buy" if qty > 0 else "sell")
    price = base.number(row[m.price], "price")  # type: ignore[index]
    fees = abs(base.number(row.get(m.fees or ""), "fees", allow_empty=True) or 0.0)
    exec_id = f"generic:{row[m.exec_id]}" if m.exec_id and row.get(m.exec_id) else make_id(*row.values())
    common = dict(broker=name, account="", exec_id=exec_id, time=_time(row, m, zone), side=side,
                  quantity=abs(qty), price=price, fees=fees,
                  effect="open" if m.side and row[m.side].strip().upper() in ("SHORT", "SELL SHORT") else None,
                  order_id=row.get(m.order_id or "") or exec_id, source_line=line)
    symbol = row[m.symbol].upper()  # type: ignore[index]
    contract = _contract(row, m, symbol)
    if contract is None:
        if not symbol:
            raise base.RowValueError("the symbol is missing")
        return Execution(symbol=symbol, **common)
    return Execution(symbol=contract.underlying, instrument="option", occ=base.compact_occ(contract),
                     expiry=contract.expiry, is_call=contract.is_call, strike=contract.strike,
                     multiplier=m.multiplier, **common)


def _contract(row: dict[str, str], m: ColumnMapping, symbol: str):
    if m.occ and row.get(m.occ):
        return base.occ_symbol(row[m.occ])
    if m.expiry and m.strike and m.put_call and row.get(m.expiry) and row.get(m.strike):
        strike = base.number(row[m.strike], "strike")
        assert strike is not None
        expiry = base.parse_day(row[m.expiry], EXPIRY_FORMATS)
        return base.option(symbol, expiry, base.put_call(row[m.put_call]), strike)
    if any(ch.isdigit() for ch in symbol) and len(symbol) > 12:
        return base.occ_symbol(symbol)  # an OCC symbol in the symbol column
    return None


def _time(row: dict[str, str], m: ColumnMapping, zone: ZoneInfo) -> datetime:
    raw = " ".join(filter(None, (row.get(m.date) if m.date else None, row[m.time])))  # type: ignore[index]
    if m.time_format:
        return base.parse_time(raw, (m.time_format,), zone)
    try:
        stamp = datetime.fromisoformat(raw.strip())
    except ValueError:
        return base.parse_time(raw, TIME_FORMATS, zone)
    if stamp.tzinfo is None:
        if len(raw.strip()) <= 10:
            raise base.RowValueError(f"the time '{raw}' has no time of day")
        stamp = stamp.replace(tzinfo=zone)
    return stamp.astimezone(UTC)
