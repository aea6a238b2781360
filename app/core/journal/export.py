"""Journal trades to CSV: one row a trade, times in US/Eastern with their offset, money in dollars."""

from __future__ import annotations

import csv
from pathlib import Path

from analytics.journal_trades import Trade
from data.market_calendar import ET

COLUMNS = ("id", "symbol", "instrument", "legs", "direction", "opened_at", "closed_at", "quantity", "entry_price",
           "exit_price", "gross_pnl", "fees", "net_pnl", "r_multiple", "setup", "tags", "mistakes", "rating", "notes")


def write_trades_csv(path: Path, trades: list[Trade]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for t in trades:
            r = "" if t.r_multiple is None else round(t.r_multiple, 3)
            writer.writerow([t.id, t.symbol, t.instrument, " ".join(t.legs), t.direction, _time(t.opened_at),
                             _time(t.closed_at), t.quantity, t.entry_price, t.exit_price, round(t.gross_pnl, 2),
                             round(t.fees, 2), round(t.net_pnl, 2), r, t.setup or "", " ".join(t.tags),
                             " ".join(t.mistakes), t.rating or "", t.notes])
    tmp.replace(path)  # a failed export leaves no half file


def _time(at) -> str:
    return at.astimezone(ET).isoformat() if at is not None else ""
