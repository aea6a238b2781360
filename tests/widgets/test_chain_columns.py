"""The chain reads like thinkorswim's and never elides a number: 5-digit NDX strikes, volumes
and open interest at realistic widths; columns that do not fit drop off, never a scroll bar."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from data.market_calendar import ET
from tests.core.options_snapshots import demo_snapshot
from tests.widgets.table_checks import elided_cells, elided_headers, exponent_texts
from widgets.options_chain_panel import COLUMNS, OptionsChainPanel

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=ET)


def _shown_fields(panel: OptionsChainPanel) -> set[str]:
    return {COLUMNS[c][1] for c in range(len(COLUMNS)) if not panel.table.isColumnHidden(c)}


def _big_ndx(calendar):
    snap = demo_snapshot(calendar, "NDX", NOON)
    chain = replace(snap.chain, volume=snap.chain.volume * 7 + 10_000, open_interest=snap.chain.open_interest * 3)
    return snap, chain


@pytest.mark.parametrize("width", [1280, 1366, 640])
def test_no_number_is_elided_nor_written_with_an_exponent(qtbot, calendar, width: int) -> None:
    snap, chain = _big_ndx(calendar)
    panel = OptionsChainPanel()
    qtbot.addWidget(panel)
    panel.resize(width, 500)
    panel.show()
    panel.set_snapshot(chain, snap.greeks, snap.spot)
    qtbot.waitUntil(lambda: panel.table.viewport().width() > 0)
    assert panel.model.strikes.max() >= 10_000 and chain.volume.max() >= 10_000
    assert elided_cells(panel.table) == [] and elided_headers(panel.table) == []
    assert exponent_texts(panel.model) == []
    assert panel.table.horizontalScrollBar().maximum() == 0  # everything shown fits: no sideways scrolling
    assert {"bid", "ask", "strike"} <= _shown_fields(panel)
    if width >= 1280:  # a full-width chain shows every default column, Θ and vega included
        assert {"theta", "vega", "delta", "iv", "volume", "open_interest"} <= _shown_fields(panel)
        assert panel.columns.dropped == [] and panel.columns.button.text() == "Columns ▾"
    else:
        assert panel.columns.dropped and "hidden" in panel.columns.button.text()


def test_a_value_that_grows_a_digit_widens_its_column(qtbot, calendar) -> None:
    snap = demo_snapshot(calendar, "SPX", NOON)
    panel = OptionsChainPanel()
    qtbot.addWidget(panel)
    panel.resize(1366, 500)
    panel.show()
    small = replace(snap.chain, volume=snap.chain.volume % 1000)
    panel.set_snapshot(small, snap.greeks, snap.spot)
    panel.set_snapshot(replace(snap.chain, volume=snap.chain.volume % 1000 + 98_000), snap.greeks, snap.spot)
    assert elided_cells(panel.table) == []


def test_columns_chooser_and_thinkorswim_order(qtbot, calendar) -> None:
    snap = demo_snapshot(calendar, "SPX", NOON)
    panel = OptionsChainPanel()
    qtbot.addWidget(panel)
    panel.resize(1600, 500)
    panel.show()
    panel.set_snapshot(snap.chain, snap.greeks, snap.spot)
    header = [panel.model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))
              if not panel.table.isColumnHidden(c)]
    assert header == ["Vega", "Θ", "Δ", "IV", "OI", "Vol", "Bid", "Ask", "Strike", "Bid", "Ask", "Vol", "OI", "IV",
                      "Δ", "Θ", "Vega"]
    gamma = next(a for a in panel.columns.menu.actions() if a.text() == "Gamma")
    gamma.setChecked(True)
    assert "gamma" in _shown_fields(panel) and elided_cells(panel.table) == []
    next(a for a in panel.columns.menu.actions() if a.text() == "Open interest").setChecked(False)
    assert "open_interest" not in _shown_fields(panel)


def test_more_rows_bring_a_vertical_bar_but_no_horizontal_one(qtbot, calendar) -> None:
    snap, chain = _big_ndx(calendar)
    for width in range(600, 760, 6):  # some width leaves less spare room than the bar takes
        panel = OptionsChainPanel()
        qtbot.addWidget(panel)
        panel.resize(width, 1400)  # tall: ±10 strikes need no vertical bar
        panel.show()
        panel.strike_range.setCurrentIndex(0)
        panel.set_snapshot(chain, snap.greeks, snap.spot)
        qtbot.waitUntil(lambda p=panel: not p.table.verticalScrollBar().isVisible())
        panel.strike_range.setCurrentIndex(3)  # every strike: now they scroll vertically
        qtbot.waitUntil(lambda p=panel: p.table.verticalScrollBar().isVisible())
        assert panel.table.horizontalScrollBar().maximum() == 0, width
        panel.close()
