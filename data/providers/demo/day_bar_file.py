"""The demo market's daily bars of whole sessions, kept in the data folder between runs.

Each daily bar is its session's minutes aggregated (so a daily chart agrees with the intraday
one), and building three years of them for the macro panel's event impact is ~0.2 s of CPU at
every start. They are a fixed function of the model, the seed and numpy's random streams, so
they are kept under that key (``model_key``); bars of another key are dropped when the file
is opened. A damaged or unwritable file is set aside or skipped: the bars are built as before.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FILENAME = "demo-daily-bars.sqlite3"
DayBar = tuple[float, ...]  # (open, high, low, close, volume)


def model_key(model_version: int, seed: int) -> str:
    return f"model {model_version} seed {seed} numpy {np.__version__}"


class DayBarFile:
    def __init__(self, path: Path, key: str) -> None:
        self.path, self.key = path, key
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        try:
            self._conn = self._open()
        except sqlite3.DatabaseError as exc:  # not a database (damaged): set aside, start anew
            log.warning("demo daily bars file %s unreadable (%s): starting a new one", path, exc)
            try:
                path.replace(path.with_name(path.name + ".damaged"))
                self._conn = self._open()
            except (OSError, sqlite3.Error) as again:
                log.warning("demo daily bars are not kept between runs: %s", again)
        except (OSError, sqlite3.Error) as exc:
            log.warning("demo daily bars are not kept between runs: %s", exc)

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=5)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("CREATE TABLE IF NOT EXISTS day_bars (key TEXT, symbol TEXT, day INTEGER, o REAL, h REAL,"
                         " l REAL, c REAL, v REAL, PRIMARY KEY (key, symbol, day)) WITHOUT ROWID")
            conn.execute("DELETE FROM day_bars WHERE key != ?", (self.key,))  # another model's numbers
        except BaseException:
            conn.close()
            raise
        return conn

    def read(self, symbol: str, days: Iterable[date]) -> dict[date, DayBar]:
        wanted = {d.toordinal() for d in days}
        if not wanted:
            return {}
        try:
            with self._lock:
                if self._conn is None:
                    return {}
                rows = self._conn.execute(
                    "SELECT day, o, h, l, c, v FROM day_bars WHERE key = ? AND symbol = ? AND day BETWEEN ? AND ?",
                    (self.key, symbol, min(wanted), max(wanted))).fetchall()
        except sqlite3.Error as exc:
            self._give_up(exc)
            return {}
        return {date.fromordinal(day): tuple(bar) for day, *bar in rows if day in wanted}

    def write(self, symbol: str, bars: Mapping[date, DayBar]) -> None:
        """Keep ``bars`` (one transaction: a killed process leaves all of them or none)."""
        if not bars:
            return
        rows = [(self.key, symbol, d.toordinal(), *bar) for d, bar in bars.items()]
        try:
            with self._lock:
                if self._conn is None:
                    return
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    self._conn.executemany("INSERT OR REPLACE INTO day_bars VALUES (?,?,?,?,?,?,?,?)", rows)
                    self._conn.execute("COMMIT")
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            self._give_up(exc)

    def _give_up(self, exc: sqlite3.Error) -> None:
        log.warning("demo daily bars file %s: %s (no longer kept this run)", self.path, exc)
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
