"""Importing 10,000 executions into the journal against the issue-16 budget (< 2 s, off the GUI thread).

    uv run python tests/bench/bench_journal_import.py [--executions 10000]

The file is generated from the real format: the 83 NVDA fills of the real thinkorswim trade-history
section (../shared/data/broker_exports/thinkorswim) repeated on earlier days (each copy a day
before the last, prices nudged so no two rows are alike), written as one trade-history CSV. Timed:
the app's importer path (``JournalService.preview``: read, parse and compare with the store, then
``commit``: one transaction, then grouping every trade for the summary), into a fresh store.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.core.journal.imports import JournalService
from data.store.database import Store

SOURCE = (Path(__file__).resolve().parents[3] / "shared" / "data" / "broker_exports" / "thinkorswim"
          / "2022-06-21_account_trade_history_section.csv")
BUDGET_S = 2.0


def generate(path: Path, count: int) -> None:
    header, *rows = SOURCE.read_text(encoding="utf-8-sig").splitlines()
    out, day = [header], 0
    while len(out) - 1 < count:
        for row in rows:
            cells = row.split(",")
            at = datetime.strptime(cells[1], "%m/%d/%y %H:%M:%S") - timedelta(days=day)
            cells[1] = at.strftime("%-m/%-d/%y %H:%M:%S")
            nudge = day * 0.01
            cells[10] = f"{float(cells[10]) + nudge:.2f}"
            cells[11] = f"{float(cells[11]) + nudge:.2f}"
            out.append(",".join(cells))
            if len(out) - 1 == count:
                break
        day += 1
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


async def run(path: Path, folder: Path) -> tuple[float, float, object]:
    store = await asyncio.to_thread(Store.open, folder)
    try:
        journal = JournalService(store, now=lambda: datetime(2026, 12, 1, 21, tzinfo=UTC))
        started = time.perf_counter()
        preview = await journal.preview(path)
        read = time.perf_counter() - started
        summary = await journal.commit(preview)
        return read, time.perf_counter() - started, summary
    finally:
        await asyncio.to_thread(store.close)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--executions", type=int, default=10_000)
    args = parser.parse_args()
    if not SOURCE.exists():
        print(f"needs {SOURCE} (../shared absent)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trade_history.csv"
        generate(path, args.executions)
        read, total, summary = asyncio.run(run(path, Path(tmp) / "data"))
    print(f"{summary.executions:,} executions stored ({summary.trades:,} trades, {summary.closed_trades:,} closed, "
          f"realized ${summary.realized_pnl:,.2f}, {len(summary.errors)} row errors)")
    print(f"  read + parse + compare: {read:.2f} s; with the commit and the trades: {total:.2f} s — budget "
          f"{BUDGET_S:.0f} s: {'within' if total < BUDGET_S else 'OVER'}")
    return 0 if total < BUDGET_S else 2


if __name__ == "__main__":
    sys.exit(main())
