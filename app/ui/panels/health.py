"""Wire the worker health panel to the engine's health registry."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from app.ui.panel_host import PanelHost
from widgets.health_panel import HealthPanel, HealthView


def build(host: PanelHost) -> HealthPanel:
    panel = HealthPanel()
    registry = host.engine.health

    def refresh(*_args: object) -> None:
        # heartbeats are monotonic; the panel ages them against the wall clock
        rows = [HealthView(h.name, h.state.value, registry.wall_time(h.last_heartbeat), h.restarts,
                           " · ".join(t for t in (h.detail, h.last_error or "") if t) or None)
                for h in registry.snapshot()]
        panel.set_health(rows, registry.summary())

    # a burst of changes (every worker starting) is one refresh: each resizes the columns to their contents
    soon = QTimer(panel, singleShot=True, interval=100)
    soon.timeout.connect(refresh)
    host.bridge.health_changed.connect(lambda _name: soon.isActive() or soon.start())
    timer = QTimer(panel)  # heartbeat ages tick even when nothing changes
    timer.setInterval(1000)
    timer.timeout.connect(refresh)
    timer.start()
    refresh()
    return panel
