"""What every broker parser shares: the result, the row errors, stable ids, number and time parsing."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any, Protocol

from data.store.records import Execution
from data.symbols import OptionSymbol, SymbolError, parse_option_symbol

HEAD_BYTES = 8192
PROGRESS_EVERY = 500  # rows between progress reports: a few dozen calls for 10k rows

Progress = Callable[[int, int], None]  # (done, total), called on the reading thread


class BrokerFileError(ValueError):
    """The file is not an export this parser (or any) can read; the message says why."""


class RowValueError(ValueError):
    """A bad value in one row; the parser turns it into a RowError and goes on."""


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(slots=True)
class ParseResult:
    broker: str
    account: str = ""
    executions: list[Execution] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    checks: dict[str, Any] = field(default_factory=dict)  # totals, counts and notes from the file

    def error(self, line: int, message: str) -> None:
        self.errors.append(RowError(line, message))


class UnknownFormatError(BrokerFileError):
    """No broker format recognises the file (it may still be a generic CSV)."""


class ProgressTicker:
    """Reports ``(done, total)`` every ``every`` units and once at the end, counts only rising;
    does nothing without a callback (so a parser can call it on every row)."""

    __slots__ = ("_last", "_next", "every", "progress", "total")

    def __init__(self, progress: Progress | None, total: int, every: int | None = None) -> None:
        self.progress, self.total, self.every = progress, max(total, 0), every or PROGRESS_EVERY
        self._next, self._last = self.every, 0

    def __call__(self, done: int) -> None:
        if self.progress is not None and done >= self._next:
            self._next = done + self.every
            self._report(min(done, self.total))

    def finish(self) -> None:
        if self.progress is not None:
            self._report(self.total)

    def _report(self, done: int) -> None:
        if done > self._last or (done == self.total and self._last == 0 and done == 0):
            self._last = done
            self.progress(done, self.total)  # type: ignore[misc]


def line_count(text: str) -> int:
    """The file's lines, the unit a CSV parser reports its progress in."""
    return text.count("\n") + (not text.endswith("\n"))


class BrokerFormat(Protocol):
    """What a broker module offers (each module in this package is one): its name, a sniff of the
    file's first kilobytes, and the parse."""

    name: str

    def sniff(self, head_text: str) -> bool: ...

    def parse(self, path: str | Path, progress: Progress | None = None) -> ParseResult: ...


def read_text(path: str | Path) -> str:
    """The file's text (BOM stripped); BrokerFileError for a missing, empty or binary file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BrokerFileError(f"{path.name} cannot be read: {exc.strerror or exc}.") from exc
    return decode(raw, path.name)


def decode(raw: bytes, name: str) -> str:
    if not raw.strip():
        raise BrokerFileError(f"{name} is empty.")
    if b"\x00" in raw[:HEAD_BYTES]:
        raise BrokerFileError(f"{name} is not a text file (it looks binary); export the trades as CSV.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def head_text(path: str | Path) -> str:
    """The first few kilobytes of the file as text (for sniffing)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise BrokerFileError(f"{path.name} cannot be read: {exc.strerror or exc}.") from exc
    return decode(raw, path.name)


def first_line(text: str, limit: int = 80) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[:limit] + "…"


class IdMaker:
    """Stable exec ids: a hash of the row's content and how often that content came before in the
    file, so the same file gives the same ids and two identical fills still get two."""

    def __init__(self, broker: str) -> None:
        self.broker = broker
        self._seen: Counter[tuple[str, ...]] = Counter()

    def __call__(self, *parts: object) -> str:
        key = tuple(str(p).strip() for p in parts)
        occurrence = self._seen[key]
        self._seen[key] += 1
        digest = hashlib.sha1("\x1f".join((self.broker, *key, str(occurrence))).encode()).hexdigest()
        return f"{self.broker}:{digest[:20]}"


def number(text: str | None, what: str, *, allow_empty: bool = False) -> float | None:
    """``text`` as a float ("$1,234.50", "(12.00)", "@1.62" accepted); RowValueError in plain words."""
    raw = (text or "").strip()
    if not raw:
        if allow_empty:
            return None
        raise RowValueError(f"the {what} is missing")
    clean = raw.replace(",", "").replace("$", "").rstrip("%").lstrip("@").strip()
    negative = clean.startswith("(") and clean.endswith(")")
    clean = clean.strip("()")
    try:
        value = float(clean)
    except ValueError:
        raise RowValueError(f"the {what} '{raw}' is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise RowValueError(f"the {what} '{raw}' is not a number")
    return -value if negative else value


def positive(text: str | None, what: str) -> float:
    value = number(text, what)
    assert value is not None
    if value == 0:
        raise RowValueError(f"the {what} is 0")
    return abs(value)


def parse_time(text: str, formats: tuple[str, ...], zone: tzinfo, what: str = "time") -> datetime:
    """A naive local stamp in one of ``formats``, in ``zone``, as aware UTC."""
    raw = (text or "").strip()
    if not raw:
        raise RowValueError(f"the {what} is missing")
    for fmt in formats:
        try:
            local = datetime.strptime(raw, fmt)
        except ValueError:
            continue
        return local.replace(tzinfo=zone).astimezone(UTC)
    raise RowValueError(f"the {what} '{raw}' is not a date and time this export uses")


def parse_day(text: str, formats: tuple[str, ...], what: str = "expiry") -> date:
    raw = (text or "").strip()
    for fmt in formats:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise RowValueError(f"the {what} '{raw}' is not a date" if raw else f"the {what} is missing")


def option(root: str, expiry: date, is_call: bool, strike: float) -> OptionSymbol:
    """The contract as an OptionSymbol, validated through the OCC parser."""
    compact = f"{root}{expiry:%y%m%d}{'C' if is_call else 'P'}{round(strike * 1000):08d}"
    return occ_symbol(compact)


def occ_symbol(text: str) -> OptionSymbol:
    try:
        return parse_option_symbol(text)
    except SymbolError as exc:
        raise RowValueError(str(exc)) from None


def compact_occ(sym: OptionSymbol) -> str:
    return sym.occ.replace(" ", "")


def put_call(text: str) -> bool:
    """True for a call, False for a put ("C", "CALL", "P", "PUT")."""
    raw = (text or "").strip().upper()
    if raw in ("C", "CALL"):
        return True
    if raw in ("P", "PUT"):
        return False
    raise RowValueError(f"'{text}' is neither a put nor a call")


def side_of(text: str) -> str:
    raw = (text or "").strip().upper()
    if raw in ("BUY", "BOT", "B", "BUY TO OPEN", "BUY TO CLOSE", "BTO", "BTC", "COVER"):
        return "buy"
    if raw in ("SELL", "SOLD", "S", "SHORT", "SELL SHORT", "SELL TO OPEN", "SELL TO CLOSE", "STO", "STC", "SS"):
        return "sell"
    raise RowValueError(f"the side '{text}' is neither a buy nor a sell")
