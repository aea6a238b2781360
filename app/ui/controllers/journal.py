"""The Journal panel's work through ``JournalService``: the trades and drafts (again after each
``journal_changed``), Import… (``controllers.journal_import``), the editor's notes, the drafts'
confirm/dismiss and Export CSV…. A failure's message goes to the panel."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject

from analytics.journal_trades import Trade
from app.core.journal.imports import JournalService
from app.ui.controllers.journal_import import JournalImportFlow
from app.ui.panel_host import PanelHost
from widgets.journal.cells import et_time
from widgets.journal.panel import JournalPanel


class JournalController(QObject):
    def __init__(self, host: PanelHost, panel: JournalPanel) -> None:
        super().__init__(panel)
        self.host, self.panel = host, panel
        self.imports = JournalImportFlow(host, panel)
        self._loads = 0
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
