"""The Morning brief panel renders a brief's sections the journal's way and offers a row's levels
to the chain and the alerts."""

from __future__ import annotations

from datetime import UTC, date, datetime

from data.morning_brief import (
    BriefEarnings,
    BriefEvent,
    BriefPosition,
    MorningBrief,
    PositionsRisk,
    SymbolLevels,
    WatchItem,
)
from widgets.brief.panel import LEVEL_COLUMNS, MorningBriefPanel

DAY = date(2026, 3, 3)


def _brief() -> MorningBrief:
    spy = SymbolLevels("SPY", 662.24, 665.56, 658.15, 658.74, 663.94, 658.28, 660.82, 663.49, 656.08, 667.23, 653.41,
                       0.531, "positive gamma", 646.31, 680.0, 640.0, 2.06, 0.31, DAY, 0.14, 87.0,
                       "historical-volatility proxy")
    spx = SymbolLevels("SPX", None, *([None] * 11), note="No SPX prices: offline")
    return MorningBrief(DAY, "Main", datetime(2026, 3, 3, 12, 0, tzinfo=UTC), "scheduled", (spy, spx),
                        (BriefEvent("08:30", "Consumer Price Index", "cpi", "high"),),
                        (BriefEarnings("AAPL", DAY, "amc", 1.62, True),),
                        PositionsRisk((BriefPosition(3, "SPY", "bull call spread", -125.5, 0, True, ("Close today",)),),
                                      -1250.0, 0.123, -45.0, 80.0),
                        (WatchItem("gap_up", "SPY", "SPY gaps up 0.53 % from the 658.74 close", 658.74),),
                        ("No earnings calendar in this app yet.",))


def _cell(table, row: int, column: int) -> str:
    return table.item(row, column).text()


def test_sections_are_rendered(qtbot) -> None:
    panel = MorningBriefPanel()
    qtbot.addWidget(panel)
    assert panel.empty.showing_reason
    panel.show_brief(_brief())
    assert not panel.empty.showing_reason
    assert "Tuesday 03 March 2026" in panel.title.text() and "07:00 ET" in panel.title.text()
    row = [_cell(panel.levels, 0, c) for c in range(len(LEVEL_COLUMNS))]
    assert row == ["SPY", "662.24", "+0.53 %", "665.56", "658.15", "658.74", "663.94", "658.28", "660.82", "663.49",
                   "656.08", "+γ", "646.31", "680.00", "640.00", "±2.06 (0.31 %)", "87*"]
    assert _cell(panel.levels, 1, 1) == "—"
    assert [_cell(panel.macro, 0, c) for c in range(3)] == ["08:30", "Consumer Price Index", "High"]
    assert [_cell(panel.earnings, 0, c) for c in range(4)] == ["today", "AAPL", "after the close", "1.62"]
    assert [_cell(panel.positions, 0, c) for c in range(5)] == ["SPY", "bull call spread", "−$125.50",
                                                                "expires today", "Close today"]
    assert panel.greeks.text() == "Totals: Δ −$1,250 · Γ 0.123 · Θ −$45/day · vega $80"
    assert "No earnings calendar" in panel.notes.text()


def test_a_levels_row_offers_its_levels(qtbot) -> None:
    panel = MorningBriefPanel()
    qtbot.addWidget(panel)
    panel.show_brief(_brief())
    panel.symbol_actions.offers = lambda _name: True
    menu = panel.menu_for(panel.levels, 0)
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[:2] == ["Open SPY chart", "Ask the coach about SPY"]
    assert texts[2:5] == ["Open chain near PDH 665.56", "Alert at PDH 665.56…", "Track setup at PDH 665.56…"]
    assert "Open chain near the GEX flip 646.31" in texts
    asked = []
    panel.symbol_actions.requested.connect(lambda name, subject: asked.append((name, subject.symbol, subject.price)))
    next(a for a in menu.actions() if a.text() == "Alert at PDH 665.56…").trigger()
    assert asked == [("alert", "SPY", 665.56)]
    assert [a.text() for a in panel.menu_for(panel.levels, 1).actions()] == ["Open SPX chart",  # no prices
                                                                             "Ask the coach about SPX"]
    panel.positions.cellDoubleClicked.emit(0, 0)
    assert asked[-1] == ("chart", "SPY", None)
    assert panel.menu_for(panel.watch, 0) is not None and panel.menu_for(panel.levels, 5) is None
