"""The Journal panel on hand-built trades: the columns, the filters, the editor's values, the
click-through focus, the drafts queue and the import preview dialog."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from PySide6.QtCore import Qt

from tests.widgets.journal_records import trades
from widgets.journal.filters import STATUSES, apply
from widgets.journal.import_dialog import ImportPreviewDialog
from widgets.journal.panel import JournalPanel


def _panel(qtbot) -> JournalPanel:
    panel = JournalPanel()
    qtbot.addWidget(panel)
    panel.set_trades(trades())
    return panel


def _cell(panel: JournalPanel, row: int, column: str) -> str:
    return panel.model.data(panel.model.index(row, panel.model.COLUMNS.index(column)))


def _choose(box, text: str) -> None:
    box.setCurrentIndex(box.findText(text))


def test_a_row_per_trade_newest_first_with_its_columns(qtbot) -> None:
    panel = _panel(qtbot)
    assert panel.model.rowCount() == 6
    assert _cell(panel, 0, "Symbol") == "NVDA" and _cell(panel, 0, "Held") == "open"
    last = panel.model.rowCount() - 1
    row = [_cell(panel, last, c) for c in panel.model.COLUMNS]
    assert row == ["2026-03-02 09:35", "AAPL", "Stock", "long", "100", "200.00", "201.50", "+$148.00", "—",
                   "—", "—", "", "", "30m"]
    spread = panel.model.row_of("app:c")
    assert _cell(panel, spread, "Instrument") == "Spread" and _cell(panel, spread, "Tags") == "A+, earnings"
    assert _cell(panel, panel.model.row_of("app:b"), "R") == "−0.82R"
    assert _cell(panel, panel.model.row_of("app:e"), "Net P&L") == "−$301.00"
    red = panel.model.data(panel.model.index(panel.model.row_of("app:e"), 7), Qt.ItemDataRole.ForegroundRole)
    assert red.name() == "#ef5350"


def test_a_click_on_a_header_sorts_by_the_value(qtbot) -> None:
    panel = _panel(qtbot)
    column = panel.model.COLUMNS.index("Net P&L")
    panel.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    assert [t.id for t in panel.shown()][:2] == ["app:c", trades()[0].id]
    panel.table.sortByColumn(panel.model.COLUMNS.index("Held"), Qt.SortOrder.AscendingOrder)
    assert panel.shown()[0].id == "app:d" and panel.shown()[-1].id == "app:f"  # open last
    panel.set_trades(trades())  # a reload keeps the order chosen
    assert panel.shown()[0].id == "app:d"
    panel.table.sortByColumn(panel.model.COLUMNS.index("Setup"), Qt.SortOrder.AscendingOrder)
    assert [t.setup for t in panel.shown()][:4] == ["breakout", "breakout", "fade", None]  # blanks last


def test_periods_count_back_from_the_market_clock(qtbot) -> None:
    panel = JournalPanel(now=lambda: datetime(2026, 3, 4, 21, 0, tzinfo=UTC))  # Wed 16:00 ET
    qtbot.addWidget(panel)
    panel.set_trades(trades())
    _choose(panel.filters.period, "Last 7 days")
    assert len(panel.shown()) == 6
    panel.filters._today = lambda: date(2026, 3, 10)  # Tue a week later: Wed 4th..Tue 10th
    panel.refresh()
    assert {t.id for t in panel.shown()} == {"app:d", "app:e", "app:f"}


def test_filters_by_symbol_setup_tag_instrument_status_and_dates(qtbot) -> None:
    panel = _panel(qtbot)
    f = panel.filters
    _choose(f.symbol, "AAPL")
    assert {t.id for t in panel.shown()} == {trades()[0].id, "app:d"}
    _choose(f.symbol, "All symbols")
    _choose(f.setup, "breakout")
    assert {t.id for t in panel.shown()} == {"app:b", "app:c"}
    _choose(f.tag, "earnings")
    assert [t.id for t in panel.shown()] == ["app:c"]
    f.setup.setCurrentIndex(0)
    f.tag.setCurrentIndex(0)
    _choose(f.instrument, "Options")
    assert [t.id for t in panel.shown()] == ["app:c"]
    f.instrument.setCurrentIndex(0)
    _choose(f.status, "Open")
    assert [t.id for t in panel.shown()] == ["app:f"]
    _choose(f.status, STATUSES[0])
    _choose(f.period, "Custom…")
    f.since.setDate(date(2026, 3, 3))
    f.until.setDate(date(2026, 3, 3))
    assert [t.id for t in panel.shown()] == ["app:c"]


def test_an_empty_filter_says_so(qtbot) -> None:
    panel = _panel(qtbot)
    _choose(panel.filters.status, "Open")
    _choose(panel.filters.symbol, "AAPL")
    assert panel.empty.showing_reason and "No trades match" in panel.empty.note.text()
    empty = JournalPanel()
    qtbot.addWidget(empty)
    empty.set_trades([])
    assert "Import" in empty.empty.note.text()


def test_apply_matches_the_analytics_filter() -> None:
    from analytics.journal_stats import filter_trades
    from widgets.journal.filters import Criteria

    all_trades = trades()
    assert apply(all_trades, Criteria(tag="A+")) == filter_trades(all_trades, tags=["A+"])


def test_the_editor_shows_the_selected_trade_and_emits_its_values(qtbot) -> None:
    panel = _panel(qtbot)
    panel.select_trade("app:e")
    editor = panel.editor
    assert editor.trade_id == "app:e" and editor.setup.currentText() == "fade"
    assert editor.mistakes.text() == "chased" and editor.rating.currentIndex() == 2
    editor.setup.setCurrentText("opening range breakout")
    editor.tags.setText("A+, late , A+,")
    editor.mistakes.setText("")
    editor.rating.setCurrentIndex(5)
    editor.notes.setPlainText("  waited for the retest  ")
    editor.stop.setText("198.5")
    editor.target.setText("")
    with qtbot.waitSignal(panel.annotate_requested) as got:
        editor.save.click()
    assert got.args == ["app:e", {"setup": "opening range breakout", "tags": ("A+", "late"), "mistakes": (),
                                  "rating": 5, "notes": "waited for the retest", "planned_stop": 198.5,
                                  "planned_target": None}]


def test_show_trades_narrows_the_list_until_show_all(qtbot) -> None:
    panel = _panel(qtbot)
    _choose(panel.filters.status, "Open")
    panel.show_trades(("app:b", "app:e"), "setup breakout")
    assert {t.id for t in panel.shown()} == {"app:b", "app:e"}
    assert "2 trades: setup breakout" in panel.focus_label.text() and panel.clear_focus.isVisibleTo(panel)
    panel.clear_focus.click()
    assert len(panel.shown()) == 6 and not panel.clear_focus.isVisibleTo(panel)


@dataclass
class Draft:
    id: int
    day: date
    source: str
    symbol: str
    title: str
    detail: str
    status: str = "pending"


def test_drafts_queue_confirms_and_dismisses_the_selected_draft(qtbot) -> None:
    panel = _panel(qtbot)
    panel.set_drafts([Draft(1, date(2026, 3, 2), "setup", "AAPL", "ORB long triggered", "entry 200"),
                      Draft(2, date(2026, 3, 2), "alert", "SPY", "Alert fired", "crossed 500"),
                      Draft(3, date(2026, 3, 1), "alert", "QQQ", "old", "", status="confirmed")])
    queue = panel.drafts
    assert queue.table.rowCount() == 2 and panel.side.tabText(1) == "Drafts (2)"
    assert queue.table.item(0, 1).text() == "Tracked setup" and not queue.confirm.isEnabled()
    queue.table.selectRow(1)
    with qtbot.waitSignal(queue.dismiss_requested) as got:
        queue.dismiss.click()
    assert got.args == [2]
    with qtbot.waitSignal(queue.confirm_requested) as got:
        queue.confirm.click()
    assert got.args == [2]


def test_capabilities_hide_what_the_service_cannot_do(qtbot) -> None:
    panel = _panel(qtbot)
    panel.set_capabilities(annotate=True, drafts=False, export=False)
    assert not panel.export_button.isVisibleTo(panel) and not panel.side.isTabVisible(1)
    assert panel.import_button.isVisibleTo(panel)


def test_the_import_preview_shows_the_counts_and_each_rows_problem(qtbot) -> None:
    dialog = ImportPreviewDialog("trades.csv", "thinkorswim", 40, 36, 4,
                                 [(12, "the date '2022-13-01' is not a date"), (30, "no quantity")])
    qtbot.addWidget(dialog)
    text = dialog.summary.text()
    assert "40 executions" in text and "36 new" in text and "4 already in the journal" in text
    assert dialog.errors.rowCount() == 2 and dialog.errors.item(0, 0).text() == "12"
    assert dialog.errors.item(1, 1).text() == "no quantity" and "2 rows could not be read" in dialog.errors_label.text()
    assert dialog.import_button.text() == "Import 36 new" and dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.import_requested):
        dialog.import_button.click()
    assert not dialog.buttons.isEnabled() and dialog.progress.isVisibleTo(dialog)
    assert dialog.status.text() == "Storing 36 executions in one step, then updating the journal…"
    dialog.show_failure("disk full")
    assert dialog.buttons.isEnabled() and "nothing was stored: disk full" in dialog.status.text()


def test_nothing_new_cannot_be_imported(qtbot) -> None:
    dialog = ImportPreviewDialog("trades.csv", "webull", 3, 0, 3, [])
    qtbot.addWidget(dialog)
    assert not dialog.import_button.isEnabled() and "Nothing new" in dialog.summary.text()
    one = ImportPreviewDialog("x.csv", "ibkr", 1, 1, 0, [(3, "no price")])
    qtbot.addWidget(one)
    assert "1 execution read" in one.summary.text() and one.errors_label.text().startswith("1 row could not")
    assert not dialog.errors.isVisibleTo(dialog) and dialog.errors_label.text() == "Every row was read."


def test_the_reading_progress_bar_fills_then_gives_way_to_the_next_message(qtbot) -> None:
    panel = JournalPanel()
    qtbot.addWidget(panel)
    panel.show_progress("Reading big.csv…")
    assert panel.reading.isVisibleTo(panel) and panel.reading.maximum() == 0  # busy until the total is known
    panel.show_progress("Reading big.csv… 4,200 of 10,000 rows", 4200, 10_000)
    assert (panel.reading.value(), panel.reading.maximum()) == (4200, 10_000)
    assert panel.message.text() == "Reading big.csv… 4,200 of 10,000 rows"
    panel.show_error("Could not import big.csv: disk gone")
    assert not panel.reading.isVisibleTo(panel)


def test_an_open_contract_past_its_expiry_says_so(qtbot) -> None:
    from dataclasses import replace
    from datetime import UTC, date, datetime

    from tests.analytics.journal_fixtures import made_trade

    held = replace(made_trade(1, datetime(2026, 2, 10, 15, tzinfo=UTC), 0, 0, instrument="option",
                              expiry=date(2026, 2, 13), closed=False), legs=("SPY260213C00670000",))
    running = replace(held, id="t2", expiry=date(2026, 3, 20))
    panel = JournalPanel(now=lambda: datetime(2026, 3, 2, 3, 30, tzinfo=UTC))  # 22:30 ET on 1 March
    qtbot.addWidget(panel)
    panel.set_trades([held, running])
    assert _cell(panel, panel.model.row_of("t1"), "Held") == "past expiry"
    assert _cell(panel, panel.model.row_of("t2"), "Held") == "open"
    tip = panel.model.data(panel.model.index(panel.model.row_of("t1"), 0), Qt.ItemDataRole.ToolTipRole)
    assert "settles at the underlying's expiry-day price" in tip


def test_a_trades_menu_has_the_shared_actions_a_premium_is_no_chart_price(qtbot) -> None:
    panel = _panel(qtbot)
    panel.symbol_actions.offers = lambda _name: True
    assert {t.instrument for t in panel.all_trades} >= {"stock", "spread"}
    for trade in panel.all_trades:
        texts = [a.text() for a in panel.menu_for(trade).actions() if a.text()]
        assert texts[0] == f"Open {trade.symbol} chart" and texts[-1] == f"Ask the coach about {trade.symbol}"
        # a stock's entry is a price on its chart: chain, alert and setup there; an option's is a premium
        assert (len(texts) == 5) == (trade.instrument == "stock")
    asked = []
    panel.symbol_actions.requested.connect(lambda name, subject: asked.append((name, subject)))
    trade = panel.all_trades[0]
    panel.menu_for(trade).actions()[-1].trigger()
    assert asked[0][0] == "coach" and f"{trade.symbol} {trade.instrument} trade" in asked[0][1].coach_question()
