"""Importing a broker's export: read it (off the event loop), preview what is new, store it all at once.

A preview stores nothing: the file's executions, its per-row errors in plain words, how many are
new and how many were imported before (an execution is known by its broker and the broker's own
id, or the row's content hash where the export has none — so the same file twice, or a statement
after its own trade-history section, adds nothing). ``commit`` stores the new ones in one
transaction: a killed import leaves the journal as it was or with the whole file, never half of it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from analytics.journal_trades import Trade, group_trades
from data.files.brokers.base import ParseResult, RowError
from data.files.brokers.registry import parse_file
from data.store import executions as repo
from data.store.database import Store
from data.store.records import Execution


@dataclass(frozen=True)
class ImportPreview:
    path: Path
    result: ParseResult
    new: tuple[Execution, ...]
    duplicates: int

    @property
    def errors(self) -> list[RowError]:
        return self.result.errors


@dataclass(frozen=True)
class ImportSummary:
    file: str
    broker: str
    executions: int  # newly stored
    duplicates_skipped: int
    trades: int  # every trade of the journal after the import
    closed_trades: int
    realized_pnl: float  # dollars, closed trades, after fees
    errors: tuple[RowError, ...]
    dry_run: bool = False


class JournalService:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def preview(self, path: Path | str, broker: str | None = None, **options: object) -> ImportPreview:
        """Read ``path`` (``BrokerFileError`` for a file in no known format) and compare with the store."""
        path = Path(path)
        result = await asyncio.to_thread(parse_file, path, broker, **options)
        ids = [e.exec_id for e in result.executions]
        known = await self._store.run(lambda s: repo.known_ids(s, result.broker, ids))
        new = tuple(e for e in result.executions if e.exec_id not in known)
        return ImportPreview(path, result, new, len(result.executions) - len(new))

    async def commit(self, preview: ImportPreview) -> ImportSummary:
        added = await self._store.run(lambda s: repo.add(s, list(preview.new), preview.path.name))
        return await self._summary(preview, added, preview.duplicates + len(preview.new) - added)

    async def dry_run(self, preview: ImportPreview) -> ImportSummary:
        """What ``commit`` would report, storing nothing: the trades with the new executions added."""
        stored = await self._store.run(repo.all_executions)
        trades = await asyncio.to_thread(group_trades, stored + list(preview.new))
        return _summary(preview, len(preview.new), preview.duplicates, trades, dry_run=True)

    async def trades(self) -> list[Trade]:
        stored = await self._store.run(repo.all_executions)
        return await asyncio.to_thread(group_trades, stored)

    async def _summary(self, preview: ImportPreview, added: int, duplicates: int) -> ImportSummary:
        return _summary(preview, added, duplicates, await self.trades())


def _summary(preview: ImportPreview, added: int, duplicates: int, trades: list[Trade],
             dry_run: bool = False) -> ImportSummary:
    closed = [t for t in trades if t.closed_at is not None]
    return ImportSummary(preview.path.name, preview.result.broker, added, duplicates, len(trades), len(closed),
                         round(sum(t.net_pnl for t in closed), 2), tuple(preview.errors), dry_run)
