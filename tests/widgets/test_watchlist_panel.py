"""Watchlist panel fed with quotes."""

from __future__ import annotations

from data.models import Quote


def test_watchlist_says_no_data_for_symbols_the_provider_cannot_quote(qtbot) -> None:
    from widgets.watchlist_panel import NO_DATA_AFTER_S, WatchlistModel

    now = [0.0]
    model = WatchlistModel(clock=lambda: now[0])
    model.set_symbols(["SPY", "ZZZZ"])
    assert model.data(model.index(1, 1)) == "…"
    model.update_quote(Quote("SPY", 1, 600.0, 599.99, 600.01, 598.0, 1e6))
    now[0] = NO_DATA_AFTER_S + 1
    assert model.data(model.index(1, 1)) == "no data" and model.data(model.index(1, 2)) == ""
    assert model.data(model.index(0, 1)) == "600.00"


def test_numbers_are_never_elided_in_a_narrow_dock(qtbot) -> None:
    from tests.widgets.table_checks import elided_cells, exponent_texts
    from widgets.watchlist_panel import WatchlistPanel, WatchlistView

    panel = WatchlistPanel()
    qtbot.addWidget(panel)
    panel.resize(340, 300)
    panel.show()
    panel.set_watchlists([WatchlistView(1, "Default", ("SPY", "NDX", "BRK.A"))], 1)
    panel.update_quote(Quote("SPY", 1, 648.27, 648.26, 648.28, 648.13, 256_889))
    panel.update_quote(Quote("NDX", 1, 24_317.08, 24_317.0, 24_318.0, 24_739.29, 0))
    panel.update_quote(Quote("BRK.A", 1, 712_345.5, 712_300.0, 712_400.0, 715_000.0, 999_999))
    assert elided_cells(panel.table) == [] and exponent_texts(panel.model) == []
    assert panel.table.columnWidth(1) > panel.table.horizontalHeader().sectionSizeHint(1)  # grew to "712,345.50"
