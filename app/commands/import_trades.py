"""``ai-coach import FILE``: a broker's export into the journal, by the app's own importer
(``app.core.journal.imports.JournalService``: preview, then one transaction). ``--dry-run`` stores
nothing; ``--json``: the summary as one JSON object on the last line (README "Command line")."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

HELP = "import a broker export (thinkorswim, Webull, IBKR Flex) into the journal; print a summary"
BROKERS = ("thinkorswim", "webull", "ibkr", "generic")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from app.commands.options import add_data_dir

    parser.add_argument("file", type=Path, metavar="FILE", help="the broker's export (CSV, or Flex XML)")
    parser.add_argument("--broker", choices=BROKERS, default=None,
                        help="the format (default: told from the file; generic: the columns as the app's "
                             "mapping dialog saved them for this header, else guessed)")
    add_data_dir(parser)
    parser.add_argument("--dry-run", action="store_true", help="read and report, store nothing")
    parser.add_argument("--json", action="store_true", help="the summary as one JSON object on the last line")


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from data.files.brokers.base import BrokerFileError
    from data.store.database import StoreError

    out = out or sys.stdout
    try:
        summary = asyncio.run(_import(args))
    except (BrokerFileError, StoreError, OSError) as exc:
        print(f"ai-coach import: {exc}", file=sys.stderr)
        return 1
    for line in text_lines(summary):
        print(line, file=out if not args.json else sys.stderr)
    if args.json:
        print(json.dumps(summary_object(summary)), file=out)
    return 0


async def _import(args: argparse.Namespace):
    from app.cli import default_data_dir
    from app.core.journal.imports import JournalService
    from data.store.database import Store

    store = await asyncio.to_thread(Store.open, (args.data_dir or default_data_dir()).expanduser().resolve())
    try:
        # no provider here, so no market clock: an import stamps nothing, the machine's UTC is enough
        journal = JournalService(store, now=lambda: datetime.now(UTC))
        options = await _saved_mapping(store, args.file) if args.broker == "generic" else {}
        preview = await journal.preview(args.file, args.broker, **options)
        return await (journal.dry_run(preview) if args.dry_run else journal.commit(preview))
    finally:
        await asyncio.to_thread(store.close)


async def _saved_mapping(store, path: Path) -> dict:
    """``mapping=`` the app saved for this file's columns (its mapping dialog), else nothing (the guess)."""
    from data.files.brokers import generic_csv
    from data.store import preferences

    saved = (await store.run(preferences.load_all))["generic_csv_mappings"]
    mapping = generic_csv.remembered(saved, (await generic_csv.load_sample(path)).header)
    if mapping is None:
        return {}
    print("ai-coach import: using the column mapping saved for these columns", file=sys.stderr)
    return {"mapping": mapping}


def text_lines(summary) -> list[str]:
    verb = "would store" if summary.dry_run else "stored"
    lines = [f"{summary.file} ({summary.broker}): {verb} {summary.executions} executions, "
             f"{summary.duplicates_skipped} already imported",
             f"journal: {summary.trades} trades, {summary.closed_trades} closed, realized P&L "
             f"${summary.realized_pnl:,.2f} after fees"]
    lines += [f"  line {e.line}: {e.message}" for e in summary.errors[:50]]
    if len(summary.errors) > 50:
        lines.append(f"  … and {len(summary.errors) - 50} more rows with errors")
    return lines


def summary_object(summary) -> dict:
    """The stable ``--json`` object (README "Command line")."""
    return {"file": summary.file, "broker": summary.broker, "dry_run": summary.dry_run,
            "executions": summary.executions, "duplicates_skipped": summary.duplicates_skipped,
            "trades": summary.trades, "closed_trades": summary.closed_trades, "realized_pnl": summary.realized_pnl,
            "errors": [{"line": e.line, "message": e.message} for e in summary.errors]}
