"""Wire the IV panel: statistics from each snapshot; rank from stored IV (or an HV proxy)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np

from app.core.workspace import Workspace
from app.ui.panel_host import PanelHost
from app.ui.panels.options_feed import follow_options
from data.models import Timeframe
from widgets.iv_panel import IvPanel

HISTORY_DAYS = 400


def build(host: PanelHost) -> IvPanel:
    panel = IvPanel()
    cache: dict[str, Any] = {}  # symbol → (stored IVs, daily closes), reloaded when IV is recorded

    async def load(symbol: str) -> tuple[np.ndarray, np.ndarray]:
        from data.store import iv_history

        stored = await host.engine.context.store.run(lambda s: iv_history.history(s, symbol))
        provider = host.engine.context.provider
        end = provider.clock.now()
        bars = await provider.get_bars(symbol, Timeframe.D1, end - timedelta(days=HISTORY_DAYS), end)
        return np.array([iv for _d, iv, _at in stored]), np.asarray(bars.close, dtype=float)

    async def rank(snap: Any) -> None:
        from analytics.volatility import iv_rank

        if snap.symbol not in cache:
            cache[snap.symbol] = await load(snap.symbol)
        stored, closes = cache[snap.symbol]
        result = iv_rank(snap.iv.atm_30d, stored, closes)
        reason = "" if result is not None else "Not enough history yet for IV rank (stored IV or daily closes)."
        if snap.symbol == host.engine.service(Workspace).active_symbol:
            panel.show_rank(result, len(stored), reason)

    def show(snap: Any) -> None:
        panel.show_summary(snap.symbol, snap.iv, f"{snap.provider} · {len(snap.chain):,} contracts")
        host.run(rank(snap), lambda msg: panel.show_rank(None, 0, f"IV rank unavailable: {msg}"))

    follow_options(host, panel, show, panel.set_unavailable)
    host.bridge.iv_recorded.connect(lambda symbol: cache.pop(symbol, None))
    return panel
