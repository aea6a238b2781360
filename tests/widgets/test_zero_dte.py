"""The 0DTE panel fed a view: a stale risk answer is ignored (in the app: tests/ui/test_zero_dte_in_app.py)."""

from __future__ import annotations

from datetime import datetime

from app.core.zero_dte import contract_risk_of, zero_dte_view
from data.market_calendar import ET
from tests.core.options_snapshots import demo_snapshot
from widgets.zero_dte_panel import ZeroDtePanel


def test_a_risk_answer_for_a_contract_no_longer_picked_is_ignored(qtbot, calendar) -> None:
    snap = demo_snapshot(calendar, "SPX", datetime(2026, 11, 25, 14, 30, tzinfo=ET), open_price=6000.0)
    view = zero_dte_view(snap, calendar)
    panel = ZeroDtePanel()
    qtbot.addWidget(panel)
    chosen: list[int] = []
    panel.contract_chosen.connect(chosen.append)
    panel.show_summary(snap.symbol, snap.spot, snap.chain, view.summary, snap.greeks, view.note)
    picked = chosen[-1]
    other = contract_risk_of(view, next(row for row in panel._rows if row != picked))
    panel.show_risk(other.row, other.risk, other.clock)
    assert "Δ" not in panel.risk.text()
    answer = contract_risk_of(view, picked)
    panel.show_risk(answer.row, answer.risk, answer.clock)
    assert f"Δ {answer.risk.delta:.3f}" in panel.risk.text() and len(panel._clock_line.getData()[0]) > 1


def _show(panel: ZeroDtePanel, snap, calendar):
    view = zero_dte_view(snap, calendar)
    panel.show_summary(snap.symbol, snap.spot, snap.chain, view.summary, snap.greeks, view.note)
    return view


def _texts(panel: ZeroDtePanel) -> list[str]:
    cells = [panel.top.item(r, c).text() for r in range(panel.top.rowCount()) for c in range(panel.top.columnCount())]
    picks = [panel.contract.itemText(i) for i in range(panel.contract.count())]
    return [panel.symbol.text(), panel.risk.text(), *picks, *(label.text() for label in panel.facts.values()), *cells]


def test_nothing_of_the_previous_symbol_stays(qtbot, calendar) -> None:
    at = datetime(2026, 11, 25, 14, 30, tzinfo=ET)
    spx = demo_snapshot(calendar, "SPX", at, open_price=6000.0)
    panel = ZeroDtePanel()
    qtbot.addWidget(panel)
    chosen: list[int] = []
    panel.contract_chosen.connect(chosen.append)
    view = _show(panel, spx, calendar)
    panel.contract.setCurrentIndex(3)
    answer = contract_risk_of(view, chosen[-1])
    panel.show_risk(answer.row, answer.risk, answer.clock)
    assert "Δ" in panel.risk.text() and "SPX" in panel.contract.currentText()
    for other in ("QQQ", "NVDA"):  # QQQ lists a same-day expiry, NVDA none on a Wednesday
        _show(panel, spx, calendar)
        panel.show_risk(answer.row, answer.risk, answer.clock)
        _show(panel, demo_snapshot(calendar, other, at, open_price=500.0), calendar)
        shown = _texts(panel)
        assert not any("SPX" in t for t in shown), (other, shown)
        assert "Δ" not in panel.risk.text() and len(panel._clock_line.getData()[0] or []) == 0


def test_the_most_traded_table_never_elides(qtbot, calendar) -> None:
    from dataclasses import replace

    from tests.widgets.table_checks import elided_cells, exponent_texts

    snap = demo_snapshot(calendar, "NDX", datetime(2026, 11, 25, 14, 30, tzinfo=ET), open_price=24_000.0)
    panel = ZeroDtePanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 500)
    panel.show()
    _show(panel, replace(snap, chain=replace(snap.chain, volume=snap.chain.volume % 100)), calendar)
    _show(panel, replace(snap, chain=replace(snap.chain, volume=snap.chain.volume * 10 + 10_000)), calendar)
    assert panel.top.rowCount() > 0 and elided_cells(panel.top) == [] and exponent_texts(panel.top.model()) == []


def test_most_traded_deltas_have_three_decimals_and_no_minus_zero(qtbot, calendar) -> None:
    # A far put's Δ read "-0.00" (two decimals through numbers.price).
    import re

    snap = demo_snapshot(calendar, "SPX", datetime(2026, 11, 25, 14, 30, tzinfo=ET), open_price=6_800.0)
    panel = ZeroDtePanel()
    qtbot.addWidget(panel)
    _show(panel, snap, calendar)
    model = panel.top.model()
    deltas = [model.index(r, model.columnCount() - 1).data() for r in range(model.rowCount())]
    assert deltas and all(re.fullmatch(r"-?[01]\.\d{3}", d) and d != "-0.000" for d in deltas), deltas


def test_an_empty_most_traded_table_says_why(qtbot, calendar) -> None:
    # Pre-market the table was empty with no word of explanation.
    from widgets.zero_dte_panel import NO_EXPIRY, NO_TRADES

    panel = ZeroDtePanel()
    qtbot.addWidget(panel)
    _show(panel, demo_snapshot(calendar, "SPX", datetime(2026, 11, 25, 8, 0, tzinfo=ET)), calendar)
    assert panel.top.rowCount() == 0 and not panel.top_note.isHidden() and panel.top_note.text() == NO_TRADES
    _show(panel, demo_snapshot(calendar, "SPX", datetime(2026, 11, 25, 11, 0, tzinfo=ET)), calendar)
    assert panel.top.rowCount() > 0 and panel.top_note.isHidden()
    _show(panel, demo_snapshot(calendar, "AAPL", datetime(2026, 11, 25, 11, 0, tzinfo=ET)), calendar)
    assert panel.top.rowCount() == 0 and panel.top_note.text() == NO_EXPIRY
