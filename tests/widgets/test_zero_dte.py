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
