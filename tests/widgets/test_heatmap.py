"""The heatmap panel fed a grid (in the app: tests/ui/test_heatmap_in_app.py)."""

from __future__ import annotations

from datetime import datetime

from app.core.heatmap import heatmap_view
from data.market_calendar import ET
from tests.core.options_snapshots import demo_snapshot
from widgets.heatmap_panel import HeatmapPanel


def test_the_panel_asks_for_a_grid_and_draws_the_answer(qtbot, calendar) -> None:
    snap = demo_snapshot(calendar, "SPX", datetime(2026, 11, 25, 12, 0, tzinfo=ET))
    panel = HeatmapPanel()
    qtbot.addWidget(panel)
    asked: list[tuple[str, int, int]] = []
    panel.view_changed.connect(lambda: asked.append(panel.wanted()))
    panel.mode.setCurrentText("IV")
    panel.strikes.setValue(30)
    assert asked == [("IV", 5, 50), ("IV", 5, 30)] and panel.grid is None  # nothing computed here
    view = heatmap_view(snap, *panel.wanted())
    panel.show_grid(snap.symbol, snap.spot, snap.chain, snap.greeks, view.grid)
    assert panel.grid is view.grid and panel.is_ready() and panel.status.text().startswith("IV (decimal IV)")
