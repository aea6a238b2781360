"""The Journal's Import… of a CSV no broker format knows, in the running app: the column-mapping
dialog (the guess, OK off until the required columns are chosen), the preview with the chosen
mapping, the progress shown while reading, the mapping remembered for the next file with the same
columns and not for other columns; and the reading thread's progress reaching the GUI thread."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from app.core.workspace import Workspace
from app.ui.controllers.journal_import import JournalImportFlow, ThreadProgress
from data.files.brokers import base
from tests.gui_helpers import run_app, settings, until

HEADER = "When,Ticker,Amount,Px\n"  # "When" and "Amount" are names the guess does not know
ROWS = "01.03.2024 15:31,AAPL,100,180.5\n01.03.2024 15:40,AAPL,-100,181\n"


def _csv(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


async def _mapping_dialog(flow: JournalImportFlow, path: str):
    flow.import_file(path)
    await until(lambda: flow.mapping_dialog is not None, 20)
    return flow.mapping_dialog


def test_an_unknown_csv_is_mapped_previewed_and_its_mapping_remembered(qapp, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(base, "PROGRESS_EVERY", 1)
    first, same = _csv(tmp_path, "fills.csv", HEADER + ROWS), _csv(tmp_path, "march.csv", HEADER + ROWS[:33])
    other = _csv(tmp_path, "other.csv", HEADER.replace("Px", "Fill Price") + ROWS)

    async def scenario(c) -> None:
        panel = c.window.panels["journal"]
        flow = panel.findChild(JournalImportFlow)
        shown: list[tuple] = []
        real = panel.show_progress
        panel.show_progress = lambda *args: (shown.append(args), real(*args))
        dialog = await _mapping_dialog(flow, first)
        assert "a guess" in dialog.intro.text() and dialog.combos["symbol"].currentText() == "Ticker"
        assert not dialog.ok.isEnabled() and "time, quantity, price" in dialog.status.text()
        for name, column in (("time", "When"), ("quantity", "Amount"), ("price", "Px")):
            dialog.combos[name].setCurrentText(column)
        dialog.time_format.setText("%d.%m.%Y %H:%M")
        assert dialog.ok.isEnabled() and dialog.status.text() == "Every sample row reads."
        dialog.ok.click()
        await until(lambda: flow.dialog is not None, 20)
        assert "(generic)" in flow.dialog.summary.text() and "2 new" in flow.dialog.summary.text()
        assert ("Reading fills.csv… 3 of 3 rows", 3, 3) in shown  # the header and two rows
        assert not panel.reading.isVisibleTo(panel)
        flow.dialog.import_button.click()
        await until(lambda: flow.dialog is None and flow.last_summary is not None, 20)
        assert flow.last_summary.executions == 2 and flow.last_summary.closed_trades == 1
        workspace = c.engine.service(Workspace)
        await until(lambda: "when|ticker|amount|px" in workspace.preferences["generic_csv_mappings"], 20)
        again = await _mapping_dialog(flow, same)
        assert "mapped before" in again.intro.text() and again.ok.isEnabled()
        assert (again.combos["time"].currentText(), again.time_format.text()) == ("When", "%d.%m.%Y %H:%M")
        again.reject()
        await until(lambda: flow.mapping_dialog is None)
        fresh = await _mapping_dialog(flow, other)
        assert "a guess" in fresh.intro.text() and fresh.combos["time"].currentText() == "— none —"
        fresh.reject()
        await until(lambda: flow.mapping_dialog is None)
        panel.generic_file_chosen.emit(first)  # "Generic CSV…" in the file dialog
        await until(lambda: flow.mapping_dialog is not None, 20)
        assert "mapped before" in flow.mapping_dialog.intro.text()
        flow.mapping_dialog.reject()

    assert run_app(settings(tmp_path), scenario) == 0


def test_a_file_that_is_no_csv_still_says_what_it_is_not(qapp, tmp_path: Path) -> None:
    path = _csv(tmp_path, "notes.txt", "just some notes\nno columns here\n")

    async def scenario(c) -> None:
        panel = c.window.panels["journal"]
        panel.findChild(JournalImportFlow).import_file(path)
        await until(lambda: "Could not import notes.txt" in panel.message.text(), 20)
        assert "is not a thinkorswim, Webull or IBKR export" in panel.message.text()

    assert run_app(settings(tmp_path), scenario) == 0


def test_thread_progress_reaches_the_loop_thread_throttled_and_ends_at_the_total() -> None:
    async def main() -> list[tuple[int, int, bool]]:
        seen: list[tuple[int, int, bool]] = []
        loop_thread = threading.get_ident()
        progress = ThreadProgress(lambda d, t: seen.append((d, t, threading.get_ident() == loop_thread)),
                                  interval=60)

        def read() -> None:
            for done in range(0, 10_001, 100):
                progress(done, 10_000)

        await asyncio.to_thread(read)
        await asyncio.sleep(0)
        progress.stop()
        progress(10_000, 10_000)  # after stop: dropped on the loop
        await asyncio.sleep(0)
        return seen

    assert asyncio.run(main()) == [(0, 10_000, True), (10_000, 10_000, True)]
