"""Read a recorded bar file (CSV, or Parquet read in a child process) into ``Bars``.

Columns are matched case-insensitively: datetime (or date/time/timestamp), open, high, low,
close, optional volume (indices have none: 0). Naive timestamps are read in ``tz`` (default
US/Eastern); aware ones are converted. ``label="end"`` shifts bar-end stamps (e.g. the 09:31
bar that holds 09:30–09:31) to bar starts; ``"auto"`` (the default) tells them apart by the
sessions' first bars: most days starting at 09:30 (or 04:00) mean start labels, at 09:30 or
04:00 plus one bar mean end labels. The bar size is inferred from the most common gap.
Rows come back sorted, de-duplicated and checked (drops counted in the report). Whatever the
file holds, the only error is ``RecordingError`` with a message naming the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from data.bar_aggregation import et_day_and_minute
from data.bar_cleaning import CleanReport, clean_bars
from data.models import Bars, Timeframe
from data.symbols import SymbolError, normalize_symbol

TIME_COLUMNS = ("datetime", "timestamp", "date", "time")
SYMBOL_ALIASES = {"GSPC": "SPX", "^GSPC": "SPX", "NDX100": "NDX"}
_SIZES = {60: Timeframe.M1, 300: Timeframe.M5, 900: Timeframe.M15, 3600: Timeframe.H1}
PRICE_COLUMNS = ("open", "high", "low", "close")
MAX_FILE_BYTES = 256 << 20  # ~40x a year of minute bars; a bigger file is not a recording (and would fill memory)
PARQUET_SUFFIXES = (".parquet", ".pq")
LABELS = ("auto", "start", "end")
OPENS = (570, 240)  # 09:30 and 04:00 ET: where a recording's sessions begin


class RecordingError(ValueError):
    """A recording that cannot be replayed; the message says why."""


@dataclass(frozen=True, slots=True)
class Recording:
    bars: Bars
    report: CleanReport
    path: Path


def time_zone(name: str) -> tzinfo:
    """``ZoneInfo(name)``, or ``RecordingError`` naming the zone (also for a path-like or empty name)."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError, TypeError):  # not found (a KeyError), a path, a directory
        pass
    raise RecordingError(f"Unknown time zone '{name}': use an IANA name such as America/New_York.")


def symbol_from_filename(path: Path) -> str:
    stem = path.stem.split("_")[0].upper()
    stem = SYMBOL_ALIASES.get(stem, stem)
    try:
        return normalize_symbol(stem)
    except SymbolError as exc:
        raise RecordingError(f"Cannot tell the symbol from '{path.name}' ({exc}); pass it explicitly.") from None


def load_recording(path: Path, *, symbol: str | None = None, tz: str = "America/New_York",
                   label: str = "auto") -> Recording:
    path = Path(path)
    if label not in LABELS:
        raise RecordingError(f"Bar label must be 'start', 'end' or 'auto', not '{label}'.")
    zone = time_zone(tz)
    header, rows = _read_table(path)
    sym = _symbol(symbol, path)
    stamps, values, bad = _parse_rows(header, rows, zone, path.name)
    size = _bar_seconds(np.sort(stamps))
    if label == "end" or (label == "auto" and labels_bar_ends(stamps, size)):
        stamps = stamps - size
    raw = Bars(sym, _SIZES[size], stamps, *(np.array(values[k], dtype=float) for k in PRICE_COLUMNS),
               np.nan_to_num(np.array(values["volume"], dtype=float), nan=0.0))
    bars, report = clean_bars(raw)
    report = CleanReport(report.received + bad, report.unsorted, report.duplicates, report.invalid + bad)
    if not len(bars):
        raise RecordingError(f"{path.name}: no valid bars after checking.")
    return Recording(bars, report, path)


def _symbol(symbol: str | None, path: Path) -> str:
    if not symbol:
        return symbol_from_filename(path)
    try:
        return normalize_symbol(symbol)
    except SymbolError as exc:
        raise RecordingError(f"Replay symbol '{symbol}' is not valid: {exc}") from None


def _read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of ``path`` as text (a Parquet file is decoded in a child process)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise RecordingError(f"Recording not found: {path}") from None
    except OSError as exc:
        raise RecordingError(f"Cannot read {path.name}: {exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise RecordingError(f"{path.name} is {size / 2**20:,.0f} MB: too big for a recording.")
    if path.suffix.lower() in PARQUET_SUFFIXES:
        from data.providers.replay.parquet_reader import parquet_as_csv

        text = parquet_as_csv(path)
    else:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            raise RecordingError(f"Cannot read {path.name}: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise RecordingError(f"{path.name} is not UTF-8 text (byte {exc.start}): not a CSV recording.") from None
    return _csv_table(text, path.name)


def _csv_table(text: str, name: str) -> tuple[list[str], list[list[str]]]:
    if "\x00" in text:
        raise RecordingError(f"{name} holds binary data (NUL bytes): not a CSV recording.")
    try:
        table = [row for row in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in row)]
    except csv.Error as exc:
        raise RecordingError(f"{name} is not valid CSV: {exc}") from None
    if len(table) < 2:
        raise RecordingError(f"{name} has no data rows.")
    return table[0], table[1:]


def _parse_rows(header: list[str], rows: list[list[str]], zone: tzinfo, name: str
                ) -> tuple[np.ndarray, dict[str, list[float]], int]:
    """Timestamps, values and the number of unreadable rows (dropped)."""
    columns: dict[str, int] = {}
    for i, title in enumerate(header):
        columns.setdefault(title.strip().lower(), i)  # the first of repeated titles; blank (trailing comma) ignored
    time_at = next((columns[c] for c in TIME_COLUMNS if c in columns), None)
    missing = [c for c in PRICE_COLUMNS if c not in columns]
    if time_at is None or missing:
        need = ", ".join(missing + ([] if time_at is not None else ["datetime"]))
        raise RecordingError(f"{name} lacks the column(s): {need}.")
    at = [time_at, *(columns[k] for k in PRICE_COLUMNS), columns.get("volume")]
    ts: list[int] = []
    values: dict[str, list[float]] = {k: [] for k in (*PRICE_COLUMNS, "volume")}
    needed = max(at[:5])  # a row without its prices is dropped; one without its (last) volume has none
    for row in rows:
        stamp = _stamp(row[time_at], zone) if len(row) > needed else None
        if stamp is None:
            continue
        ts.append(stamp)
        for key, i in zip((*PRICE_COLUMNS, "volume"), at[1:], strict=True):
            values[key].append(_number(row[i]) if i is not None and i < len(row) else 0.0)
    if not ts:
        raise RecordingError(f"{name}: no row has a readable timestamp.")
    return np.array(ts, dtype=np.int64), values, len(rows) - len(ts)


def _stamp(text: str, zone: tzinfo) -> int | None:
    try:
        moment = datetime.fromisoformat(text.strip())
        if not 1900 <= moment.year <= 2200:  # no market then: and year 1 or 9999 overflow in New York time
            return None
        return int((moment.replace(tzinfo=zone) if moment.tzinfo is None else moment).timestamp())
    except (ValueError, OverflowError, OSError):  # not a time, or outside what a timestamp holds
        return None


def _number(text: str) -> float:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return float("nan")


def labels_bar_ends(stamps: np.ndarray, size: int) -> bool:
    """Whether the stamps label bar ends: more sessions begin one bar after 09:30 / 04:00 ET
    than at those opens (a bar stamped 09:31 holds 09:30–09:31)."""
    if not len(stamps):
        return False
    day, minute = et_day_and_minute(np.sort(stamps))
    firsts = minute[np.r_[True, day[1:] != day[:-1]]]
    bar = size // 60
    at_open = np.isin(firsts, OPENS).sum()
    after_open = np.isin(firsts, [m + bar for m in OPENS]).sum()
    return bool(after_open > at_open)


def _bar_seconds(sorted_ts: np.ndarray) -> int:
    gaps = np.diff(sorted_ts)
    gaps = gaps[gaps > 0]
    if not len(gaps):
        return 60
    values, counts = np.unique(gaps, return_counts=True)
    common = int(values[np.argmax(counts)])
    if common not in _SIZES:
        raise RecordingError(f"Unsupported bar size: {common} seconds (1, 5, 15 or 60 minutes).")
    return common
