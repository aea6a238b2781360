"""Small synthetic recordings for replay tests: full regular sessions of 1-minute bars in naive
New York time (the replay provider's default zone), named ``SYMBOL_1min.csv`` so the file name
gives the symbol."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

SESSION_MINUTES = 390
DAYS = (date(2026, 11, 23), date(2026, 11, 24))  # a Monday and a Tuesday: two regular sessions


def write_recording(folder: Path, symbol: str, base: float = 200.0, days: tuple[date, ...] = DAYS) -> Path:
    """``days`` of 09:30–16:00 ET minute bars of ``symbol`` (the first day is the replay's history)."""
    rows = ["datetime,open,high,low,close,volume"]
    for n, day in enumerate(days):
        open_at = datetime(day.year, day.month, day.day, 9, 30)
        for i in range(SESSION_MINUTES):
            price = base + n + i * 0.01
            stamp = (open_at + timedelta(minutes=i)).strftime("%Y-%m-%d %H:%M:%S")
            rows.append(f"{stamp},{price:.2f},{price + 0.5:.2f},{price - 0.5:.2f},{price:.2f},1000")
    path = folder / f"{symbol}_1min.csv"
    path.write_text("\n".join(rows) + "\n")
    return path
