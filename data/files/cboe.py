"""Cboe delayed-quote option chain export ("quotedata.csv"), raw or with a one-line header.

Raw layout: a blank line, ``<name>,Last: <spot>,Change: <chg>``, ``"Date: <stamp>",Bid: …``,
then a header and one row per (expiration, strike): call fields, strike, put fields. The
converted variant keeps only the rows under unique column names; its spot and time come from
``snapshots_index.csv`` beside it (or the caller). Zeros in IV/delta/gamma/bid+ask mean "no
data" and become NaN; exact duplicate contracts are dropped (counted).
"""

from __future__ import annotations

import csv
import math
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
_STAMP_RE = re.compile(r"Date:\s*(?P<stamp>[A-Za-z]+ \d{1,2}, \d{4} at \d{1,2}:\d{2} [AP]M)", re.ASCII)
_SPOT_RE = re.compile(r"Last:\s*(?P<spot>[-\d.,]+)", re.ASCII)


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
    """As ``load_quotedata``, with what was dropped. Whatever the file holds, the only error is
    ``QuoteDataError``; a row that cannot be read is dropped and counted, not the file."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise QuoteDataError(f"Cannot read {path.name}: {exc}") from None
    header_at = next((i for i, line in enumerate(lines[:10])
                      if line.lower().startswith(("expiration date,", "expiration_date,"))), None)
    if header_at is None:
        raise QuoteDataError(f"{path.name} has no Cboe quotedata header (Expiration Date, Calls, …).")
    file_spot, file_asof = _preamble(lines[:header_at], path.name)
    if file_spot is None or file_asof is None:
        index_spot, index_asof = _from_index(path)
        file_spot, file_asof = file_spot or index_spot, file_asof or index_asof
    spot, asof = spot or file_spot, asof or file_asof
    if spot is None or asof is None:
        raise QuoteDataError(f"{path.name}: the spot price and quote time are not in the file; pass them in.")
    try:
        rows = list(csv.reader(line.replace("\x00", "") for line in lines[header_at + 1:]))
    except csv.Error as exc:
        raise QuoteDataError(f"{path.name} is not valid CSV: {exc}") from None
    chain, report = _parse_rows(rows, asof, path.name)
    return chain, float(spot), asof, report


def _preamble(lines: list[str], name: str) -> tuple[float | None, datetime | None]:
    text = "\n".join(lines)
    spot_match, stamp_match = _SPOT_RE.search(text), _STAMP_RE.search(text)
    try:
        spot = _price(spot_match["spot"]) if spot_match else None
        stamp = datetime.strptime(stamp_match["stamp"], "%B %d, %Y at %I:%M %p") if stamp_match else None
    except ValueError as exc:
        raise QuoteDataError(f"{name}: the preamble's spot or date cannot be read ({exc}).") from None
    return spot, stamp.replace(tzinfo=ET) if stamp else None


def _price(text: str) -> float:
    value = float(text.replace(",", ""))
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{text!r} is not a price")
    return value


def _from_index(path: Path) -> tuple[float | None, datetime | None]:
    index = path.with_name("snapshots_index.csv")
    if not index.exists():
        return None, None
    try:
        with index.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row.get("file") == path.name:
                    asof = datetime.fromisoformat(row["quote_time_et"])
                    return _price(row["underlying_last"]), asof if asof.tzinfo else asof.replace(tzinfo=ET)
    except (OSError, UnicodeDecodeError, csv.Error, KeyError, TypeError, ValueError) as exc:
        raise QuoteDataError(f"{index.name} beside {path.name} cannot be read: {exc}") from None
    return None, None


def _num(text: str) -> float:
    try:
        return float(text.replace(",", "")) if text.strip() else float("nan")
    except ValueError:
        return float("nan")


_CHAIN_FIELDS = ("symbol", "root", "expiry", "is_call", "strike", "bid", "ask", "last", "volume", "open_interest",
                 "iv", "delta", "gamma", "adjusted")


def _parse_rows(rows: list[list[str]], asof: datetime, name: str) -> tuple[OptionChain, LoadReport]:
    cols: dict[str, list] = {k: [] for k in _CHAIN_FIELDS}
    seen: set[str] = set()
    duplicates = bad = 0
    underlying = ""
    for row in rows:
        expiry, strike = _row_key(row)
        if expiry is None:
            bad += any(cell.strip() for cell in row)  # blank lines are not bad rows
            continue
        for offset, is_call in ((1, True), (12, False)):
            side = _side(row[offset:offset + 10], is_call, expiry, strike)
            if side is None:
                bad += 1
            elif side["symbol"] in seen:
                duplicates += 1
            else:
                seen.add(side["symbol"])
                root_of = side.pop("underlying")
                underlying = underlying or root_of
                for key, value in side.items():
                    cols[key].append(value)
    if not cols["symbol"]:
        raise QuoteDataError(f"{name}: no option rows could be read.")
    chain = OptionChain(underlying=underlying, asof=asof, **cols)
    return chain, LoadReport(len(rows), len(chain), duplicates, bad)


def _row_key(row: list[str]) -> tuple[np.datetime64 | None, float]:
    """The row's expiry and strike; no expiry for a short row, an unreadable date or a strike that is no price."""
    if len(row) < len(CONVERTED_COLUMNS):
        return None, math.nan
    try:
        return np.datetime64(datetime.strptime(row[0].strip(), "%a %b %d %Y").date(), "D"), _price(row[11])
    except ValueError:
        return None, math.nan


def _side(fields: list[str], is_call: bool, expiry: np.datetime64, strike: float) -> dict | None:
    """One contract's columns (and its underlying), or None when its OCC symbol cannot be read."""
    side = dict(zip(SIDE_FIELDS, fields, strict=True))
    sym = side["symbol"].strip()
    try:
        occ = parse_option_symbol(sym)
    except (SymbolError, ValueError):
        return None
    bid, ask = _num(side["bid"]), _num(side["ask"])
    if bid == 0 and ask == 0:
        bid = ask = math.nan
    iv, gamma = _num(side["iv"]), _num(side["gamma"])
    missing_model = not iv > 0
    return {"symbol": sym, "root": occ.root, "expiry": expiry, "is_call": is_call, "strike": strike, "bid": bid,
            "ask": ask, "last": _num(side["last_sale"]), "volume": _num(side["volume"]),
            "open_interest": _num(side["open_interest"]), "iv": math.nan if missing_model else iv,
            "delta": math.nan if missing_model else _num(side["delta"]),
            "gamma": math.nan if missing_model or gamma == 0 else gamma,
            "adjusted": occ.root[-1:].isdigit(), "underlying": occ.underlying}


def quotes_time(asof: datetime, calendar: MarketCalendar) -> datetime:
    """When the quotes in a snapshot were live: the stamp itself during a regular session,
    else the close of the last session before it (evening, weekend and pre-open exports hold
    the closing quotes)."""
    session = calendar.last_session_at_or_before(market_date(asof))
    if asof < session.open:
        session = calendar.previous_session(session.day)
    return min(asof, session.close)
