"""The Journal panel's Import…: the file read and compared off the GUI thread (the panel shows how
far the reading is), a preview dialog, then one commit with the dialog busy. A CSV no broker
format recognises (or one opened as "Generic CSV…") first gets the column-mapping dialog,
prefilled with the mapping saved for its columns (preference ``generic_csv_mappings``) or the
guess; the confirmed mapping is saved for the next file with the same columns. A failure's
message goes to the panel (or to the import dialog)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject

from app.core.journal.imports import ImportPreview, ImportSummary, JournalService
from app.core.workspace import Workspace
from app.ui.panel_host import PanelHost
from data.files.brokers import generic_csv
from data.files.brokers.base import BrokerFileError, UnknownFormatError
from data.files.brokers.generic_csv import ColumnMapping, CsvSample
from widgets.journal.cells import money
from widgets.journal.import_dialog import ImportPreviewDialog
from widgets.journal.mapping_dialog import MappingDialog
from widgets.journal.panel import JournalPanel

MAPPINGS = "generic_csv_mappings"


def summary_text(s: ImportSummary) -> str:
    errors = f", {len(s.errors):,} rows left out (see the preview)" if s.errors else ""
    return (f"Imported {s.executions:,} executions from {s.file} ({s.duplicates_skipped:,} already there{errors}). "
            f"The journal has {s.trades:,} trades, {s.closed_trades:,} closed, {money(s.realized_pnl)} realized.")


class ThreadProgress:
    """A ``progress(done, total)`` for the reading thread: the counts go to ``show`` on the event
    loop's thread (the GUI's), at most every ``interval`` seconds and always the last one; none
    after ``stop`` (the reading is over, the panel shows what came next)."""

    def __init__(self, show: Callable[[int, int], None], interval: float = 0.1) -> None:
        self._loop = asyncio.get_running_loop()
        self._show, self._interval = show, interval
        self._last, self._stopped = float("-inf"), False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < self._interval:
            return
        self._last = now
        self._loop.call_soon_threadsafe(self._on_loop, done, total)

    def _on_loop(self, done: int, total: int) -> None:
        if not self._stopped:
            self._show(done, total)

    def stop(self) -> None:
        self._stopped = True


class JournalImportFlow(QObject):
    def __init__(self, host: PanelHost, panel: JournalPanel) -> None:
        super().__init__(panel)
        self.host, self.panel = host, panel
        self.dialog: ImportPreviewDialog | None = None
        self.mapping_dialog: MappingDialog | None = None
        self.preview: ImportPreview | None = None
        self.last_summary: ImportSummary | None = None
        panel.import_file_chosen.connect(self.import_file)
        panel.generic_file_chosen.connect(self.choose_columns)

    @property
    def service(self) -> JournalService:
        return self.host.engine.service(JournalService)

    @property
    def workspace(self) -> Workspace:
        return self.host.engine.service(Workspace)

    def _failed(self, path: str) -> Callable[[str], None]:
        return lambda message: self.panel.show_error(f"Could not import {Path(path).name}: {message}")

    def import_file(self, path: str, broker: str | None = None, mapping: ColumnMapping | None = None) -> None:
        name = Path(path).name
        self.panel.show_progress(f"Reading {name}…")
        options = {"mapping": mapping} if mapping is not None else {}

        async def run() -> None:
            progress = ThreadProgress(lambda done, total: self._reading(name, done, total))
            try:
                preview = await self.service.preview(path, broker, progress=progress, **options)
            except UnknownFormatError as unknown:
                await self._columns_instead(path, unknown)
                return
            finally:
                progress.stop()
            self.panel.show_message("")
            self.show_preview(preview)

        self.host.run(run(), self._failed(path))

    def _reading(self, name: str, done: int, total: int) -> None:
        self.panel.show_progress(f"Reading {name}… {done:,} of {total:,} rows", done, total)

    async def _columns_instead(self, path: str, unknown: UnknownFormatError) -> None:
        """No broker format: a CSV with a header row gets the mapping dialog, anything else the error."""
        try:
            sample = await generic_csv.load_sample(path)
        except BrokerFileError:
            raise unknown from None
        self.panel.show_message("")
        self.show_columns(path, sample)

    def choose_columns(self, path: str) -> None:
        """"Generic CSV…": the mapping dialog first, whatever the file looks like."""
        self.panel.show_progress(f"Reading the columns of {Path(path).name}…")

        async def run() -> None:
            sample = await generic_csv.load_sample(path)
            self.panel.show_message("")
            self.show_columns(path, sample)

        self.host.run(run(), self._failed(path))

    def show_columns(self, path: str, sample: CsvSample) -> None:
        saved = generic_csv.remembered(self.workspace.preferences.get(MAPPINGS) or {}, sample.header)
        mapping = saved or generic_csv.guess_mapping(sample.header)
        self.mapping_dialog = MappingDialog(sample, mapping, saved is not None, self.panel)
        self.mapping_dialog.mapping_chosen.connect(lambda chosen: self._mapped(path, sample.header, chosen))
        self.mapping_dialog.finished.connect(self._mapping_closed)
        self.mapping_dialog.open()

    def _mapped(self, path: str, header: list[str], mapping: ColumnMapping) -> None:
        """Keep the mapping for these columns, then read the file with it."""
        saved = generic_csv.remember(self.workspace.preferences.get(MAPPINGS) or {}, header, mapping)
        self.host.run(self.workspace.set_preference(MAPPINGS, saved),
                      lambda message: self.panel.show_error(f"Could not save the column mapping: {message}"))
        self.import_file(path, generic_csv.name, mapping)

    def _mapping_closed(self) -> None:
        if self.mapping_dialog is not None:
            self.mapping_dialog.deleteLater()
        self.mapping_dialog = None

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
