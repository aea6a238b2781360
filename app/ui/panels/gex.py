"""Wire the GEX panel to the options service, and its flip/walls to the price chart."""

from __future__ import annotations

from typing import Any

from app.ui.intents import ChartLevel, DrawChartLevels
from app.ui.panel_host import PanelHost
from app.ui.panels.options_feed import follow_options
from widgets.gex_panel import COLORS, GexPanel

LABELS = {"flip": "GEX flip", "call_wall": "Call wall", "put_wall": "Put wall"}


def build(host: PanelHost) -> GexPanel:
    panel = GexPanel()

    def show(snapshot: Any) -> None:
        panel.set_profile(snapshot.symbol, snapshot.gex, f"{snapshot.provider} · {snapshot.compute_ms:.0f} ms")

    def draw_on_chart(levels: dict[str, float | None] | None) -> None:
        lines = tuple(ChartLevel(name, value, LABELS[name], COLORS[name])
                      for name, value in (levels or {}).items() if value is not None)
        host.intents.request(DrawChartLevels("gex", lines))

    follow_options(host, panel, show, panel.set_unavailable)
    panel.levels_changed.connect(draw_on_chart)
    return panel
