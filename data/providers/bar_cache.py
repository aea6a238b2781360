"""Persistent cache of finished historical bars (its own SQLite file, WAL), so a chart does not
fetch the same history again. Only bars of sessions that are over are cached; today's bars are
always fetched fresh. Per (symbol, timeframe) the cache records the span it holds completely,
so a request only fetches what lies outside that span."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import numpy as np

from data.models import Bars, Timeframe

FILENAME = "bar-cache.sqlite3"


class BarCache:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / FILENAME
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript("""
            CREATE TABLE IF NOT EXISTS bars (symbol TEXT, timeframe TEXT, ts INTEGER, o REAL, h REAL, l REAL,
                                             c REAL, v REAL, PRIMARY KEY (symbol, timeframe, ts)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS coverage (symbol TEXT, timeframe TEXT, start INTEGER, until INTEGER,
                                                 PRIMARY KEY (symbol, timeframe));
        """)

    def coverage(self, symbol: str, timeframe: Timeframe) -> tuple[int, int] | None:
        """(start, until): every bar with start <= ts < until is in the cache."""
        with self._lock:
            row = self._conn.execute("SELECT start, until FROM coverage WHERE symbol=? AND timeframe=?",
                                     (symbol, timeframe.value)).fetchone()
        return (int(row[0]), int(row[1])) if row else None

    def read(self, symbol: str, timeframe: Timeframe, start: int, until: int) -> Bars:
        with self._lock:
            rows = self._conn.execute(
                "SELECT ts, o, h, l, c, v FROM bars WHERE symbol=? AND timeframe=? AND ts>=? AND ts<? ORDER BY ts",
                (symbol, timeframe.value, start, until)).fetchall()
        if not rows:
            return Bars.empty(symbol, timeframe)
        a = np.array(rows, dtype=np.float64)
        return Bars(symbol, timeframe, a[:, 0].astype(np.int64), a[:, 1], a[:, 2], a[:, 3], a[:, 4], a[:, 5])

    def store(self, bars: Bars, start: int, until: int) -> None:
        """Keep ``bars`` with start <= ts < until and extend the complete span to cover it (one
        transaction: a killed process leaves the old span and bars, never half of the new)."""
        keep = (bars.ts >= start) & (bars.ts < until)
        rows = [(bars.symbol, bars.timeframe.value, int(t), float(o), float(h), float(l), float(c), float(v))
                for t, o, h, l, c, v in zip(bars.ts[keep], bars.open[keep], bars.high[keep], bars.low[keep],
                                            bars.close[keep], bars.volume[keep], strict=True)]
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany("INSERT OR REPLACE INTO bars VALUES (?,?,?,?,?,?,?,?)", rows)
                row = conn.execute("SELECT start, until FROM coverage WHERE symbol=? AND timeframe=?",
                                   (bars.symbol, bars.timeframe.value)).fetchone()
                if row and row[0] <= until and start <= row[1]:  # overlapping or adjacent: merge
                    start, until = min(start, row[0]), max(until, row[1])
                elif row and row[1] - row[0] > until - start:
                    start, until = row  # keep the larger disjoint span
                conn.execute("INSERT OR REPLACE INTO coverage VALUES (?,?,?,?)",
                             (bars.symbol, bars.timeframe.value, start, until))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._lock:
            self._conn.close()
