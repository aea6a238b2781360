"""The Earnings panel: the calendar's rows (date, BMO/AMC, symbol, company, estimate, implied move,
source), the conflict mark, the source and notes line, the horizon selector, a row choosing the
symbol once, the empty state saying why, and the room for the analysis."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from data.store.records import EarningsEvent
from widgets.earnings.calendar_table import COLUMNS, CONFLICT
from widgets.earnings.panel import EarningsPanel

EVENTS = [EarningsEvent("JPM", date(2026, 12, 10), "bmo", "alphavantage", estimate_eps=5.1,
                        name="JPMorgan Chase & Co", status="confirmed", fiscal_period="2026-11-30"),
          EarningsEvent("AAPL", date(2027, 1, 28), "amc", "alphavantage", estimate_eps=2.65, name="Apple Inc"),
          EarningsEvent("AAPL", date(2027, 1, 29), "amc", "massive", time_et="16:30", estimate_eps=2.6,
                        name="Apple Inc."),
          EarningsEvent("NVDA", date(2027, 2, 25), "unknown", "massive", time_et="12:00")]


def cells(panel: EarningsPanel, column: str, role=Qt.ItemDataRole.DisplayRole) -> list:
    c = COLUMNS.index(column)
    return [panel.model.data(panel.model.index(r, c), role) for r in range(panel.model.rowCount())]


def test_the_calendar_rows_and_the_source_line(qtbot) -> None:
    panel = EarningsPanel(days=90)
    qtbot.addWidget(panel)
    panel.show_calendar(EVENTS, "alphavantage", "", conflicts={"AAPL"})
    assert cells(panel, "Date") == ["Thu Dec 10", "Thu Jan 28", "Fri Jan 29", "Thu Feb 25"]
    assert cells(panel, "Time") == ["BMO", "AMC", "AMC", "12:00"]
    assert cells(panel, "Symbol") == ["JPM", "AAPL ⚠", "AAPL ⚠", "NVDA"]
    assert cells(panel, "Symbol", Qt.ItemDataRole.ToolTipRole)[1] == CONFLICT
    assert cells(panel, "Company")[0] == "JPMorgan Chase & Co" and cells(panel, "Company")[3] == "—"
    assert cells(panel, "EPS est.") == ["5.10", "2.65", "2.60", "—"]
    assert cells(panel, "Source") == ["Alpha Vantage", "Alpha Vantage", "Massive", "Massive"]
    assert cells(panel, "Date", Qt.ItemDataRole.ToolTipRole)[0] == "2026-12-10 (confirmed), 2026-11-30"
    assert "after the close" in cells(panel, "Time", Qt.ItemDataRole.ToolTipRole)[2].lower()
    assert "16:30 ET" in cells(panel, "Time", Qt.ItemDataRole.ToolTipRole)[2]
    assert panel.source.text() == "4 reports in the next 90 days · from Alpha Vantage"
    assert panel.note.isHidden() and not panel.empty.showing_reason
    assert cells(panel, "Implied move") == ["—"] * 4
    panel.set_implied_moves({"AAPL": (12.4, 4.5), "JPM": (float("nan"), 2.0)})
    assert cells(panel, "Implied move") == ["—", "±$12.40 (4.5%)", "±$12.40 (4.5%)", "—"]


def test_the_note_and_the_horizon(qtbot) -> None:
    panel = EarningsPanel()
    qtbot.addWidget(panel)
    assert panel.days == 14
    with qtbot.waitSignal(panel.days_changed) as changed:
        panel.days_choice.setCurrentIndex(2)
    assert changed.args == [30] and panel.days == 30
    note = "No Alpha Vantage key: save one in Preferences. Using Massive (Benzinga) instead."
    panel.show_calendar(EVENTS[:1], "massive", note)
    assert not panel.note.isHidden() and panel.note.text() == note
    assert panel.source.text() == "1 report in the next 30 days · from Massive (Benzinga)"


def test_an_empty_calendar_says_why(qtbot) -> None:
    panel = EarningsPanel(days=7)
    qtbot.addWidget(panel)
    panel.show_calendar([], "demo")
    assert panel.empty.showing_reason
    assert panel.empty.note.text() == ("No reports on the watchlist in the next 7 days according to the demo market "
                                       "(indices and ETFs do not report earnings).")
    panel.show_calendar([], "alphavantage", next_after=EVENTS[1])
    assert panel.empty.note.text() == ("No reports on the watchlist in the next 7 days according to Alpha Vantage. "
                                       "The next is AAPL on Thu Jan 28 (AMC): try a longer horizon.")
    panel.show_calendar([], "", "No Alpha Vantage key: save one in Preferences. No Massive key for the fallback.")
    assert panel.empty.note.text().startswith("No earnings calendar to show: No Alpha Vantage key")
    panel.show_calendar(EVENTS, "massive")
    assert not panel.empty.showing_reason and panel.model.rowCount() == 4
    panel.show_error("The engine stopped.")
    assert panel.model.rowCount() == 4 and not panel.empty.showing_reason  # the rows stay
    assert panel.note.text() == "The engine stopped."


def test_choosing_a_row_selects_its_symbol_once_across_reloads(qtbot) -> None:
    panel = EarningsPanel(days=90)
    qtbot.addWidget(panel)
    panel.show_calendar(EVENTS, "alphavantage")
    chosen: list[str] = []
    panel.symbol_selected.connect(chosen.append)
    panel.table.selectRow(1)
    panel.table.selectRow(2)  # the same symbol's other date
    panel.show_calendar(list(reversed(EVENTS)), "alphavantage")  # a reload keeps AAPL selected
    assert chosen == ["AAPL"] and panel.selected_symbol == "AAPL"
    assert panel.model.event_at(panel.table.selectionModel().selectedRows()[0].row()).symbol == "AAPL"
    panel.select_symbol("NVDA")
    assert chosen == ["AAPL", "NVDA"]


def test_the_analysis_area_takes_a_widget(qtbot) -> None:
    panel = EarningsPanel()
    qtbot.addWidget(panel)
    view = QLabel("AAPL analysis")
    panel.analysis_area.addWidget(view)
    assert view.parent() is panel.analysis_widget


def test_preferences_take_an_alpha_vantage_key_without_showing_it_back(qtbot) -> None:
    from widgets.preferences_panel import PreferencesPanel

    prefs = PreferencesPanel(("dark",), ("5m",), ["demo", "massive"])
    qtbot.addWidget(prefs)
    saved: list[str] = []
    prefs.av_key_saved.connect(saved.append)
    prefs.save_av_key.click()
    assert saved == [] and prefs.av_key_status.text() == "Type the key first."
    assert prefs.av_key.echoMode() == prefs.av_key.EchoMode.Password
    prefs.av_key.setText("  AVKEY-7f3a9c ")
    prefs.save_av_key.click()
    assert saved == ["AVKEY-7f3a9c"] and prefs.av_key.text() == ""
