"""Any CSV of fills, read through a column mapping (which column is the time, symbol, side, …).

``guess_mapping(header)`` proposes a mapping from common column names; the mapping dialog shows
it to the trader, who corrects and keeps it (``remember``/``remembered``: by the header's
signature, so the next file with the same columns reads the same way). ``read_sample`` and
``preview_rows`` are what that dialog shows; ``parse(path, mapping)`` reads the rows. Side may
be absent when the quantity is signed; options come from an OCC column, or from expiry + strike
+ put/call columns with the symbol as the root. Times are read in ``mapping.zone`` unless the
text carries its own offset (ISO 8601).
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from data.files.brokers import base
from data.store.records import Execution

name = "generic"
SAMPLE_ROWS = 8
KEEP_MAPPINGS = 30  # remembered headers; the oldest go first
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


def parse(path: str | Path, mapping: ColumnMapping | None = None,
          progress: base.Progress | None = None) -> base.ParseResult:
    path = Path(path)
    text = base.read_text(path)
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    mapping = mapping or guess_mapping(header)
    zone = _check(mapping, header, path.name)
    result = base.ParseResult(broker=name)
    make_id, tick = base.IdMaker(name), base.ProgressTicker(progress, base.line_count(text))
    for cells in reader:
        tick(reader.line_num)
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
    tick.finish()
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


# -- the mapping dialog: a sample of the file, its rows as they would be read ------------------
@dataclass(frozen=True, slots=True)
class CsvSample:
    file_name: str
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (line, cells), the first rows


@dataclass(frozen=True, slots=True)
class SampleRow:
    """One sample row as the mapping reads it (texts for a table), or the problem in plain words."""

    line: int
    time: str = ""
    symbol: str = ""  # the OCC contract for an option
    side: str = ""
    quantity: str = ""
    price: str = ""
    fees: str = ""
    problem: str = ""


def read_sample(path: str | Path, rows: int = SAMPLE_ROWS) -> CsvSample:
    """The header and the first ``rows`` rows, from the file's head only (a big file stays unread);
    BrokerFileError when it does not read as a CSV with a header row."""
    path = Path(path)
    head = base.head_text(path)
    if len(head.encode("utf-8")) >= base.HEAD_BYTES and "\n" in head:
        head = head[: head.rindex("\n")]  # the last line may be cut at the head's end
    reader = csv.reader(io.StringIO(head))
    header = [h.strip() for h in next(reader, [])]
    if len([h for h in header if h]) < 2 or any(_is_number(h) for h in header if h):
        raise base.BrokerFileError(f"{path.name} does not read as a CSV file with a header row "
                                   f"(the first line reads '{base.first_line(head)}').")
    sample: list[tuple[int, list[str]]] = []
    for cells in reader:
        if len(sample) == rows:
            break
        if any(c.strip() for c in cells):
            sample.append((reader.line_num, [c.strip() for c in cells]))
    return CsvSample(path.name, header, sample)


async def load_sample(path: str | Path, rows: int = SAMPLE_ROWS) -> CsvSample:
    """``read_sample`` off the event loop (the GUI thread never reads the file)."""
    return await asyncio.to_thread(read_sample, path, rows)


def _is_number(text: str) -> bool:
    try:
        base.number(text, "header")
    except base.RowValueError:
        return False
    return True


def mapping_problem(mapping: ColumnMapping, header: list[str]) -> str | None:
    """What stops ``mapping`` reading a file with ``header``, in plain words; None when it fits."""
    try:
        _check(mapping, header, "The file")
    except base.BrokerFileError as exc:
        return str(exc)
    return None


def preview_rows(sample: CsvSample, mapping: ColumnMapping) -> list[SampleRow]:
    """The sample rows as ``parse`` would read them with ``mapping`` (none while it does not fit)."""
    if mapping_problem(mapping, sample.header):
        return []
    zone, make_id, out = ZoneInfo(mapping.zone), base.IdMaker(name), []
    for line, cells in sample.rows:
        if len(cells) < len(sample.header):
            out.append(SampleRow(line, problem=f"the row has {len(cells)} of {len(sample.header)} columns"))
            continue
        try:
            fill = _execution(dict(zip(sample.header, cells, strict=False)), mapping, zone, line, make_id)
        except base.RowValueError as exc:
            out.append(SampleRow(line, problem=f"{exc} (this row would be left out)"))
            continue
        out.append(SampleRow(line, f"{fill.time.astimezone(zone):%Y-%m-%d %H:%M:%S %Z}", fill.occ or fill.symbol,
                             fill.side, f"{fill.quantity:g}", f"{fill.price:g}", f"{fill.fees:.2f}"))
    return out


# -- remembered mappings: header signature -> the mapping's fields (a JSON-able dict) ----------
def signature(header: list[str]) -> str:
    """The header's column names, normalised (case, spaces and punctuation do not matter)."""
    return "|".join(_plain(h) for h in header if h.strip())


def mapping_dict(mapping: ColumnMapping) -> dict[str, str | int | None]:
    return {f.name: getattr(mapping, f.name) for f in fields(mapping)}


def mapping_from(values: dict) -> ColumnMapping:
    """A ColumnMapping from a saved dict; ValueError in plain words for one that is not."""
    known = {f.name: f for f in fields(ColumnMapping)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValueError(f"unknown mapping fields {', '.join(unknown)}")
    for key, value in values.items():
        wanted = int if key == "multiplier" else str
        if not (value is None and key not in ("zone", "multiplier")) and (
                not isinstance(value, wanted) or isinstance(value, bool)):
            raise ValueError(f"the mapping's {key} must be {'a whole number' if wanted is int else 'text'}")
    return ColumnMapping(**values)


def remembered(saved: dict, header: list[str]) -> ColumnMapping | None:
    """The mapping saved for this header, if it still fits it."""
    values = saved.get(signature(header))
    if not isinstance(values, dict):
        return None
    by_plain = {_plain(h): h.strip() for h in header if h.strip()}
    try:  # the columns by this file's spelling of them (the signature ignores case and punctuation)
        mapping = mapping_from({k: by_plain.get(_plain(v), v) if isinstance(v, str) and k in NAMES | {"date": ()}
                                else v for k, v in values.items()})
    except ValueError:
        return None
    return None if mapping_problem(mapping, header) else mapping


def remember(saved: dict, header: list[str], mapping: ColumnMapping) -> dict:
    """A new saved dict with ``mapping`` for this header (the newest last, at most KEEP_MAPPINGS)."""
    key = signature(header)
    kept = {k: v for k, v in saved.items() if k != key}
    kept[key] = mapping_dict(mapping)
    return dict(list(kept.items())[-KEEP_MAPPINGS:])
