"""Cboe delayed-quote option chain export ("quotedata.csv"), raw or with a one-line header.

Raw layout: a blank line, ``<name>,Last: <spot>,Change: <chg>``, ``"Date: <stamp>",Bid: …``,
then a header and one row per (expiration, strike): call fields, strike, put fields. The
converted variant keeps only the rows under unique column names; its spot and time come from
``snapshots_index.csv`` beside it (or the caller). Zeros in IV/delta/gamma/bid+ask mean "no
data" and become NaN; exact duplicate contracts are dropped (counted).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from data.market_calendar import ET, MarketCalendar, market_date
from data.option_chain import OptionChain
from data.symbols import SymbolError, parse_option_symbol

CONVERTED_COLUMNS = (
    "expiration_date", "call_symbol", "call_last_sale", "call_net", "call_bid", "call_ask", "call_volume",
    "call_iv", "call_delta", "call_gamma", "call_open_interest", "strike", "put_symbol", "put_last_sale",
    "put_net", "put_bid", "put_ask", "put_volume", "put_iv", "put_delta", "put_gamma", "put_open_interest",
)
SIDE_FIELDS = ("symbol", "last_sale", "net", "bid", "ask", "volume", "iv", "delta", "gamma", "open_interest")
_STAMP_RE = re.compile(r"Date:\s*(?P<stamp>[A-Za-z]+ \d{1,2}, \d{4} at \d{1,2}:\d{2} [AP]M)")
_SPOT_RE = re.compile(r"Last:\s*(?P<spot>[-\d.,]+)")


class QuoteDataError(ValueError):
    """The file is not a Cboe quotedata export we can read; the message says why."""


@dataclass(frozen=True, slots=True)
class LoadReport:
    rows: int
    contracts: int
    duplicates_dropped: int
    bad_rows: int


def load_quotedata(path: Path, spot: float | None = None, asof: datetime | None = None
                   ) -> tuple[OptionChain, float, datetime]:
    """Read a quotedata export; returns ``(chain, spot, asof)``. ``spot``/``asof`` override
    what the file (or its ``snapshots_index.csv``) says."""
    chain, spot, asof, _report = load_quotedata_with_report(path, spot, asof)
    return chain, spot, asof


def load_quotedata_with_report(path: Path, spot: float | None = None, asof: datetime | None = None
                               ) -> tuple[OptionChain, float, datetime, LoadReport]:
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise QuoteDataError(f"Cannot read {path.name}: {exc}") from None
    header_at = next((i for i, line in enumerate(lines[:10])
                      if line.lower().startswith(("expiration date,", "expiration_date,"))), None)
    if header_at is None:
        raise QuoteDataError(f"{path.name} has no Cboe quotedata header (Expiration Date, Calls, …).")
    file_spot, file_asof = _preamble(lines[:header_at])
    if file_spot is None or file_asof is None:
        index_spot, index_asof = _from_index(path)
        file_spot, file_asof = file_spot or index_spot, file_asof or index_asof
    spot, asof = spot or file_spot, asof or file_asof
    if spot is None or asof is None:
        raise QuoteDataError(f"{path.name}: the spot price and quote time are not in the file; pass them in.")
    rows = list(csv.reader(lines[header_at + 1:]))
    chain, report = _parse_rows(rows, asof, path.name)
    return chain, float(spot), asof, report


def _preamble(lines: list[str]) -> tuple[float | None, datetime | None]:
    text = "\n".join(lines)
    spot_match, stamp_match = _SPOT_RE.search(text), _STAMP_RE.search(text)
    spot = float(spot_match["spot"].replace(",", "")) if spot_match else None
    asof = datetime.strptime(stamp_match["stamp"], "%B %d, %Y at %I:%M %p").replace(tzinfo=ET) if stamp_match else None
    return spot, asof


def _from_index(path: Path) -> tuple[float | None, datetime | None]:
    index = path.with_name("snapshots_index.csv")
    if not index.exists():
        return None, None
    with index.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row.get("file") == path.name:
                return float(row["underlying_last"]), datetime.fromisoformat(row["quote_time_et"])
    return None, None


def _num(text: str) -> float:
    try:
        return float(text.replace(",", "")) if text.strip() else float("nan")
    except ValueError:
        return float("nan")


def _parse_rows(rows: list[list[str]], asof: datetime, name: str) -> tuple[OptionChain, LoadReport]:
    cols: dict[str, list] = {k: [] for k in ("symbol", "root", "expiry", "is_call", "strike", "bid", "ask",
                                             "last", "volume", "open_interest", "iv", "delta", "gamma",
                                             "adjusted")}
    seen: set[str] = set()
    duplicates = bad = 0
    underlying = ""
    for row in rows:
        if len(row) < len(CONVERTED_COLUMNS) or not row[0].strip():
            bad += bool(row)
            continue
        try:
            expiry = datetime.strptime(row[0].strip(), "%a %b %d %Y").date()
        except ValueError:
            bad += 1
            continue
        strike = _num(row[11])
        for offset, is_call in ((1, True), (12, False)):
            side = dict(zip(SIDE_FIELDS, row[offset:offset + 10], strict=True))
            sym = side["symbol"].strip()
            try:
                occ = parse_option_symbol(sym)
            except SymbolError:
                bad += 1
                continue
            if sym in seen:
                duplicates += 1
                continue
            seen.add(sym)
            underlying = underlying or occ.underlying
            bid, ask = _num(side["bid"]), _num(side["ask"])
            if bid == 0 and ask == 0:
                bid = ask = float("nan")
            iv = _num(side["iv"])
            missing_model = not iv > 0
            cols["symbol"].append(sym)
            cols["root"].append(occ.root)
            cols["expiry"].append(np.datetime64(expiry, "D"))
            cols["is_call"].append(is_call)
            cols["strike"].append(strike)
            cols["bid"].append(bid)
            cols["ask"].append(ask)
            cols["last"].append(_num(side["last_sale"]))
            cols["volume"].append(_num(side["volume"]))
            cols["open_interest"].append(_num(side["open_interest"]))
            cols["iv"].append(float("nan") if missing_model else iv)
            gamma = _num(side["gamma"])
            cols["gamma"].append(float("nan") if missing_model or gamma == 0 else gamma)
            cols["delta"].append(float("nan") if missing_model else _num(side["delta"]))
            cols["adjusted"].append(occ.root[-1].isdigit())
    if not cols["symbol"]:
        raise QuoteDataError(f"{name}: no option rows could be read.")
    chain = OptionChain(underlying=underlying, asof=asof, **cols)
    return chain, LoadReport(len(rows), len(chain), duplicates, bad)


def quotes_time(asof: datetime, calendar: MarketCalendar) -> datetime:
    """When the quotes in a snapshot were live: the stamp itself during a regular session,
    else the close of the last session before it (evening, weekend and pre-open exports hold
    the closing quotes)."""
    session = calendar.last_session_at_or_before(market_date(asof))
    if asof < session.open:
        session = calendar.previous_session(session.day)
    return min(asof, session.close)
