"""Entering a position in the running app on the demo: right-click a contract of the SPX chain →
"Sell to open …" → the dialog opens prefilled → an iron condor is recorded (source "chain") and
shown; a strike that is not listed says so and records nothing."""

from __future__ import annotations

from pathlib import Path

from app.core.positions.service import PositionsService
from app.core.workspace import Workspace
from app.ui.controllers.position_entry import PositionEntry
from app.ui.intents import OpenPositionEntry, ShowPosition
from tests.gui_helpers import run_app, settings, until
from tests.ui.test_setups_panels import start_demo_mid_session
from widgets.options_chain_panel import STRIKE_COLUMN

EXPIRY_DAYS = 7  # a week out: the condor's strikes are apart at the demo's SPX spacing


def _put_index(panel):
    """The put cell (bid column) of the row at the money."""
    return panel.model.index(panel.model.atm_row, STRIKE_COLUMN + 1)


async def _open_from_the_menu(c, panel):
    await c.engine.service(Workspace).set_active_symbol("SPX")
    await until(lambda: panel.symbol == "SPX" and panel.model.rowCount() > 0, 30)
    week = next(i for i in range(panel.expiry.count()) if panel._choices[i].dte >= EXPIRY_DAYS)
    panel.expiry.setCurrentIndex(week)
    await until(lambda: panel.model.atm_row >= 0)
    assert panel.context_menu(panel.model.index(0, STRIKE_COLUMN)) is None  # the strike is no contract
    menu = panel.context_menu(_put_index(panel))
    texts = [a.text() for a in menu.actions()]
    assert texts[0].startswith("Buy to open SPXW ") and texts[1].startswith("Sell to open SPXW ")
    assert texts[1].endswith(" put…")
    # then the shared symbol actions for the underlying at the strike (no "Open chain": this is the chain)
    assert texts[3:] == ["Open SPX chart", texts[4], texts[5], "Ask the coach about SPX"]
    assert texts[4].startswith("Alert at strike ") and texts[5].startswith("Track setup at strike ")
    contract = panel.model.contract_symbol(panel.model.atm_row, "put")
    menu.actions()[1].trigger()
    entry = panel.findChild(PositionEntry)
    dialog = entry.dialog
    assert dialog is not None and dialog.isVisible() and dialog.underlying.isReadOnly()
    await until(lambda: dialog.legs != (), 30)
    assert dialog.strategy.currentText() == "Short put" and [(x.symbol, x.quantity) for x in dialog.legs] == [
        (contract, -1)]
    return entry, dialog, contract


def test_sell_to_open_from_the_chain_records_an_iron_condor(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        panel = c.window.panels["options_chain"]
        positions = c.engine.service(PositionsService)
        shown: list[int] = []
        if not c.intents.handles(ShowPosition):  # (the Positions panel may not be built yet)
            c.intents.handle(ShowPosition, lambda i: shown.append(i.position_id))
        entry, dialog, contract = await _open_from_the_menu(c, panel)
        dialog.strategy.setCurrentText("Iron condor (credit)")
        assert len(dialog.legs) == 4 and dialog.legs[1].symbol == contract and dialog.ok.isEnabled()
        dialog.notes.setText("range day")
        dialog.ok.click()
        await until(lambda: len(positions.positions) == 1)
        record = positions.positions[0]
        assert record.source == "chain" and len(record.legs) == 4 and record.strategy == "iron condor"
        assert record.notes == "range day" and record.underlying == "SPX"
        await until(lambda: entry.dialog is None)
        assert entry.recorded == [record.id] and (not shown or shown == [record.id])

        c.intents.request(OpenPositionEntry("SPX"))
        bad = entry.dialog
        await until(lambda: bad.legs != (), 30)
        bad.strikes[0].setCurrentText("6501.5")
        assert "6501.5 is not listed for" in bad.problem.text() and not bad.ok.isEnabled()
        bad.ok.click()
        assert len(positions.positions) == 1 and bad.isVisible()
        bad.underlying.setText("qqq")  # another underlying: its chain is fetched from the provider
        bad.underlying.editingFinished.emit()
        await until(lambda: bad.symbol == "QQQ" and bad.legs != (), 30)
        assert bad.legs[0].underlying == "QQQ" and "QQQ" in bad.chain_status.text() and bad.ok.isEnabled()
        bad.reject()

    start_demo_mid_session(tmp_path)
    assert run_app(settings(tmp_path), scenario) == 0
