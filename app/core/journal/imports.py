"""Importing a broker's export: read it (off the event loop), preview what is new, store it all at once.

A preview stores nothing: the file's executions, its per-row errors in plain words, how many are
new and how many were imported before (an execution is known by its broker and the broker's own
id, or the row's content hash where the export has none — so the same file twice, or a statement
after its own trade-history section, adds nothing). ``commit`` stores the new ones in one
transaction: a killed import leaves the journal as it was or with the whole file, never half of it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from analytics.journal_trades import Trade, assess_risk, group_trades
from analytics.trade_context import with_context
from app.core.bus import EventBus
from app.core.events import JournalChanged
from app.core.journal.app_fills import executions_from_positions
from app.core.journal.expirations import assumed_expirations
from app.core.journal.export import write_trades_csv
from data.files.brokers.base import ParseResult, Progress, RowError
from data.files.brokers.registry import parse_file
from data.market_calendar import market_date
from data.store import executions as repo
from data.store import journal as journal_repo
from data.store import settlements
from data.store import trade_context as context_repo
from data.store.database import Store
from data.store.records import Execution, JournalDraft, PositionRecord, TradeNote


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
    """The journal's one service (the UI, the CLI and the coach): imports, trades, notes, drafts."""

    def __init__(self, store: Store, bus: EventBus | None = None, *, now: Callable[[], datetime],
                 positions: Callable[[], tuple[PositionRecord, ...]] = tuple,
                 risk_per_trade: Callable[[], float | None] = lambda: None) -> None:
        self._store, self._bus = store, bus
        self._positions = positions  # the app's positions (their fills are trades too)
        self._now = now  # the market clock; stamps the trader's notes and the drafts
        self._risk_per_trade = risk_per_trade

    async def reload_synced(self) -> None:
        """Another device's trades, notes or drafts arrived: the journal's views read again."""
        self._changed()

    def _changed(self) -> None:
        if self._bus is not None:
            self._bus.publish(JournalChanged())

    async def preview(self, path: Path | str, broker: str | None = None, progress: Progress | None = None,
                      **options: object) -> ImportPreview:
        """Read ``path`` (``BrokerFileError`` for a file in no known format) and compare with the store;
        ``progress(done, total)`` is called from the reading thread."""
        path = Path(path)
        result = await asyncio.to_thread(parse_file, path, broker, progress, **options)
        ids = [e.exec_id for e in result.executions]
        known = await self._store.run(lambda s: repo.known_ids(s, result.broker, ids))
        new = tuple(e for e in result.executions if e.exec_id not in known)
        return ImportPreview(path, result, new, len(result.executions) - len(new))

    async def commit(self, preview: ImportPreview) -> ImportSummary:
        added = await self._store.run(lambda s: repo.add(s, list(preview.new), preview.path.name))
        self._changed()
        return await self._summary(preview, added, preview.duplicates + len(preview.new) - added)

    async def dry_run(self, preview: ImportPreview) -> ImportSummary:
        """What ``commit`` would report, storing nothing: the trades with the new executions added."""
        stored = await self._store.run(repo.all_executions)
        trades = await asyncio.to_thread(group_trades, stored + list(preview.new))
        return _summary(preview, len(preview.new), preview.duplicates, trades, dry_run=True)

    async def trades(self) -> list[Trade]:
        """Every trade: the imported executions and the app's own positions, with the trader's notes
        and the market context at entry (``app.core.journal.context``)."""
        stored = await self._store.run(repo.all_executions)
        notes = await self._store.run(journal_repo.notes)
        contexts = await self._store.run(context_repo.contexts)
        prices, today = await self._store.run(settlements.prices), market_date(self._now())
        fills = stored + executions_from_positions(self._positions())
        risk = self._risk_per_trade()
        trades = await asyncio.to_thread(  # contracts held past expiry settle once their price is known
            lambda: _annotated(fills + assumed_expirations(fills, prices, today), notes, risk))
        return with_context(trades, contexts)

    async def annotate(self, trade_id: str, **fields: object) -> TradeNote:
        """Save what the trader says about a trade (setup, tags, mistakes, rating, notes, planned
        stop and target); ``JournalError`` says what is wrong."""
        notes = await self._store.run(journal_repo.notes)
        note = replace(notes.get(trade_id, TradeNote(trade_id)), **fields)  # type: ignore[arg-type]
        saved = await self._store.run(lambda s: journal_repo.save_note(s, note, self._now()))
        self._changed()
        return saved

    async def drafts(self, status: str | None = "pending") -> list[JournalDraft]:
        return await self._store.run(lambda s: journal_repo.drafts(s, status))

    async def confirm(self, draft_id: int) -> JournalDraft:
        return await self._set_draft(draft_id, "confirmed")

    async def dismiss(self, draft_id: int) -> JournalDraft:
        return await self._set_draft(draft_id, "dismissed")

    async def _set_draft(self, draft_id: int, status: str) -> JournalDraft:
        draft = await self._store.run(lambda s: journal_repo.set_draft_status(s, draft_id, status))
        self._changed()
        return draft

    async def add_drafts(self, day: date, drafts: list[tuple[str, str, str, str, str]]) -> int:
        added = await self._store.run(lambda s: journal_repo.add_drafts(s, day, drafts, self._now()))
        if added:
            self._changed()
        return added

    async def export_csv(self, path: Path | str, trades: list[Trade] | None = None) -> int:
        """Write the trades (all, by default) to ``path`` as CSV; how many."""
        chosen = trades if trades is not None else await self.trades()
        await asyncio.to_thread(write_trades_csv, Path(path), chosen)
        return len(chosen)

    async def _summary(self, preview: ImportPreview, added: int, duplicates: int) -> ImportSummary:
        return _summary(preview, added, duplicates, await self.trades())


def _annotated(fills: list[Execution], notes: dict[str, TradeNote], risk_per_trade: float | None) -> list[Trade]:
    trades = group_trades(fills)
    out = []
    for trade in trades:
        note = notes.get(trade.id)
        if note is not None:
            trade = replace(trade, setup=note.setup or None, tags=note.tags, mistakes=note.mistakes,
                            rating=note.rating, notes=note.notes, planned_stop=note.planned_stop,
                            planned_target=note.planned_target)
        out.append(assess_risk(trade, risk_per_trade))
    return out


def _summary(preview: ImportPreview, added: int, duplicates: int, trades: list[Trade],
             dry_run: bool = False) -> ImportSummary:
    closed = [t for t in trades if t.closed_at is not None]
    return ImportSummary(preview.path.name, preview.result.broker, added, duplicates, len(trades), len(closed),
                         round(sum(t.net_pnl for t in closed), 2), tuple(preview.errors), dry_run)
