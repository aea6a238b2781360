"""Tracked-setups panel fed with hand-made setups: columns, the status filter, details, actions."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from tests.widgets.setups_records import setup
from tests.widgets.table_checks import elided_cells, exponent_texts


def _panel(qtbot):
    from widgets.setups.tracked_setups_panel import TrackedSetupsPanel

    panel = TrackedSetupsPanel()
    qtbot.addWidget(panel)
    panel.resize(1300, 600)
    return panel


def _symbols(panel) -> list[str]:
    return [panel.model.data(panel.model.index(r, 0)) for r in range(panel.model.rowCount())]


SETUPS = [setup(5, "NVDA", status="archived"), setup(4, "AAPL", status="target_hit"),
          setup(3, "QQQ", status="triggered", source="auto", detector="vwap_reclaim"),
          setup(2, "IWM", status="stopped"),
          setup(1, "SPY", notes="waiting for the retest")]


def test_columns_and_the_status_filter(qtbot) -> None:
    panel = _panel(qtbot)
    panel.show()
    assert panel.empty.showing_reason and "No tracked setups yet" in panel.empty.note.text()
    panel.set_setups(SETUPS)
    assert panel.status_filter.currentText() == "Live (active + triggered)"
    assert _symbols(panel) == ["QQQ", "SPY"]
    m = panel.model
    assert [m.data(m.index(1, c)) for c in range(m.columnCount())] == [
        "SPY", "Opening-range breakout", "Long", "Active", "600.00", "598.00", "604.00", "2.0", "03-03 10:00",
        "03-03 10:05"]
    assert m.data(m.index(0, 3)) == "Triggered"
    expected = {"Active": ["SPY"], "Triggered": ["QQQ"], "Invalidated": [], "Target hit": ["AAPL"],
                "Stopped": ["IWM"], "Archived": ["NVDA"], "All": ["NVDA", "AAPL", "QQQ", "IWM", "SPY"]}
    for title, symbols in expected.items():
        panel.status_filter.setCurrentText(title)
        assert _symbols(panel) == symbols, title
    panel.status_filter.setCurrentText("Invalidated")
    assert panel.empty.showing_reason and "5 in all" in panel.empty.note.text()
    panel.status_filter.setCurrentText("All")
    assert not elided_cells(panel.table) and not exponent_texts(m)


def test_selection_shows_events_and_notes_and_enables_the_actions(qtbot) -> None:
    panel = _panel(qtbot)
    panel.set_setups(SETUPS)
    assert not panel.archive_button.isEnabled() and not panel.details.isEnabled()
    panel.table.selectRow(0)  # QQQ triggered
    assert panel.archive_button.isEnabled() and not panel.reopen_button.isEnabled()
    assert panel.headline.text().startswith("QQQ VWAP") and panel.headline.text().endswith("Auto-tracked.")
    assert panel.events.rowCount() == 2
    assert [panel.events.item(1, c).text() for c in range(4)] == ["03-03 10:05:00", "Triggered", "600.05",
                                                                   "price reached entry"]
    assert panel.notes.text() == "No notes yet."
    panel.table.selectRow(1)
    assert panel.notes.text() == "waiting for the retest"
    panel.status_filter.setCurrentText("Archived")
    panel.table.selectRow(0)
    assert panel.reopen_button.isEnabled() and not panel.archive_button.isEnabled()


def test_actions_emit_and_delete_asks_first(qtbot) -> None:
    panel = _panel(qtbot)
    panel.show()
    panel.set_setups(SETUPS)
    got: list[tuple] = []
    panel.archive_requested.connect(lambda i: got.append(("archive", i)))
    panel.reopen_requested.connect(lambda i: got.append(("reopen", i)))
    panel.delete_requested.connect(lambda i: got.append(("delete", i)))
    panel.note_requested.connect(lambda i, t: got.append(("note", i, t)))
    panel.symbol_actions.requested.connect(lambda name, subject: got.append((name, subject.symbol, subject.price)))
    panel.table.selectRow(1)  # SPY active
    for button in (panel.archive_button, panel.chart_button, panel.alert_button):
        button.click()
    panel.note_button.click()
    assert not panel.error_label.isHidden() and "Type the note" in panel.error_label.text()
    panel.note_field.setText("  size down  ")
    panel.note_button.click()
    assert panel.note_field.text() == "  size down  "  # kept until saved
    panel.note_added()
    assert panel.note_field.text() == ""
    panel.delete_button.click()
    panel.confirm.button(QMessageBox.StandardButton.No).click()
    panel.delete_button.click()
    panel.confirm.button(QMessageBox.StandardButton.Yes).click()
    assert got == [("archive", 1), ("chart", "SPY", 600.0), ("alert", "SPY", 600.0), ("note", 1, "size down"),
                   ("delete", 1)]
    panel.show_error("Setup #1 no longer exists.")
    assert panel.error_label.text() == "Setup #1 no longer exists."


def test_live_updates_keep_the_selection_and_show_setup_switches_the_filter(qtbot) -> None:
    panel = _panel(qtbot)
    panel.set_setups(SETUPS)
    panel.table.selectRow(1)
    panel.set_setups([setup(6, "TSLA"), *SETUPS])
    assert panel.selected().id == 1
    panel.show_setup(5)  # archived: hidden by the live filter
    assert panel.status_filter.currentText() == "All" and panel.selected().id == 5
    panel.symbol_actions.offers = lambda _a: False
    panel.table.selectRow(0)
    assert panel.alert_button.isHidden()


def test_a_row_menu_has_the_shared_actions_at_the_entry(qtbot) -> None:
    panel = _panel(qtbot)
    panel.set_setups(SETUPS)
    panel.symbol_actions.offers = lambda name: name != "chain"
    chosen = SETUPS[1]
    texts = [a.text() for a in panel.menu_for(chosen).actions() if a.text()]
    # no "Track setup at …": it is tracked; no chain: no panel does it here
    assert texts == [f"Open {chosen.symbol} chart", f"Alert at entry {chosen.entry:,.2f}…",
                     f"Ask the coach about {chosen.symbol}"]
    asked = []
    panel.symbol_actions.requested.connect(lambda name, subject: asked.append((name, subject)))
    panel.menu_for(chosen).actions()[-1].trigger()
    name, subject = asked[0]
    assert name == "coach" and f"entry {chosen.entry:,.2f}" in subject.coach_question()
