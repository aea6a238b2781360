"""What every options panel subscribes to: the active symbol's snapshots and "no options"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.ui.panel_host import PanelHost


def follow_options(host: PanelHost, on_snapshot: Callable[[Any], None],
                   on_unavailable: Callable[[str, str], None]) -> None:
    """Call ``on_snapshot(OptionsSnapshot)`` for each fresh chain of the active symbol (late
    answers for a previous symbol are dropped), starting with the latest one if the engine
    already has it, and ``on_unavailable(symbol, reason)`` when there is no chain."""

    def snapshot(snap: Any) -> None:
        if snap.symbol == host.engine.workspace.active_symbol:
            on_snapshot(snap)

    def initial() -> None:
        latest = host.engine.options.latest if host.engine.options else None
        if latest is not None:
            snapshot(latest)

    host.bridge.options_updated.connect(snapshot)
    host.bridge.options_unavailable.connect(on_unavailable)
    host.when_engine_ready(initial)
