"""Webull "Orders Records" CSV, stocks and options.

Columns ``Name,Symbol,Side,Status,Filled,Total Qty,Price,Avg Price,Time-in-Force,Placed Time,
Filled Time``. Every row with a filled quantity is kept — Status Filled, and the partial fills of
Cancelled orders (which the quantity ``Filled`` says) — at ``Avg Price`` for ``Filled`` units.
Side Short is a sell that opens a short. A multi-leg order is a parent row (a strategy name,
no symbol, the net price) followed by its legs (no name, an OCC symbol or the stock of a
covered order): the parent is not a fill, its legs share its order id, and the parent's net
price is checked against its legs (``checks["net_price_mismatches"]``). Times carry their
EST/EDT label, which is read as the UTC offset. The export has no fees (0), no multiplier (100
for options), no expirations or assignments.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from data.files.brokers import base
from data.store.records import Execution

name = "webull"
HEADER = ("Name", "Symbol", "Side", "Status", "Filled", "Total Qty", "Price", "Avg Price")
ZONES = {"EST": timezone(timedelta(hours=-5)), "EDT": timezone(timedelta(hours=-4))}
OPTION_MULTIPLIER = 100


def sniff(head_text: str) -> bool:
    first = head_text.lstrip("\ufeff").split("\n", 1)[0].strip()
    return first.startswith(",".join(HEADER))


@dataclass
class _Parent:
    line: int
    order_id: str
    side: str
    filled: float
    avg: float | None
    legs: list[Execution] = field(default_factory=list)
    closed: bool = False  # a row that is not a leg came after it


def parse(path: str | Path, progress: base.Progress | None = None) -> base.ParseResult:
    path = Path(path)
    text = base.read_text(path)
    if not sniff(text[:4096]):
        raise base.BrokerFileError(f"{path.name} is not a Webull orders export "
                                   f"(the first line reads '{base.first_line(text)}').")
    result = base.ParseResult(broker=name)
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader)]
    counts = {"rows": 0, "unfilled": 0, "partial_fills_on_cancelled": 0}
    parents: list[_Parent] = []
    make_id = base.IdMaker(name)
    tick = base.ProgressTicker(progress, base.line_count(text))
    for row in reader:
        line = reader.line_num
        tick(line)
        if not any(c.strip() for c in row):
            continue
        counts["rows"] += 1
        _row(dict(zip(header, (c.strip() for c in row), strict=False)), len(row) < len(header),
             line, result, parents, counts, make_id)
    tick.finish()
    result.checks.update(counts)
    _summarise(parents, result)
    result.executions.sort(key=lambda f: f.time)
    return result


def _row(fields: dict[str, str], short: bool, line: int, result: base.ParseResult,
         parents: list[_Parent], counts: dict[str, int], make_id: base.IdMaker) -> None:
    if short:
        result.error(line, f"the row has fewer than the {len(HEADER) + 3} columns (the file may be cut off)")
        return
    is_parent, is_leg = bool(fields["Name"]) and not fields["Symbol"], not fields["Name"]
    if not is_leg and parents:
        parents[-1].closed = True  # even when this row turns out bad: legs below are not the old order's
    try:
        filled = base.number(fields.get("Filled"), "filled quantity") or 0.0
        if is_parent:
            parents.append(_parent(fields, line, filled, make_id))
            return
        if is_leg and (not parents or parents[-1].closed):
            raise base.RowValueError("an order leg without its order row above it")
        if filled <= 0:
            counts["unfilled"] += 1
            return
        fill = _execution(fields, line, filled, make_id, parents[-1].order_id if is_leg else None)
    except base.RowValueError as exc:
        result.error(line, str(exc))
        return
    counts["partial_fills_on_cancelled"] += fields.get("Status", "").lower() == "cancelled"
    if is_leg:
        parents[-1].legs.append(fill)
    result.executions.append(fill)


def _parent(fields: dict[str, str], line: int, filled: float, make_id: base.IdMaker) -> _Parent:
    order_id = make_id("order", *fields.values())
    avg = base.number(fields.get("Avg Price"), "average price", allow_empty=True)
    return _Parent(line, order_id, base.side_of(fields["Side"]), filled, avg)


def _execution(fields: dict[str, str], line: int, filled: float, make_id: base.IdMaker,
               order_id: str | None) -> Execution:
    side = base.side_of(fields["Side"])
    price = base.number(fields.get("Avg Price"), "average price")
    assert price is not None
    when = _time(fields.get("Filled Time") or fields.get("Placed Time", ""))
    exec_id = make_id(*fields.values())
    common = dict(broker=name, account="", exec_id=exec_id, time=when, side=side, quantity=filled,
                  price=price, effect="open" if fields["Side"].upper() == "SHORT" else None,
                  order_id=order_id or exec_id, source_line=line)
    symbol = fields["Symbol"] or fields["Name"]
    if not any(ch.isdigit() for ch in symbol):
        return Execution(symbol=symbol.upper(), **common)
    contract = base.occ_symbol(symbol)
    return Execution(symbol=contract.underlying, instrument="option", occ=base.compact_occ(contract),
                     expiry=contract.expiry, is_call=contract.is_call, strike=contract.strike,
                     multiplier=OPTION_MULTIPLIER, **common)


def _time(text: str) -> datetime:
    """'03/06/2026 15:10:21 EST' -> aware UTC (the label is the offset)."""
    raw = text.strip()
    stamp, _, label = raw.rpartition(" ")
    zone = ZONES.get(label.upper())
    if zone is None:
        raise base.RowValueError(f"the filled time '{raw}' has no EST/EDT label" if raw
                                 else "the filled time is missing")
    return base.parse_time(stamp, ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M"), zone, "filled time")


def _summarise(parents: list[_Parent], result: base.ParseResult) -> None:
    filled = [p for p in parents if p.filled > 0]
    mismatches = [p.line for p in filled if p.legs and not _net_matches(p)]
    result.checks["spread_orders"] = len(filled)
    result.checks["spread_orders_without_legs"] = [p.line for p in filled if not p.legs]
    result.checks["net_price_checked"] = len(filled) - len(mismatches)
    result.checks["net_price_mismatches"] = mismatches
    result.checks["fees"] = "the Webull export has no fees: fees are 0"
    result.checks["multiplier"] = f"the Webull export gives no multiplier: {OPTION_MULTIPLIER} for options"


def _net_matches(parent: _Parent) -> bool:
    """|parent avg| = |Σ ±leg avg × leg units per spread unit| (stock legs count per 100 shares)."""
    if parent.avg is None:
        return False
    net = 0.0
    for leg in parent.legs:
        ratio = leg.quantity / parent.filled / (OPTION_MULTIPLIER if leg.instrument == "stock" else 1)
        net += (1 if leg.side == "buy" else -1) * leg.price * ratio
    return abs(abs(net) - abs(parent.avg)) <= 0.011
