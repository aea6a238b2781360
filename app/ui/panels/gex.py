"""Wire the GEX panel to the options service, and its flip/walls to the price chart.

"Exclude 0DTE" (a saved preference) shows a profile recomputed without today's expiry, off the
GUI thread, for each snapshot; off, the snapshot's own profile is shown as it comes.
"""

from __future__ import annotations

import asyncio
from typing import Any

from app.core.workspace import Workspace
from app.ui import symbol_actions
from app.ui.intents import ChartLevel, DrawChartLevels
from app.ui.panel_host import PanelHost
from app.ui.panels.options_feed import NewestView, follow_options
from data.store.preference_specs import GEX_CONVENTIONS
from widgets.gex_panel import COLORS, GexPanel

LABELS = {"flip": "GEX flip", "call_wall": "Call wall", "put_wall": "Put wall"}
PREFERENCE = "gex_exclude_0dte"
CONVENTION_PREFERENCE = "gex_convention"  # the sign convention shown (here or chosen in Preferences)


def without_0dte(snapshot: Any) -> tuple[str, Any, str]:
    """(symbol, profile without today's expiry, note) of a snapshot; runs in a worker thread."""
    import numpy as np

    from analytics.gex import gex_without_expiry, same_day_expiry

    today = same_day_expiry(snapshot.chain)
    if not np.any(snapshot.chain.expiry == np.datetime64(today, "D")):
        # AAPL lists no daily expiry: "without 0DTE (Dec 01)" claimed one; the plain profile it is
        return snapshot.symbol, snapshot.gex, f"{_note(snapshot)} · no 0DTE expiry today"
    profile = gex_without_expiry(snapshot.chain, snapshot.spot, today, r=snapshot.r, q=snapshot.q,
                                 T=snapshot.greeks.T, greeks=snapshot.greeks)
    return snapshot.symbol, profile, f"{_note(snapshot)} · without 0DTE ({today:%b %d})"


def _note(snapshot: Any) -> str:
    return f"{snapshot.provider} · {snapshot.compute_ms:.0f} ms"


def build(host: PanelHost) -> GexPanel:
    panel = GexPanel()
    latest: dict[str, Any] = {}
    views: NewestView[tuple[str, Any, str]] = NewestView(host, lambda view: panel.set_profile(*view))

    def show(snapshot: Any | None = None) -> None:
        snapshot = latest["snapshot"] = snapshot or latest.get("snapshot")
        if snapshot is None:
            return
        if panel.exclude_0dte.isChecked():
            views.request(lambda: asyncio.to_thread(without_0dte, snapshot))
        else:
            views.drop()  # an answer still computing for "excluded" must not land after this one
            panel.set_profile(snapshot.symbol, snapshot.gex, _note(snapshot))

    def unavailable(symbol: str, reason: str) -> None:
        latest.pop("snapshot", None)
        views.drop()
        panel.set_unavailable(symbol, reason)

    def exclude_changed(on: bool) -> None:
        show()
        host.run(host.engine.service(Workspace).set_preference(PREFERENCE, on),
                 lambda msg: panel.status.setText(f"Could not save the 0DTE choice: {msg}"))

    def draw_on_chart(levels: dict[str, float | None] | None) -> None:
        lines = tuple(ChartLevel(name, value, LABELS[name], COLORS[name])
                      for name, value in (levels or {}).items() if value is not None)
        host.intents.request(DrawChartLevels("gex", lines, panel.options_link.symbol() if lines else ""))

    def restore() -> None:
        prefs = host.engine.service(Workspace).preferences
        panel.set_exclude_0dte(bool(prefs.get(PREFERENCE, False)))
        show_convention(prefs.get(CONVENTION_PREFERENCE))

    def show_convention(value: object) -> None:  # the saved choice (here or in Preferences)
        if value in GEX_CONVENTIONS and GEX_CONVENTIONS.index(value) != panel.convention.currentIndex():
            panel.convention.setCurrentIndex(GEX_CONVENTIONS.index(value))

    def convention_chosen(index: int) -> None:
        value = GEX_CONVENTIONS[index]
        if host.engine.started and host.engine.service(Workspace).preferences.get(CONVENTION_PREFERENCE) != value:
            host.run(host.engine.service(Workspace).set_preference(CONVENTION_PREFERENCE, value), panel.status.setText)

    host.when_engine_ready(restore)
    panel.convention.currentIndexChanged.connect(convention_chosen)
    host.bridge.preference_changed.connect(
        lambda key, value: show_convention(value) if key == CONVENTION_PREFERENCE else None)
    follow_options(host, panel, show, unavailable)
    panel.exclude_0dte_changed.connect(exclude_changed)
    panel.levels_changed.connect(draw_on_chart)
    symbol_actions.connect(host, panel.symbol_actions, "gex", panel.status.setText)
    return panel
