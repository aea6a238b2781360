"""Status bar: provider, market session (from the XNYS calendar), ET clock, engine health, sync."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from widgets.view_looks import STATUS_LABEL_MARGINS

if TYPE_CHECKING:  # (the calendar and sync modules are imported when first shown: after the first paint)
    from data.market_calendar import MarketStatus
    from data.sync.status import SyncStatus

SESSION_COLORS = {"regular": "#26a69a", "pre": "#ffb300", "after": "#ffb300", "closed": "#9e9e9e"}  # by SessionState
HEALTH_COLORS = {"ok": "#26a69a", "starting": "#9e9e9e", "degraded": "#ffb300", "failing": "#ef5350"}
SYNC_COLORS = {"synced": "#26a69a", "syncing": "#9e9e9e", "offline": "#ffb300", "error": "#ef5350"}


class MarketStatusBar(QStatusBar):
    def __init__(self) -> None:
        super().__init__()
        self.provider_label = QLabel("Provider: …")
        self.symbol_label = QLabel("")
        self.session_label = QLabel("Market: …")
        self.clock_label = QLabel("--:--:-- ET")
        self.health_label = QLabel("Engine: starting")
        self.sync_label = QLabel("")  # shown once signed in to an account
        self.sync_label.hide()
        for label in (self.symbol_label, self.provider_label, self.session_label, self.clock_label,
                      self.health_label, self.sync_label):
            label.setContentsMargins(*STATUS_LABEL_MARGINS)
            self.addPermanentWidget(label)
        self._error_timer = QTimer(self, singleShot=True, interval=10_000)
        self._error_timer.timeout.connect(self.clearMessage)

    def set_provider(self, text: str) -> None:
        self.provider_label.setText(f"Provider: {text}")

    def set_active_symbol(self, symbol: str) -> None:
        self.symbol_label.setText(f"Symbol: <b>{symbol}</b>")

    def set_market(self, status: MarketStatus, now: datetime, simulated: bool, paused: bool = False) -> None:
        from data.market_calendar import ET

        color = SESSION_COLORS[status.state.value]
        self.session_label.setText(f"Market: <span style='color:{color}'>{status.state.value}</span>"
                                   f" · {status.reason}")
        et = now.astimezone(ET)
        # "paused" in words: the pause glyph (U+23F8) is missing from DejaVu Sans, Debian's default font
        sim, pause = "SIM " if simulated else "", " · paused" if paused else ""
        self.clock_label.setText(f"{sim}{et:%a %b %d %H:%M:%S} ET{pause}")

    def set_health(self, summary: str, dropped_ticks: int = 0) -> None:
        color = HEALTH_COLORS.get(summary, "#9e9e9e")
        dropped = f" · {dropped_ticks:,} bad ticks dropped" if dropped_ticks else ""
        self.health_label.setText(f"Engine: <span style='color:{color}'>{summary}</span>{dropped}")

    def set_sync(self, status: SyncStatus) -> None:
        from data.sync.status import OFF

        if status.state == OFF:
            self.sync_label.hide()
            return
        waiting = f" · {status.waiting:,} waiting" if status.waiting else ""
        color = SYNC_COLORS.get(status.state, "#9e9e9e")
        word = "syncing…" if status.state == "syncing" else status.state
        self.sync_label.setText(f"Sync: <span style='color:{color}'>{word}</span>{waiting}")
        self.sync_label.setToolTip(status.detail or f"Signed in as {status.email} at {status.server}")
        self.sync_label.show()

    def show_error(self, text: str) -> None:
        self.showMessage(f"⚠ {text}")
        self._error_timer.start()
