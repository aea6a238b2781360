""""Save chart to trade" in the running app: two SPY trades in the journal, the chart's right-click
"Save chart to trade…" opens the dialog with the trade open at the chart's time preselected, Save
stores the screenshot (a PNG, once) and the Journal's editor shows its thumbnail; the larger view's
Remove detaches it and the strip empties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import shiboken6

from app.core.journal.attachments import TradeAttachmentsService
from app.ui.controllers.journal import JournalController
from app.ui.controllers.journal_attachments import JournalAttachments
from data.store import executions
from data.store.attachments import PNG_SIGNATURE
from data.store.records import Execution
from tests.gui_helpers import run_app, settings, until
from widgets.journal.attach_dialog import AttachChartDialog


def _fills(last: datetime) -> list[Execution]:
    """An SPY trade around the chart's last bar, an older one (a day before) and a newer one (a day
    after: the newest is not the one preselected)."""
    def pair(tag: str, opened: datetime, minutes: int, price: float) -> list[Execution]:
        return [Execution("test", "", f"{tag}1", opened, "SPY", "buy", 10, price),
                Execution("test", "", f"{tag}2", opened + timedelta(minutes=minutes), "SPY", "sell", 10, price + 1)]

    return (pair("now", last - timedelta(minutes=30), 60, 600.0) + pair("old", last - timedelta(days=1), 20, 590.0)
            + pair("new", last + timedelta(days=1), 20, 610.0))


def _dialog(chart) -> AttachChartDialog | None:
    dialogs = [d for d in chart.findChildren(AttachChartDialog) if shiboken6.isValid(d) and d.isVisible()]
    return dialogs[0] if dialogs else None


def test_save_chart_to_trade_then_see_and_remove_it_in_the_journal(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        c.window.resize(1366, 768)
        chart, journal = c.window.panels["chart"], c.window.panels["journal"]
        await until(lambda: chart.symbol == "SPY" and chart.bar_count > 0, 20)
        last = datetime.fromtimestamp(int(chart.live.ts[-1]), UTC)
        await c.engine.context.store.run(lambda s: executions.add(s, _fills(last), "test"))
        journal.findChild(JournalController).reload()
        await until(lambda: journal.model.rowCount() == 3, 20)
        current = next(t for t in journal.all_trades if t.executions[0] == "now1")
        journal.select_trade(current.id)
        assert journal.editor.trade_id == current.id and journal.editor.attachments.thumbnails_shown() == 0

        menu = chart.context_menu(chart.last_bar()[4])
        next(a for a in menu.actions() if a.text() == "Save chart to trade…").trigger()
        await until(lambda: _dialog(chart) is not None, 20)
        dialog = _dialog(chart)
        assert dialog.list.count() == 3 and dialog.chosen().id == current.id  # open at the chart's right edge
        dialog.caption.setText("entry")
        dialog.save.click()
        await until(lambda: "Saved the chart to the SPY long trade" in chart.status.text(), 20)
        assert not shiboken6.isValid(dialog) or not dialog.isVisible()
        service = c.engine.service(TradeAttachmentsService)
        (stored,) = await service.attachments(current.id)
        assert stored.caption == "entry" and (await service.image(stored.sha256)).startswith(PNG_SIGNATURE)

        strip = journal.editor.attachments
        await until(lambda: strip.thumbnails_shown() == 1, 20)
        assert strip.title.text() == "Screenshots (1)"
        controller = journal.findChild(JournalAttachments)
        strip.buttons[stored.id].click()
        await until(lambda: controller.viewer is not None and controller.viewer.isVisible(), 20)
        viewer = controller.viewer
        assert not viewer.picture.pixmap().isNull()
        viewer.remove_requested.emit(stored)  # (what Remove… sends once the trader says Yes)
        await until(lambda: not strip.buttons and not strip.hint.isHidden(), 20)
        assert await service.counts() == {}

    assert run_app(settings(tmp_path), scenario) == 0
