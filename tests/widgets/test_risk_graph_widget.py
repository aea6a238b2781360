"""The risk graph view on a hand-built iron condor: today's, the expiry's and a chosen date's lines
drawn from the graph's rows, break-evens, spot and the expected-move band marked, the numbers in
its summary, and the band, date and IV shift asked for."""

from __future__ import annotations

import math
from datetime import date

import numpy as np

from analytics.risk_graph import risk_graph
from app.core.positions.legs import to_position
from tests.widgets.positions_records import EXPIRY, NOW, SPOT, condor_record
from widgets.positions.risk_graph_widget import RiskGraphWidget


def _graph(**kw):
    return risk_graph(to_position(condor_record()), SPOT, [0.18] * 4, 0.04, 0.0, NOW, span=0.10, **kw)


def _widget(qtbot) -> RiskGraphWidget:
    widget = RiskGraphWidget()
    qtbot.addWidget(widget)
    return widget


def test_the_lines_are_the_graphs_rows(qtbot) -> None:
    widget, graph = _widget(qtbot), _graph(dates=(date(2026, 3, 10),))
    assert widget.empty.showing_reason
    widget.show_graph(graph)
    assert not widget.empty.showing_reason
    x, y = widget.curves["today"].getData()
    assert np.array_equal(x, graph.spots) and np.allclose(y, graph.today)
    assert np.allclose(widget.curves["expiry"].getData()[1], graph.at_expiry)
    assert np.allclose(widget.curves["date"].getData()[1], graph.pnl[1])
    assert graph.spots[0] == SPOT * 0.9 and graph.spots[-1] == SPOT * 1.1


def test_break_evens_spot_and_the_band_are_marked(qtbot) -> None:
    widget, graph = _widget(qtbot), _graph()
    widget.show_graph(graph)
    shown = [line.value() for line in widget.break_even_lines if line.isVisible()]
    assert shown == list(graph.break_evens) and len(shown) == 2
    assert widget.spot_line.value() == SPOT
    low, high = graph.band
    assert math.isfinite(low) and widget.band.isVisible() and widget.band.getRegion() == (low, high)
    assert widget.summary.text().startswith(f"1σ {low:,.2f} – {high:,.2f}")
    text = widget.summary.toolTip()
    assert f"break-evens {graph.break_evens[0]:,.2f}, {graph.break_evens[1]:,.2f}" in text
    assert "max loss −$4,400" in text and "max profit $600" in text
    dated, _pnl = widget.curves["date"].getData()
    assert dated is None or len(dated) == 0  # no chosen date: no dashed line


def test_an_iv_shift_moves_todays_line_not_the_expiry(qtbot) -> None:
    widget = _widget(qtbot)
    base, shifted = _graph(), _graph(iv_shift=5.0)
    widget.show_graph(shifted)
    assert "IV +5.0 vol pts" in widget.summary.text()
    assert np.allclose(shifted.at_expiry, base.at_expiry) and not np.allclose(shifted.today, base.today)


def test_the_controls_ask_for_a_new_graph(qtbot) -> None:
    widget = _widget(qtbot)
    asked = []
    widget.params_changed.connect(lambda: asked.append(widget.wanted()))
    widget.set_date_range(date(2026, 3, 4), date(2026, 3, 19))
    widget.span.setValue(15)
    widget.use_date.setChecked(True)
    widget.date.setDate(date(2026, 3, 12))
    widget.iv_shift.setValue(-3.0)
    assert asked[0] == (0.15, None, 0.0)
    assert asked[-1] == (0.15, date(2026, 3, 12), -3.0)
    widget.date.setDate(date(2026, 4, 1))  # beyond the front expiry: held at the last day before it
    assert widget.wanted()[1] == date(2026, 3, 19) < EXPIRY


def test_a_reason_replaces_the_plot(qtbot) -> None:
    widget = _widget(qtbot)
    widget.show_graph(_graph())
    widget.show_reason("Waiting for the underlying's price to draw the risk graph…")
    assert widget.empty.showing_reason and widget.graph is None
