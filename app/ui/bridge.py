"""The Qt bridge: re-emits engine bus events as Qt signals on the GUI thread — a pure mirror of
the bus (what panels ask of each other goes through ``app.ui.intents``).

Quotes are hot (several per symbol per second): they are merged per symbol and delivered at
most ~30 times a second in one batch, so panels repaint at a steady rate whatever the feed does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from app.core.bus import EventBus
from app.core.events import (
    ActiveSymbolChanged,
    AlertsChanged,
    AlertTriggered,
    BarUpdated,
    BriefReady,
    DrawingsChanged,
    EngineStarted,
    ErrorReported,
    FeedStateChanged,
    IvRecorded,
    JournalChanged,
    LinkedSymbolChanged,
    NotificationPosted,
    OptionsUnavailable,
    OptionsUpdated,
    PositionsChanged,
    PositionsValued,
    PreferenceChanged,
    ProviderChanged,
    QuoteUpdated,
    ServiceHealthChanged,
    SetupDetected,
    SetupsChanged,
    SetupTransitioned,
    SyncStatusChanged,
    WatchlistsChanged,
)

if TYPE_CHECKING:
    from data.models import Quote

FLUSH_MS = 33  # ~30 Hz


class QtBridge(QObject):
    quotes_updated = Signal(list)  # list[Quote], newest per symbol
    bar_updated = Signal(object)  # Bar
    active_symbol_changed = Signal(str)
    watchlists_changed = Signal(object)  # WatchlistsChanged
    preference_changed = Signal(str, object)
    health_changed = Signal(str)
    notification_posted = Signal(object)  # NotificationRecord
    error_reported = Signal(str, str)
    engine_started = Signal(str)
    alerts_changed = Signal(object)  # AlertsChanged
    alert_triggered = Signal(object)  # AlertTriggered
    feed_state_changed = Signal(str, str)  # state, message
    provider_changed = Signal(str)
    options_updated = Signal(object)  # OptionsSnapshot
    options_unavailable = Signal(str, str)  # symbol, reason
    iv_recorded = Signal(str)  # symbol whose daily IV was stored
    setup_detected = Signal(object)  # SetupDetected
    setups_changed = Signal(object)  # tuple[TrackedSetup, ...]
    setup_transitioned = Signal(object)  # SetupTransitioned
    positions_changed = Signal(object)  # tuple[PositionRecord, ...]
    positions_valued = Signal(object)  # tuple[PositionView, ...]
    journal_changed = Signal()
    brief_ready = Signal(object)  # BriefReady
    sync_status_changed = Signal(object)  # SyncStatus
    linked_symbol_changed = Signal(str, str)  # link group ("" none), symbol
    drawings_changed = Signal(str)  # symbol ("" any)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending_quotes: dict[str, Quote] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(FLUSH_MS)
        self._timer.timeout.connect(self._flush)
        self._timer.start()
        self._unsubscribe = [
            bus.subscribe(QuoteUpdated, self._on_quote),
            bus.subscribe(BarUpdated, lambda e: self.bar_updated.emit(e.bar)),
            bus.subscribe(ActiveSymbolChanged, lambda e: self.active_symbol_changed.emit(e.symbol)),
            bus.subscribe(WatchlistsChanged, self.watchlists_changed.emit),
            bus.subscribe(PreferenceChanged, lambda e: self.preference_changed.emit(e.key, e.value)),
            bus.subscribe(ServiceHealthChanged, lambda e: self.health_changed.emit(e.name)),
            bus.subscribe(NotificationPosted, lambda e: self.notification_posted.emit(e.record)),
            bus.subscribe(ErrorReported, lambda e: self.error_reported.emit(e.source, e.message)),
            bus.subscribe(EngineStarted, lambda e: self.engine_started.emit(e.provider)),
            bus.subscribe(AlertsChanged, self.alerts_changed.emit),
            bus.subscribe(AlertTriggered, self.alert_triggered.emit),
            bus.subscribe(FeedStateChanged, lambda e: self.feed_state_changed.emit(e.state, e.message)),
            bus.subscribe(ProviderChanged, lambda e: self.provider_changed.emit(e.provider)),
            bus.subscribe(OptionsUpdated, lambda e: self.options_updated.emit(e.snapshot)),
            bus.subscribe(OptionsUnavailable, lambda e: self.options_unavailable.emit(e.symbol, e.reason)),
            bus.subscribe(IvRecorded, lambda e: self.iv_recorded.emit(e.symbol)),
            bus.subscribe(SetupDetected, self.setup_detected.emit),
            bus.subscribe(SetupsChanged, lambda e: self.setups_changed.emit(e.setups)),
            bus.subscribe(SetupTransitioned, self.setup_transitioned.emit),
            bus.subscribe(PositionsChanged, lambda e: self.positions_changed.emit(e.positions)),
            bus.subscribe(PositionsValued, lambda e: self.positions_valued.emit(e.views)),
            bus.subscribe(JournalChanged, lambda _e: self.journal_changed.emit()),
            bus.subscribe(BriefReady, self.brief_ready.emit),
            bus.subscribe(SyncStatusChanged, lambda e: self.sync_status_changed.emit(e.status)),
            bus.subscribe(LinkedSymbolChanged, lambda e: self.linked_symbol_changed.emit(e.group, e.symbol)),
            bus.subscribe(DrawingsChanged, lambda e: self.drawings_changed.emit(e.symbol)),
        ]

    def _on_quote(self, event: QuoteUpdated) -> None:
        self._pending_quotes[event.quote.symbol] = event.quote

    def quotes_pending(self) -> bool:
        """Quotes have arrived that the next flush hands to the panels."""
        return bool(self._pending_quotes)

    def _flush(self) -> None:
        if self._pending_quotes:
            batch = list(self._pending_quotes.values())
            self._pending_quotes.clear()
            self.quotes_updated.emit(batch)

    def close(self) -> None:
        self._timer.stop()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
