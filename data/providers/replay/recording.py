"""Read a recorded bar file (CSV, or Parquet when pandas has an engine) into ``Bars``.

Columns are matched case-insensitively: datetime (or date/time/timestamp), open, high, low,
close, optional volume (indices have none: 0). Naive timestamps are read in ``tz`` (default
US/Eastern); aware ones are converted. ``label="end"`` shifts bar-end stamps (e.g. the 09:31
bar that holds 09:30–09:31) to bar starts. The bar size is inferred from the most common gap.
Rows come back sorted, de-duplicated and checked (drops counted in the report).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from data.bar_cleaning import CleanReport, clean_bars
from data.models import Bars, Timeframe
from data.symbols import SymbolError, normalize_symbol

TIME_COLUMNS = ("datetime", "timestamp", "date", "time")
SYMBOL_ALIASES = {"GSPC": "SPX", "^GSPC": "SPX", "NDX100": "NDX"}
_SIZES = {60: Timeframe.M1, 300: Timeframe.M5, 900: Timeframe.M15, 3600: Timeframe.H1}


class RecordingError(ValueError):
    """A recording that cannot be replayed; the message says why."""


@dataclass(frozen=True, slots=True)
class Recording:
    bars: Bars
    report: CleanReport
    path: Path


def symbol_from_filename(path: Path) -> str:
    stem = path.stem.split("_")[0].upper()
    stem = SYMBOL_ALIASES.get(stem, stem)
    try:
        return normalize_symbol(stem)
    except SymbolError as exc:
        raise RecordingError(f"Cannot tell the symbol from '{path.name}' ({exc}); pass it explicitly.") from None


def load_recording(path: Path, *, symbol: str | None = None, tz: str = "America/New_York",
                   label: str = "start") -> Recording:
    path = Path(path)
    if label not in ("start", "end"):
        raise RecordingError(f"Bar label must be 'start' or 'end', not '{label}'.")
    if not path.exists():
        raise RecordingError(f"Recording not found: {path}")
    rows = _read_rows(path)
    if not rows:
        raise RecordingError(f"{path.name} has no data rows.")
    columns = {k.strip().lower(): k for k in rows[0]}
    time_key = next((columns[c] for c in TIME_COLUMNS if c in columns), None)
    missing = [c for c in ("open", "high", "low", "close") if c not in columns]
    if time_key is None or missing:
        need = ", ".join(missing + ([] if time_key else ["datetime"]))
        raise RecordingError(f"{path.name} lacks the column(s): {need}.")
    zone = ZoneInfo(tz)
    ts, bad = [], 0
    values: dict[str, list[float]] = {k: [] for k in ("open", "high", "low", "close", "volume")}
    for row in rows:
        try:
            moment = datetime.fromisoformat(str(row[time_key]).strip())
        except ValueError:
            bad += 1
            continue
        moment = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
        ts.append(int(moment.timestamp()))
        for k in ("open", "high", "low", "close"):
            values[k].append(_number(row[columns[k]]))
        values["volume"].append(_number(row[columns["volume"]]) if "volume" in columns else 0.0)
    if not ts:
        raise RecordingError(f"{path.name}: no row has a readable timestamp.")
    stamps = np.array(ts, dtype=np.int64)
    size = _bar_seconds(np.sort(stamps))
    if label == "end":
        stamps = stamps - size
    sym = normalize_symbol(symbol) if symbol else symbol_from_filename(path)
    raw = Bars(sym, _SIZES[size], stamps, values["open"], values["high"], values["low"], values["close"],
               np.nan_to_num(np.array(values["volume"]), nan=0.0))
    bars, report = clean_bars(raw)
    report = CleanReport(report.received + bad, report.unsorted, report.duplicates, report.invalid + bad)
    if not len(bars):
        raise RecordingError(f"{path.name}: no valid bars after checking.")
    return Recording(bars, report, path)


def _read_rows(path: Path) -> list[dict]:
    if path.suffix.lower() in (".parquet", ".pq"):
        import fastparquet  # directly: pandas 3 deprecates its fastparquet engine

        try:
            frame = fastparquet.ParquetFile(str(path)).to_pandas()
        except Exception as exc:  # fastparquet raises many types for a damaged or foreign file
            raise RecordingError(f"Cannot read {path.name} as Parquet: {type(exc).__name__}: {exc}") from None
        frame = frame.reset_index() if frame.index.name else frame
        return frame.astype(str).to_dict("records")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RecordingError(f"Cannot read {path.name}: {exc}") from None


def _number(text: object) -> float:
    try:
        return float(str(text).replace(",", ""))
    except ValueError:
        return float("nan")


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
