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
