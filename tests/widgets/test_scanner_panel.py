"""Scanner panel fed with hand-made detections: columns, hit rates, live + scan merge, tracking, menu."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from tests.widgets.setups_records import T0, detection
from tests.widgets.table_checks import elided_cells, exponent_texts


def _panel(qtbot):
    from widgets.setups.scanner_panel import ScannerPanel, WatchlistChoice

    panel = ScannerPanel(now=lambda: T0)
    qtbot.addWidget(panel)
    panel.resize(1400, 500)
    panel.set_watchlists([WatchlistChoice(1, "Default", ("SPY", "QQQ", "AAPL")),
                          WatchlistChoice(2, "Tech", ("NVDA",))], active_id=1)
    return panel


def _column(panel, title: str) -> list[str]:
    from widgets.setups.scanner_model import COLUMNS

    c = COLUMNS.index(title)
    return [panel.model.data(panel.model.index(r, c)) for r in range(panel.model.rowCount())]


def test_columns_hit_rate_age_and_tooltip(qtbot) -> None:
    panel = _panel(qtbot)
    panel.show()
    assert panel.empty.showing_reason and "Scan now" in panel.empty.note.text()
    few = detection(2, "QQQ", detector="vwap_reclaim", direction="short", minutes_ago=75, confidence=0.615,
                    cases=12, hits=9, entry=500.0, stop=501.0, targets=(498.0,))
    panel.show_scan([detection(1, minutes_ago=7), few], ("SPY", "QQQ"), (), T0)
    assert not panel.empty.showing_reason
    m = panel.model
    assert [m.data(m.index(0, c)) for c in range(m.columnCount())] == [
        "SPY", "Opening-range breakout", "Long", "72", "600.00", "598.00", "604.00 / 606.00", "2.0",
        "54 % (39–68) n=41", "7 min", "Scan", ""]
    assert _column(panel, "Hit rate")[1] == "—" and _column(panel, "Age")[1] == "1 h 15"
    hit = m.index(1, m.COLUMNS.index("Hit rate"))
    assert "fewer than 30" in m.data(hit, Qt.ItemDataRole.ToolTipRole)
    assert "closed above the opening range" in m.data(m.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert _column(panel, "Score")[1] == "62"
    assert not elided_cells(panel.table) and not exponent_texts(m)
    assert panel.status.text() == "Scanned 2 symbols at 10:00:00 ET: 2 setups."


def test_scan_busy_state_and_problems(qtbot) -> None:
    panel = _panel(qtbot)
    asked: list[tuple] = []
    panel.scan_requested.connect(asked.append)
    panel.scan_button.click()
    assert asked == [("SPY", "QQQ", "AAPL")]
    assert not panel.scan_button.isEnabled() and panel.scan_button.text() == "Scanning 3 symbols…"
    panel.show_scan([], ("SPY", "QQQ"), (("ZZZZ", "Unknown symbol ZZZZ."),), T0)
    assert panel.scan_button.isEnabled() and panel.scan_button.text() == "Scan now"
    assert "ZZZZ: Unknown symbol ZZZZ." in panel.status.text() and "no setups" in panel.status.text()
    assert panel.empty.showing_reason and "No setups in the last scan" in panel.empty.note.text()
    panel.watchlist.setCurrentIndex(1)
    panel.scan_button.click()
    assert asked[-1] == ("NVDA",)
    panel.show_error("The provider is down.")
    assert panel.scan_button.isEnabled() and panel.status.text() == "The provider is down."


def test_live_feed_merges_newest_first_with_a_source_filter(qtbot) -> None:
    panel = _panel(qtbot)
    panel.show_scan([detection(1, minutes_ago=30), detection(2, "QQQ", minutes_ago=20)], ("SPY", "QQQ"), (), T0)
    panel.set_live([detection(3, "AAPL", minutes_ago=10)])
    panel.add_live(detection(2, "QQQ", minutes_ago=20))  # found by the scan too: one row, "Live"
    panel.add_live(detection(4, "NVDA", minutes_ago=1))
    assert _column(panel, "Symbol") == ["NVDA", "AAPL", "QQQ", "SPY"]
    assert _column(panel, "Source") == ["Live", "Live", "Live", "Scan"]
    panel.source_filter.setCurrentText("Scan only")
    assert _column(panel, "Symbol") == ["QQQ", "SPY"]
    panel.source_filter.setCurrentText("Live only")
    assert _column(panel, "Symbol") == ["NVDA", "AAPL", "QQQ"]
    panel.source_filter.setCurrentText("Live and scan")
    score = panel.model.COLUMNS.index("Score")
    assert panel.model.headerData(score, Qt.Orientation.Horizontal, Qt.ItemDataRole.InitialSortOrderRole) \
        == Qt.SortOrder.DescendingOrder
    panel.add_live(detection(5, "TSLA", minutes_ago=3, confidence=0.91))
    panel.table.sortByColumn(score, Qt.SortOrder.DescendingOrder)
    assert _column(panel, "Symbol")[0] == "TSLA" and len(_column(panel, "Score")) == 5
    panel.add_live(detection(6, "AMD", minutes_ago=0, confidence=0.95))  # the sort holds for new rows
    assert _column(panel, "Symbol")[:2] == ["AMD", "TSLA"]


def test_track_by_button_double_click_and_menu_and_the_auto_mark(qtbot) -> None:
    panel = _panel(qtbot)
    panel.show()
    panel.set_live([detection(3, "AAPL", minutes_ago=1, entry=230.0, stop=229.0, targets=(232.0,)),
                    detection(4, "NVDA", minutes_ago=2)])
    panel.set_tracked({4: "auto"})
    assert _column(panel, "Tracked") == ["", "Auto"]
    assert panel.model.data(panel.model.index(1, 0), Qt.ItemDataRole.FontRole).bold()
    tracked, asked = [], []
    panel.track_requested.connect(tracked.append)
    panel.symbol_actions.requested.connect(lambda name, subject: asked.append((name, subject.symbol, subject.price)))
    panel.symbol_actions.offers = lambda _name: True
    assert not panel.track_button.isEnabled()
    panel.table.selectRow(1)
    assert not panel.track_button.isEnabled()  # tracked already
    panel.table.selectRow(0)
    panel.track_button.click()
    panel.table.doubleClicked.emit(panel.model.index(0, 2))
    assert [d.id for d in tracked] == [3, 3]
    menu = panel.menu_for(panel.model.row_at(0).detection)
    actions = {a.text(): a for a in menu.actions() if a.text()}
    # the shared actions (their "Track setup at …" dialog is left out: the row tracks the detection itself)
    assert list(actions) == ["Open AAPL chart", "Open chain near entry 230.00", "Alert at entry 230.00…",
                             "Ask the coach about AAPL", "Track setup"]
    for action in actions.values():
        action.trigger()
    assert asked == [("chart", "AAPL", 230.0), ("chain", "AAPL", 230.0), ("alert", "AAPL", 230.0),
                     ("coach", "AAPL", 230.0)]
    assert [d.id for d in tracked] == [3, 3, 3]
    panel.symbol_actions.offers = lambda name: name == "chart"
    menu = panel.menu_for(panel.model.row_at(0).detection)
    assert [a.text() for a in menu.actions() if a.text()] == ["Open AAPL chart", "Track setup"]


def test_ages_follow_the_market_clock(qtbot) -> None:
    from widgets.setups.scanner_panel import ScannerPanel

    clock = [T0]
    panel = ScannerPanel(now=lambda: clock[0])
    qtbot.addWidget(panel)
    panel.set_live([detection(1)])
    assert _column(panel, "Age") == ["0 min"]
    clock[0] = T0 + timedelta(minutes=42)
    panel.model.refresh_ages()
    assert _column(panel, "Age") == ["42 min"]
