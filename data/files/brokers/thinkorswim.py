"""thinkorswim (TD Ameritrade / Schwab) Account Statement CSV, whole or its trade-history section.

The statement is a stack of sections, each a title line, a header and rows up to a blank line:
Cash Balance, …, Account Order History, **Account Trade History** (what we read), **Profits and
Losses** (read into ``checks`` so the journal's P&L can be compared with the statement's).
Trade history rows are newest first; the legs of one spread order after the first have a blank
Exec Time and Spread (they belong to the row above). ``Qty`` is signed ("+500"). Exec Time is
the platform's local time, US/Eastern. Pos Effect TO OPEN / TO CLOSE becomes the effect (AUTO:
unknown). Fees come from the Cash Balance TRD rows when one matches the order's time, else 0
(and ``checks["fees"]`` says so).
"""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from data.files.brokers.base import (
    BrokerFileError,
    IdMaker,
    ParseResult,
    Progress,
    ProgressTicker,
    RowValueError,
    compact_occ,
    first_line,
    number,
    option,
    parse_day,
    parse_time,
    put_call,
    read_text,
)
from data.market_calendar import ET
from data.store.records import Execution

name = "thinkorswim"
TRADE_HEADER = ",Exec Time,Spread,Side,Qty,Pos Effect,Symbol"
TIME_FORMATS = ("%m/%d/%y %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%m/%d/%y %H:%M")
EXP_FORMATS = ("%d %b %y", "%d %b %Y")
EFFECTS = {"TO OPEN": "open", "TO CLOSE": "close"}
WEEKLY_ROOTS = {"SPX": "SPXW", "NDX": "NDXP", "RUT": "RUTW"}  # only when the row says "(Weeklys)"/[PM]
_ACCOUNT_RE = re.compile(r"Account Statement for (\S+)")
_MINI_RE = re.compile(r"\b1/(\d+)\b")
_RAD_RE = re.compile(r"REMOVAL OF OPTION DUE TO EXPIRATION (?P<qty>[+-]?[\d.,]+) (?P<root>[A-Z0-9]+) (?P<mult>\d+) "
                     r"(?P<weekly>\(.*?\) )?(?P<exp>\d{1,2} [A-Z]{3} \d{2,4})(?: \[[A-Z]+\])? (?P<strike>[\d.]+) "
                     r"(?P<pc>PUT|CALL)")


def sniff(head_text: str) -> bool:
    lines = [ln.strip() for ln in head_text.lstrip("\ufeff").splitlines() if ln.strip()]
    return bool(lines) and (lines[0].startswith("Account Statement for") or lines[0].startswith(TRADE_HEADER))


def parse(path: str | Path, progress: Progress | None = None) -> ParseResult:
    path = Path(path)
    lines = read_text(path).splitlines()
    if not sniff("\n".join(lines[:3])):
        raise BrokerFileError(f"{path.name} is not a thinkorswim Account Statement "
                              f"(the first line reads '{first_line(chr(10).join(lines))}').")
    result = ParseResult(broker=name)
    match = _ACCOUNT_RE.match(lines[0].strip())
    result.account = match.group(1) if match else ""
    sections = _sections(lines)
    if "Account Trade History" not in sections:
        raise BrokerFileError(f"{path.name} is a thinkorswim statement without an Account Trade History "
                              "section; export the statement with trades in its date range.")
    fees = _cash_fees(sections.get("Cash Balance"), result)
    _read_trades(sections["Account Trade History"], fees, result, progress)
    _read_pnl(sections.get("Profits and Losses"), result)
    return result


def _sections(lines: list[str]) -> dict[str, tuple[int, list[str]]]:
    """Section title -> (line number of its header, header + rows as text lines)."""
    found: dict[str, tuple[int, list[str]]] = {}
    if lines[0].lstrip("\ufeff").startswith(TRADE_HEADER):
        found["Account Trade History"] = (1, _until_blank(lines, 0))
        return found
    for i in range(len(lines) - 1):
        title = lines[i].strip()
        if title and "," not in title and lines[i + 1].strip() and (i == 0 or not lines[i - 1].strip()):
            found.setdefault(title, (i + 2, _until_blank(lines, i + 1)))
    return found


def _until_blank(lines: list[str], start: int) -> list[str]:
    block = []
    for line in lines[start:]:
        if not line.strip():
            break
        block.append(line)
    return block


def _rows(section: tuple[int, list[str]]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    first, block = section
    parsed = list(csv.reader(block))
    header = [h.strip() for h in parsed[0]]
    return header, [(first + i, row) for i, row in enumerate(parsed[1:], start=1)]


def _read_trades(section: tuple[int, list[str]], fees: dict[datetime, float], result: ParseResult,
                 progress: Progress | None = None) -> None:
    header, rows = _rows(section)
    make_id, tick = IdMaker(name), ProgressTicker(progress, len(rows))
    orders: list[list[Execution]] = []
    current: list[Execution] | None = None  # the order whose legs follow (None: its first row was bad)
    last: dict[str, str] = {}
    for done, (line, row) in enumerate(rows):
        tick(done)
        fields = dict(zip(header, (c.strip() for c in row), strict=False))
        starts = bool(fields.get("Exec Time"))
        if len(row) < len(header) or (not starts and current is None):
            result.error(line, f"the row has {len(row)} of {len(header)} columns (the file may be cut off)"
                         if len(row) < len(header) else "a spread leg without a readable order row above it")
            current = None if starts or len(row) < len(header) else current
            continue
        if starts:
            last, current = {"Exec Time": fields["Exec Time"], "Spread": fields.get("Spread", "")}, None
        fields.update({k: v for k, v in last.items() if not fields.get(k)})
        try:
            fill = _execution(fields, line, result.account, make_id)
        except RowValueError as exc:
            result.error(line, str(exc))
            continue
        if current is None:
            current = [fill]
            orders.append(current)
        else:
            current.append(replace(fill, order_id=current[0].order_id))
    tick.finish()
    _finish_trades(orders, fees, result)


def _finish_trades(orders: list[list[Execution]], fees: dict[datetime, float], result: ParseResult) -> None:
    _attach_fees(orders, fees, result)
    orders.reverse()  # the statement lists the newest first
    expirations = result.executions  # read from the Cash Balance before the trades
    result.executions = sorted([*(f for order in orders for f in order), *expirations], key=lambda f: f.time)
    result.checks["expirations"] = len(expirations)
    result.checks["orders"] = len(orders)
    result.checks["spread_orders"] = sum(1 for order in orders if len(order) > 1)


def _execution(fields: dict[str, str], line: int, account: str, make_id: IdMaker) -> Execution:
    when = parse_time(fields["Exec Time"], TIME_FORMATS, ET, "exec time")
    qty = number(fields.get("Qty"), "quantity")
    assert qty is not None
    side = fields.get("Side", "").upper()
    if side not in ("BUY", "SELL"):
        raise RowValueError(f"the side '{fields.get('Side', '')}' is neither BUY nor SELL")
    if qty == 0 or (qty > 0) != (side == "BUY"):
        raise RowValueError(f"the quantity '{fields.get('Qty')}' does not agree with the side {side}")
    price = number(fields.get("Price"), "price")
    symbol = fields.get("Symbol", "").split()[0] if fields.get("Symbol") else ""
    if not symbol:
        raise RowValueError("the symbol is missing")
    kind = fields.get("Type", "").upper()
    exec_id = make_id(*(fields.get(k, "") for k in ("Exec Time", "Spread", "Side", "Qty", "Symbol", "Exp",
                                                     "Strike", "Type", "Price")))
    base = dict(broker=name, account=account, exec_id=exec_id, time=when, side=side.lower(),
                quantity=abs(qty), price=price, effect=EFFECTS.get(fields.get("Pos Effect", "").upper()),
                order_id=exec_id, source_line=line)
    if kind in ("STOCK", "ETF"):
        return Execution(symbol=symbol, **base)
    if kind in ("CALL", "PUT"):
        return _option_execution(fields, symbol, kind, base)
    raise RowValueError(f"the instrument type '{fields.get('Type', '')}' is not a stock or an option")


def _option_execution(fields: dict[str, str], symbol: str, kind: str, base: dict) -> Execution:
    exp_text = fields.get("Exp", "")
    weekly = "WEEKLY" in exp_text.upper() or "[PM]" in exp_text.upper()
    clean = re.sub(r"\(.*?\)|\[.*?\]", "", exp_text).strip()
    expiry = parse_day(clean, EXP_FORMATS)
    strike = number(fields.get("Strike"), "strike")
    assert strike is not None
    root = WEEKLY_ROOTS.get(symbol, symbol) if weekly else symbol
    contract = option(root, expiry, put_call(kind), strike)
    mini = _MINI_RE.search(" ".join(fields.values()))
    return Execution(symbol=contract.underlying, instrument="option", occ=compact_occ(contract),
                     expiry=expiry, is_call=contract.is_call, strike=strike,
                     multiplier=int(mini.group(1)) if mini else 100, **base)


def _cash_fees(section: tuple[int, list[str]] | None, result: ParseResult) -> dict[datetime, float]:
    """Exec time (UTC) -> commissions + misc fees of the Cash Balance TRD row(s) at that time; the
    RAD "REMOVAL OF OPTION DUE TO EXPIRATION" rows become expiration executions."""
    fees: dict[datetime, float] = {}
    if section is None:
        return fees
    header, rows = _rows(section)
    make_id = IdMaker(f"{name}-rad")
    for line, row in rows:
        fields = dict(zip(header, (c.strip() for c in row), strict=False))
        if fields.get("TYPE") == "RAD" and _RAD_RE.match(fields.get("DESCRIPTION", "")):
            _expiration(fields, line, make_id, result)
        if fields.get("TYPE") != "TRD":
            continue
        try:
            paid = sum(abs(number(fields.get(k), k, allow_empty=True) or 0.0)
                       for k in ("Misc Fees", "Commissions & Fees"))
            stamp = parse_time(f"{fields.get('DATE', '')} {fields.get('TIME', '')}", TIME_FORMATS, ET,
                               "Cash Balance time")
        except RowValueError as exc:
            result.error(line, f"Cash Balance: {exc}")
            continue
        fees[stamp] = fees.get(stamp, 0.0) + paid
    return fees


def _expiration(fields: dict[str, str], line: int, make_id: IdMaker, result: ParseResult) -> None:
    """A RAD row: the signed quantity removed at 0 (−1: a long contract gone, +1: a short one)."""
    match = _RAD_RE.match(fields["DESCRIPTION"])
    assert match is not None
    try:
        when = parse_time(f"{fields.get('DATE', '')} {fields.get('TIME', '')}", TIME_FORMATS, ET, "Cash Balance time")
        qty = number(match["qty"], "quantity") or 0.0
        strike = number(match["strike"], "strike") or 0.0
        expiry = parse_day(match["exp"], EXP_FORMATS)
        weekly = bool(match["weekly"]) and "WEEKLY" in match["weekly"].upper()
        contract = option(WEEKLY_ROOTS.get(match["root"], match["root"]) if weekly else match["root"],
                          expiry, match["pc"] == "CALL", strike)
    except RowValueError as exc:
        result.error(line, f"Cash Balance: {exc}")
        return
    result.executions.append(Execution(
        broker=name, account=result.account, exec_id=make_id(*fields.values()), time=when,
        symbol=contract.underlying, side="buy" if qty > 0 else "sell", quantity=abs(qty), price=0.0,
        instrument="option", occ=compact_occ(contract), expiry=expiry, is_call=contract.is_call, strike=strike,
        multiplier=int(match["mult"]), effect="close", kind="expiration", source_line=line))


def _attach_fees(orders: list[list[Execution]], fees: dict[datetime, float], result: ParseResult) -> None:
    """Put each matched Cash Balance fee on the first leg of the order filled at that time."""
    if not fees:
        result.checks["fees"] = ("the statement's Cash Balance has no trade rows (a paperMoney account "
                                 "lists none): fees are 0")
        return
    matched = 0
    for order in orders:
        if order[0].time in fees:
            order[0] = replace(order[0], fees=fees.pop(order[0].time))
            matched += 1
    result.checks["fees"] = f"fees from the Cash Balance section matched {matched} of {len(orders)} orders"
    result.checks["fees_unmatched"] = len(fees)


def _read_pnl(section: tuple[int, list[str]] | None, result: ParseResult) -> None:
    """The Profits and Losses section: per symbol and the overall totals, in dollars."""
    if section is None:
        return
    header, rows = _rows(section)
    per_symbol: dict[str, dict[str, float]] = {}
    for line, row in rows:
        fields = dict(zip(header, (c.strip() for c in row), strict=False))
        key = fields.get("Symbol") or fields.get("Description", "")
        try:
            values = {_snake(k): number(v, k) for k, v in fields.items()
                      if k.startswith("P/L") or k in ("Margin Req", "Close Value")}
        except RowValueError as exc:
            result.error(line, f"Profits and Losses: {exc}")
            continue
        per_symbol[key] = {k: v for k, v in values.items() if v is not None}
    result.checks["profits_and_losses"] = per_symbol
    if "OVERALL TOTALS" in per_symbol:
        result.checks["pl_day_total"] = per_symbol["OVERALL TOTALS"].get("pl_day")


def _snake(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower().replace("p/l", "pl").replace("%", "pct")).strip("_")
