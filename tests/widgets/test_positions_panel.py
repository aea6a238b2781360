"""The Positions panel on hand-made records and views: a row per position with its legs, live
figures that match the tracker's view, stale legs greyed and left out (never zeros), realized P&L
for closed positions, the filter, the detail, the advice's actions and the context menu."""

from __future__ import annotations

from dataclasses import replace

from tests.widgets.positions_records import NOW, closed_record, condor_record, condor_view, occ
from widgets.positions.cells import COLUMNS, DIM, money
from widgets.positions.panel import PositionsPanel, chain_strike


def _panel(qtbot, **view_args) -> tuple[PositionsPanel, object]:
    panel = PositionsPanel(now=lambda: NOW)
    qtbot.addWidget(panel)
    panel.set_positions((condor_record(), closed_record()))
    view = condor_view(**view_args)
    panel.set_views((view,))
    return panel, view


def test_a_row_per_open_position_with_the_views_figures(qtbot) -> None:
    panel, view = _panel(qtbot)
    tree, v = panel.tree, view.value
    assert tree.model_.rowCount() == 1  # "Open" by default: the closed spread is not listed
    assert tree.text(7, "Position") == "SPX iron condor"
    assert tree.text(7, "Qty") == "1 × 4 legs" and tree.text(7, "DTE") == "17"
    assert tree.text(7, "P&L") == money(v.pnl) == "+$100"
    assert tree.text(7, "P&L %") == f"{v.pnl_pct:+,.1f} %"
    assert tree.text(7, "Θ/day") == money(v.theta) and tree.text(7, "PoP") == "64 %"
    assert tree.text(7, "Open") == "$600 cr"
    assert tree.text(7, "Advice").startswith("Act: Take profit") and tree.text(7, "Advice").endswith("+1")


def test_legs_expand_under_their_position(qtbot) -> None:
    panel, view = _panel(qtbot)
    top = panel.tree.model_.item(0, 0)
    assert top.rowCount() == 4
    assert panel.tree.text(7, "Position", leg=1).strip() == "Mar 20 '26 5,850 P"
    assert panel.tree.text(7, "Qty", leg=1) == "-1"
    assert panel.tree.text(7, "Mark", leg=1) == "5.50"
    assert "bid 5.40 / ask 5.60" in top.child(1, COLUMNS.index("Mark")).toolTip()
    assert panel.tree.text(7, "P&L", leg=1) == money(view.value.legs[1].pnl)


def test_a_stale_leg_is_greyed_and_the_total_says_it_is_partial(qtbot) -> None:
    panel, _view = _panel(qtbot, stale_symbol=occ(5800, False))
    top = panel.tree.model_.item(0, 0)
    mark = top.child(0, COLUMNS.index("Mark"))
    assert mark.text() == "—" and "Stale mark" in mark.toolTip() and "3 min" in mark.toolTip()
    assert mark.foreground().color() == DIM
    assert panel.tree.text(7, "P&L %") == "—"  # a percentage of part of a trade means nothing
    pnl = panel.tree.model_.item(0, COLUMNS.index("P&L"))
    assert "Partial: 1 of 4 legs" in pnl.toolTip()


def test_live_updates_keep_the_expanded_rows_and_the_selection(qtbot) -> None:
    panel, _view = _panel(qtbot)
    panel.tree.expand(panel.tree.model_.index(0, 0))
    panel.set_views((condor_view(stale_symbol=occ(6100, True)),))
    assert panel.tree.isExpanded(panel.tree.model_.index(0, 0)) and panel.tree.selected_id() == 7


def test_closed_positions_show_their_realized_pnl(qtbot) -> None:
    panel, _view = _panel(qtbot)
    panel.filter.setCurrentText("Closed")
    assert panel.tree.model_.rowCount() == 1
    assert panel.tree.text(3, "Qty") == "closed" and panel.tree.text(3, "P&L") == "+$250"
    panel.filter.setCurrentText("All")
    assert panel.tree.model_.rowCount() == 2


def test_no_positions_says_how_to_enter_one(qtbot) -> None:
    panel = PositionsPanel(now=lambda: NOW)
    qtbot.addWidget(panel)
    panel.set_offers(lambda action: action != "new")
    panel.set_positions(())
    assert panel.empty.showing_reason and "options chain" in panel.empty.note.text()
    assert panel.new_button.isHidden()


def test_the_detail_shows_the_read_the_history_and_the_advice(qtbot) -> None:
    panel, _view = _panel(qtbot)
    detail = panel.detail
    assert "break-evens 5,844.00, 6,056.00" in detail.read.text() and "max loss −$4,400" in detail.read.text()
    assert "PoP 64 %" in detail.read.text()
    assert detail.events.rowCount() == 1 and detail.events.item(0, 1).text() == "opened"
    assert detail.events.item(0, 0).text().endswith("ET")
    assert len(detail.advice.cards) == 2
    texts = [w.text() for w in detail.advice.cards[0].findChildren(type(detail.title))]
    assert any("credit kept 48.3 %" in t for t in texts) and any("Buy to close 1 Mar 20 5,850 P @ 5.50" in t
                                                                 for t in texts)


def test_do_it_snooze_and_dismiss_ask_for_the_advice(qtbot) -> None:
    from PySide6.QtWidgets import QPushButton

    panel, view = _panel(qtbot)
    done, snoozed = [], []
    panel.action_requested.connect(lambda pid, a: done.append((pid, a.rule)))
    panel.snooze_requested.connect(lambda a: snoozed.append(a.rule))
    buttons = {b.text(): b for b in panel.detail.advice.cards[0].findChildren(QPushButton)}
    buttons["Do it"].click()
    buttons["Snooze 1 h"].click()
    assert done == [(7, "take_profit")] and snoozed == ["take_profit"]
    panel.hide_advice(view.advice[0].key, 60)
    assert len(panel.detail.advice.cards) == 1 and not panel.tree.text(7, "Advice").startswith("Act")


def test_notes_are_asked_for(qtbot) -> None:
    panel, _view = _panel(qtbot)
    notes = []
    panel.note_requested.connect(lambda pid, text: notes.append((pid, text)))
    panel.detail.note_edit.setText("  took it for the range day ")
    panel.detail.add_note.click()
    assert notes == [(7, "took it for the range day")]


def test_the_context_menu_offers_chart_chain_alert_close_stop_and_the_advice(qtbot) -> None:
    panel, view = _panel(qtbot)
    closes, stops = [], []
    panel.close_requested.connect(lambda pid, prices: closes.append((pid, prices)))
    panel.stop_requested.connect(lambda pid, level: stops.append((pid, level)))
    panel.confirm = lambda _text: True
    panel.ask_prices = lambda record, marks: {s: round(m, 2) for s, m in marks.items()}
    panel.ask_stop = lambda record, suggested: 5900.0
    panel.symbol_actions.offers = lambda _name: True
    actions = {a.text(): a for a in panel.menu_for(7).actions() if a.text()}
    shared = ["Open SPX chart", "Open chain near strike 5,850.00", "Alert at strike 5,850.00…",
              "Track setup at strike 5,850.00…", "Ask the coach about SPX"]
    assert list(actions)[:5] == shared  # the shared list first, then the position's own
    assert "Close: Take profit: 48 % of the credit kept" in actions
    assert view.value.value == -500.0
    actions["Close at mid (≈ $500 debit)…"].trigger()
    actions["Close at a price…"].trigger()
    actions["Set stop…"].trigger()
    assert closes[0] == (7, None) and closes[1][1][occ(5850, False)] == 5.5
    assert stops == [(7, 5900.0)]


def test_the_chain_opens_near_the_short_strike_closest_to_the_money(qtbot) -> None:
    view = condor_view()
    assert chain_strike(condor_record(), view) == 5850.0  # spot 5,950: both shorts 100 away, the put's first
    far = view.value._replace(underlying_price=6040.0)
    assert chain_strike(condor_record(), replace(view, value=far)) == 6050.0
