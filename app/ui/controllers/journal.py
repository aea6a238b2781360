"""The Journal panel's work through ``JournalService``: the trades and drafts (again after each
``journal_changed``), Import… (the file read and compared off the GUI thread, a preview dialog,
then one commit with the dialog busy), the editor's notes, the drafts' confirm/dismiss and Export
CSV…. A failure's message goes to the panel (or to the import dialog)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject

from analytics.journal_trades import Trade
from app.core.journal.imports import ImportPreview, ImportSummary, JournalService
from app.ui.panel_host import PanelHost
from widgets.journal.cells import et_time, money
from widgets.journal.import_dialog import ImportPreviewDialog
from widgets.journal.panel import JournalPanel


def summary_text(s: ImportSummary) -> str:
    errors = f", {len(s.errors):,} rows left out (see the preview)" if s.errors else ""
    return (f"Imported {s.executions:,} executions from {s.file} ({s.duplicates_skipped:,} already there{errors}). "
            f"The journal has {s.trades:,} trades, {s.closed_trades:,} closed, {money(s.realized_pnl)} realized.")


class JournalController(QObject):
    def __init__(self, host: PanelHost, panel: JournalPanel) -> None:
        super().__init__(panel)
        self.host, self.panel = host, panel
        self.dialog: ImportPreviewDialog | None = None
        self.preview: ImportPreview | None = None
        self.last_summary: ImportSummary | None = None
        self._loads = 0
        panel.import_file_chosen.connect(self.import_file)
        panel.export_file_chosen.connect(self.export)
        panel.annotate_requested.connect(self.annotate)
        panel.drafts.confirm_requested.connect(lambda draft_id: self._draft("confirm", draft_id))
        panel.drafts.dismiss_requested.connect(lambda draft_id: self._draft("dismiss", draft_id))
        host.bridge.journal_changed.connect(self.reload)

    @property
    def service(self) -> JournalService:
        return self.host.engine.service(JournalService)

    def reload(self) -> None:
        """The trades and pending drafts, the newest load winning."""
        self._loads += 1
        load = self._loads

        async def run() -> None:
            trades, drafts = await self.service.trades(), await self.service.drafts()
            if load == self._loads:
                self.panel.set_trades(trades)
                self.panel.set_drafts(drafts)

        self.host.run(run(), self.panel.show_error)

    def import_file(self, path: str) -> None:
        self.panel.show_message(f"Reading {Path(path).name}…")

        async def run() -> None:
            preview = await self.service.preview(path)
            self.panel.show_message("")
            self.show_preview(preview)

        self.host.run(run(), lambda message: self.panel.show_error(f"Could not import {Path(path).name}: {message}"))

    def show_preview(self, preview: ImportPreview) -> None:
        result = preview.result
        self.preview = preview
        self.dialog = ImportPreviewDialog(preview.path.name, result.broker, len(result.executions), len(preview.new),
                                          preview.duplicates, [(e.line, e.message) for e in preview.errors],
                                          self.panel)
        self.dialog.import_requested.connect(self.commit)
        self.dialog.finished.connect(self._dialog_closed)
        self.dialog.open()

    def commit(self) -> None:
        dialog, preview = self.dialog, self.preview
        if dialog is None or preview is None:
            return

        async def run() -> None:
            self.last_summary = await self.service.commit(preview)
            self.panel.show_message(summary_text(self.last_summary))
            dialog.accept()

        self.host.run(run(), dialog.show_failure)

    def _dialog_closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = self.preview = None

    def annotate(self, trade_id: str, values: dict) -> None:
        trade = self.panel.model.trade_at(self.panel.model.row_of(trade_id))
        what = f"{trade.symbol} {trade.direction} opened {et_time(trade.opened_at)} ET" if trade else trade_id

        async def run() -> None:
            await self.service.annotate(trade_id, **values)
            self.panel.show_message(f"Saved the notes of {what}.")

        self.host.run(run(), self.panel.show_error)

    def _draft(self, action: str, draft_id: int) -> None:
        self.host.run(getattr(self.service, action)(draft_id), self.panel.show_error)

    def export(self, path: str, trades: Sequence[Trade]) -> None:
        async def run() -> None:
            count = await self.service.export_csv(path, list(trades))
            self.panel.show_message(f"Wrote {count:,} trades to {path}.")

        self.host.run(run(), self.panel.show_error)
