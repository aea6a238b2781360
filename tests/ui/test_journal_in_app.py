"""The Journal panels in the running app: the real thinkorswim trade-history section imported
through the panel's controller (the preview dialog driven as a trader would), 36 trades in the
list and $99.00 realized on the dashboard, a breakdown row clicked through to the Journal, a note
saved from the editor, the context service's word on each trade's market at entry, and the same
file again adding nothing."""

from __future__ import annotations

import os
from pathlib import Path

from app.core.journal.imports import JournalService
from app.ui.controllers.journal_import import JournalImportFlow
from tests.conftest import shared_path
from tests.gui_helpers import run_app, settings, until

TOS = ("data", "broker_exports", "thinkorswim", "2022-06-21_account_trade_history_section.csv")


def _shot(widget, name: str) -> None:
    """JOURNAL_SHOTS=<dir>: grab the panel to a PNG there (to look at it)."""
    folder = os.environ.get("JOURNAL_SHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / f"{name}.png"))


async def _import(controller: JournalImportFlow, path: Path) -> None:
    controller.import_file(str(path))
    await until(lambda: controller.dialog is not None, 20)
    dialog = controller.dialog
    assert f"{len(controller.preview.new)} new" in dialog.summary.text()
    dialog.import_button.click()
    await until(lambda: controller.dialog is None, 20)


def test_import_a_thinkorswim_history_and_see_it_in_both_panels(qapp, tmp_path: Path) -> None:
    path = shared_path(*TOS)

    async def scenario(c) -> None:
        c.window.resize(1366, 768)
        journal, dashboard = c.window.panels["journal"], c.window.panels["journal_dashboard"]
        controller = journal.findChild(JournalImportFlow)
        await _import(controller, path)
        await until(lambda: journal.model.rowCount() == 36, 20)
        assert controller.last_summary.trades == 36 and "$99.00 realized" in journal.message.text()
        c.window.focus_panel("journal_dashboard")
        await until(lambda: dashboard.values["net_pnl"].text() == "+$99.00", 20)
        assert dashboard.values["trades"].text().startswith(f"{controller.last_summary.closed_trades} ")
        _shot(dashboard, "journal-dashboard")
        dashboard.breakdown_key.setCurrentIndex(dashboard.breakdown_key.findData("symbol"))
        await until(lambda: dashboard.view.key == "symbol")
        group = dashboard.view.groups[0]
        dashboard.groups.cellClicked.emit(0, 0)
        assert {t.id for t in journal.shown()} == set(group.trade_ids)
        assert f"symbol {group.label}" in journal.focus_label.text()
        journal.clear_focus.click()
        journal.table.selectRow(0)
        trade_id = journal.editor.trade_id
        journal.editor.setup.setCurrentText("gap fill")
        journal.editor.save.click()
        service = c.engine.service(JournalService)
        await until(lambda: journal.model.trade_at(journal.model.row_of(trade_id)).setup == "gap fill", 20)
        assert next(t for t in await service.trades() if t.id == trade_id).setup == "gap fill"
        # the context service saw the import: in the demo market, imported trades wait for real prices
        await until(lambda: all(t.context is not None for t in journal.model.trades), 30)
        journal.table.selectRow(1)
        assert "demo market's prices are not the real ones" in journal.editor.context.text()
        _shot(journal, "journal")
        out = tmp_path / "journal.csv"
        journal.export_file_chosen.emit(str(out), journal.shown())
        await until(lambda: "Wrote 36 trades" in journal.message.text(), 20)
        assert len(out.read_text().splitlines()) == 37  # a header and a line per trade
        controller.last_summary = None
        controller.import_file(str(path))
        await until(lambda: controller.dialog is not None, 20)
        assert "0 new" in controller.dialog.summary.text() and not controller.dialog.import_button.isEnabled()
        controller.dialog.reject()
        await until(lambda: controller.dialog is None)
        assert len(await service.trades()) == 36

    assert run_app(settings(tmp_path), scenario) == 0
