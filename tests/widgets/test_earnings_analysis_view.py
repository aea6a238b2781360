"""The earnings analysis view fed a record: header, history table and plot, strategy cards and
their intents, the crush heatmap of the selected card; numbers written in full."""

from __future__ import annotations

import math
import re
from datetime import date

import numpy as np
from PySide6.QtCore import QPointF

from analytics.earnings_moves import EarningsMove, summarize
from app.core.earnings.analysis import EarningsAnalysis, _options
from tests.core.test_earnings_analysis import FRI, NOW, REPORT, _chain
from widgets.earnings.analysis_view import EarningsAnalysisView, dollars, pct

HISTORY = (EarningsMove(date(2026, 10, 29), "amc", False, date(2026, 10, 29), date(2026, 10, 30), 100.0, 104.0,
                        105.98, 4.5),
           EarningsMove(date(2026, 7, 30), "unknown", True, date(2026, 7, 30), date(2026, 7, 31), 100.0, 99.5,
                        98.67, None))


def _analysis(calendar, **changes) -> EarningsAnalysis:
    parts = _options(_chain(), 250.0, REPORT, FRI, calendar, NOW)
    parts.pop("missing")
    notes = parts.pop("notes")
    fields = {"symbol": "AAPL", "asof": NOW, "spot": 250.0, "event": REPORT, "reaction": FRI, "history": HISTORY,
              "summary": summarize(HISTORY, 8, parts["implied"].straddle_pct), "notes": tuple(notes), **parts}
    fields.update(changes)
    return EarningsAnalysis(**fields)


def test_formatting_never_writes_negative_zero_or_exponents():
    assert pct(-0.0004) == "0.00%" and pct(5.981) == "+5.98%" and pct(-1.333) == "−1.33%"
    assert dollars(math.inf) == "unlimited" and dollars(-0.001) == "$0.00" and dollars(123456.789) == "$123,456.79"
    assert pct(None) == "—" and dollars(math.nan) == "—"


def test_header_table_plot_and_cards(qtbot, calendar):
    view = EarningsAnalysisView()
    qtbot.addWidget(view)
    a = _analysis(calendar)
    view.show_analysis(a)
    header = view.header.text()
    assert "reports Thu Dec 03, 2026 (after close) · reacts Fri Dec 04" in header
    assert f"straddle ±{dollars(a.implied.straddle)}" in header and "1σ from IV" in header
    assert "post-event IV" in header and "term structure Dec 04/Dec 11" in header
    cells = [[view.history.item(r, c).text() for c in range(6)] for r in range(view.history.rowCount())]
    assert cells[0] == ["2026-10-29", "after close", "+4.00%", "+5.98%", "4.50%", "yes"]
    assert cells[1] == ["2026-07-30", "unknown (assumed after close)", "−0.50%", "−1.33%", "—", "—"]
    assert "Last 2: mean |move| 3.66%" in view.summary.text()
    assert list(view.moves_plot.bars.opts["height"]) == [HISTORY[1].close_pct, HISTORY[0].close_pct]
    lo, hi = view.moves_plot.band.getRegion()
    assert (lo, hi) == (-a.implied.straddle_pct, a.implied.straddle_pct)
    assert [c.idea.name for c in view.cards] == ["long straddle", "long strangle", "iron condor", "calendar"]
    text = " ".join(c.details.text() + c.title.text() for c in view.cards)
    assert "unlimited" in text and "Credit $" in text and "Debit $" in text
    assert not re.search(r"-0\.00|e\+|e-0", text + header)


def test_card_buttons_emit_intents(qtbot, calendar):
    view = EarningsAnalysisView()
    qtbot.addWidget(view)
    view.show_analysis(_analysis(calendar))
    chain, legs, alerts = [], [], []
    view.open_chain_requested.connect(lambda *args: chain.append(args))
    view.add_position_requested.connect(legs.append)
    view.alert_requested.connect(lambda *args: alerts.append(args))
    straddle = view.cards[0]
    straddle.buttons["chain"].click()
    straddle.buttons["add"].click()
    next(b for k, b in straddle.buttons.items() if k.startswith("alert")).click()
    assert chain == [("AAPL", FRI, straddle.idea.strike)]
    assert legs == [straddle.idea.legs] and all(leg.symbol.startswith("AAPL") for leg in legs[0])
    assert alerts == [("AAPL", straddle.idea.break_evens[0])]


def test_crush_heatmap_follows_the_selected_card(qtbot, calendar):
    view = EarningsAnalysisView()
    qtbot.addWidget(view)
    a = _analysis(calendar)
    view.show_analysis(a)
    assert view.selected == "long straddle" and view.crush.grid is a.crush["long straddle"]
    view.cards[3].buttons["crush"].click()
    grid = a.crush["calendar"]
    assert view.selected == "calendar" and view.crush.grid is grid
    shade = view.crush.image.image
    assert np.array_equal(np.sign(shade), np.sign(grid.pnl)) and np.max(np.abs(shade)) == 1.0
    ticks = view.crush.getAxis("left")._tickLevels[0]
    assert [label for _, label in ticks] == [s.label for s in grid.scenarios]
    vb = view.crush.getPlotItem().vb
    view.crush._hover(vb.mapViewToScene(QPointF(float(grid.moves_pct[12]), 1.0)))
    assert view.crush.readout.text().startswith(f"Move 0.00% ({250:,.2f}), implied post-event IV: P&L ")
    view.show_analysis(a)  # a refresh keeps the chosen card
    assert view.selected == "calendar"


def test_reason_when_nothing_to_show(qtbot, calendar):
    view = EarningsAnalysisView()
    qtbot.addWidget(view)
    view.show_reason("No options data from the replay provider.")
    assert view.empty.showing_reason and view.empty.note.text() == "No options data from the replay provider."
    bare = EarningsAnalysis("ZZZ", NOW, math.nan, None, None, reason="No upcoming report for ZZZ.")
    view.show_analysis(bare)
    assert view.empty.note.text() == "No upcoming report for ZZZ."
    view.show_analysis(_analysis(calendar, reason="No daily bars for AAPL: none."))
    assert not view.empty.showing_reason and "No daily bars" in view.notes.text()


def test_the_traders_own_crush_scenario(qtbot, calendar):
    view = EarningsAnalysisView()
    qtbot.addWidget(view)
    a = _analysis(calendar)
    view.show_analysis(a)
    asked = []
    view.scenario_requested.connect(lambda *args: asked.append(args))
    view.drop.setValue(25.0)
    view.drop_button.click()
    view.drop_kind.setCurrentIndex(1)
    assert view.drop.value() == 0.6
    view.drop_button.click()
    assert asked == [("long straddle", "points", 25.0), ("long straddle", "fraction", 0.6)]
    mine = a.crush["calendar"]  # any grid object stands in for the service's answer
    view.show_crush("iron condor", mine)
    assert view.crush.grid is a.crush["long straddle"]  # another card's: kept for when it is chosen
    view.cards[2].buttons["crush"].click()
    assert view.crush.grid is mine
    view.show_analysis(a)  # a new analysis drops the old scenarios
    assert view.crush.grid is a.crush["iron condor"]
