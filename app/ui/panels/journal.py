"""Wire the Journal panel: the trades, editor, drafts, import and export (``controllers.journal``),
``ShowTrades`` (a dashboard click-through) narrowing the list to those trades, and a trade's shared
symbol actions."""

from __future__ import annotations

from app.ui import symbol_actions
from app.ui.controllers.journal import JournalController
from app.ui.controllers.journal_attachments import JournalAttachments
from app.ui.intents import ShowTrades
from app.ui.panel_host import PanelHost
from app.ui.panels.setups_common import market_now
from widgets.journal.panel import JournalPanel


def build(host: PanelHost) -> JournalPanel:
    panel = JournalPanel(now=lambda: market_now(host))
    controller = JournalController(host, panel)
    JournalAttachments(host, panel)  # the editor's chart screenshots (a Qt child of the panel)
    symbol_actions.connect(host, panel.symbol_actions, "journal", panel.show_message)
    host.intents.handle(ShowTrades, lambda i: panel.show_trades(i.trade_ids, i.title), panel="journal")
    host.when_engine_ready(controller.reload)
    return panel
