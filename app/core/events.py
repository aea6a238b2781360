"""Events on the engine's bus: small frozen dataclasses, one class per kind of fact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from data.store.records import (
    Alert,
    AlertTrigger,
    DetectionRecord,
    NotificationRecord,
    PositionRecord,
    TrackedSetup,
    Watchlist,
)
from data.sync.status import SyncStatus

if TYPE_CHECKING:  # numpy-backed models; not needed at run time here
    from app.core.positions.views import PositionView
    from app.core.snapshots import OptionsSnapshot
    from data.models import Bar, Quote, Timeframe


@dataclass(frozen=True, slots=True)
class Event:
    """Base class; subscribe to it to see every event."""


@dataclass(frozen=True, slots=True)
class QuoteUpdated(Event):
    quote: Quote


@dataclass(frozen=True, slots=True)
class BarUpdated(Event):
    bar: Bar  # bar.closed tells a forming update from a finished bar


@dataclass(frozen=True, slots=True)
class BarClosed(Event):
    """Published by app.core.market_state when a bar of a tracked timeframe has closed (decided on
    bar times, never the wall clock); read by the detectors."""

    symbol: str
    timeframe: Timeframe
    bar: Bar  # the finished bar, closed=True


@dataclass(frozen=True, slots=True)
class ActiveSymbolChanged(Event):
    symbol: str


@dataclass(frozen=True, slots=True)
class LinkedSymbolChanged(Event):
    """A link group's symbol changed (``group`` "" : a chart in no group showed another symbol)."""

    group: str
    symbol: str


@dataclass(frozen=True, slots=True)
class DrawingsChanged(Event):
    """A symbol's chart drawings changed ("": any symbol's, after a sync)."""

    symbol: str


@dataclass(frozen=True, slots=True)
class WatchlistsChanged(Event):
    watchlists: tuple[Watchlist, ...]
    active_id: int


@dataclass(frozen=True, slots=True)
class SymbolsNeededChanged(Event):
    symbols: frozenset[str]  # what the live stream must carry now


@dataclass(frozen=True, slots=True)
class PreferenceChanged(Event):
    key: str
    value: object


@dataclass(frozen=True, slots=True)
class ServiceHealthChanged(Event):
    name: str  # the full snapshot lives in the health registry


@dataclass(frozen=True, slots=True)
class NotificationPosted(Event):
    record: NotificationRecord


@dataclass(frozen=True, slots=True)
class ErrorReported(Event):
    source: str  # "loop", "thread", "sys", "bus", a service name …
    message: str


@dataclass(frozen=True, slots=True)
class EngineStarted(Event):
    provider: str


@dataclass(frozen=True, slots=True)
class AlertsChanged(Event):
    alerts: tuple[Alert, ...]  # every alert, any status


@dataclass(frozen=True, slots=True)
class AlertTriggered(Event):
    alert: Alert  # as stored after the trigger
    trigger: AlertTrigger


@dataclass(frozen=True, slots=True)
class FeedStateChanged(Event):
    state: str  # connected / delayed / backfilling / degraded / reconnecting / offline (data.models.ConnectionState)
    message: str


@dataclass(frozen=True, slots=True)
class ProviderChanged(Event):
    provider: str


@dataclass(frozen=True, slots=True)
class OptionsUpdated(Event):
    snapshot: OptionsSnapshot  # the active symbol's chain with greeks, freshly fetched


@dataclass(frozen=True, slots=True)
class OptionsUnavailable(Event):
    symbol: str
    reason: str  # shown by the options panels instead of numbers


@dataclass(frozen=True, slots=True)
class IvRecorded(Event):
    symbol: str
    day: date
    atm_iv: float  # 30-day ATM IV stored for ``day``


@dataclass(frozen=True, slots=True)
class ScheduledJobRan(Event):
    """Published by app.core.scheduler after every run of a scheduled job."""

    name: str
    due_at: datetime  # the fire time it ran for (the latest one when the clock jumped past several)
    ran_at: datetime  # market-clock time the run started
    ok: bool = True  # False: the job raised (also published as ErrorReported)


@dataclass(frozen=True, slots=True)
class SetupDetected(Event):
    """A detector found a setup on a just-closed bar (stored; ``tracked``: auto-tracked too)."""

    detection: DetectionRecord
    tracked: bool = False


@dataclass(frozen=True, slots=True)
class SetupsChanged(Event):
    setups: tuple[TrackedSetup, ...]  # every tracked setup, newest first


@dataclass(frozen=True, slots=True)
class SetupTransitioned(Event):
    """A tracked setup moved on its own (a quote, the session's end); stored and notified."""

    setup: TrackedSetup  # as it is now
    previous: str  # the status it left


@dataclass(frozen=True, slots=True)
class PositionsChanged(Event):
    positions: tuple[PositionRecord, ...]  # every position, newest first, with legs and events


@dataclass(frozen=True, slots=True)
class PositionsValued(Event):
    """Every open position valued from one set of marks, with its payoff read and exit advice."""

    views: tuple[PositionView, ...]


@dataclass(frozen=True, slots=True)
class JournalChanged(Event):
    """Executions were imported, a trade annotated or a draft made or answered: re-read the journal."""


@dataclass(frozen=True, slots=True)
class TradeContextsChanged(JournalChanged):
    """Trades got their market context at entry or MAE/MFE (JournalChanged's listeners hear it too)."""


@dataclass(frozen=True, slots=True)
class TradeAttachmentsChanged(JournalChanged):
    """A chart screenshot was attached to a trade or removed (JournalChanged's listeners hear it too)."""

    trade_id: str


@dataclass(frozen=True, slots=True)
class BriefReady(Event):
    """A morning brief was made and stored (the 07:00 job, a refresh or a preview)."""

    market_date: date
    watchlist: str


@dataclass(frozen=True, slots=True)
class CoachChanged(Event):
    """A coach conversation was made, renamed, deleted or spoken to."""

    conversation_id: int


@dataclass(frozen=True, slots=True)
class SyncStatusChanged(Event):
    status: SyncStatus


@dataclass(frozen=True, slots=True)
class SyncApplied(Event):
    """Others' changes were written into the store: services holding these tables in memory reload."""

    tables: frozenset[str]


@dataclass(frozen=True, slots=True)
class Route:
    """Who publishes an event (one module) and who listens to it."""

    publisher: str
    listeners: tuple[str, ...]


# The event catalogue: one publisher per event, and every listener. A new event or subscriber
# is added here too; tests/core/test_event_catalogue.py reads the code and keeps this true.
_BRIDGE, _ENGINE, _SYMBOLS = "app.ui.bridge", "app.core.engine", "app.core.symbols_needed"
CATALOGUE: dict[type[Event], Route] = {
    QuoteUpdated: Route("app.core.market_data", (_BRIDGE, "app.core.alerts", "app.core.setups.tracker")),
    BarUpdated: Route("app.core.market_data", (_BRIDGE, "app.core.market_state")),
    BarClosed: Route("app.core.market_state", ("app.core.setups.detector_runner", "app.core.alert_levels")),
    FeedStateChanged: Route("app.core.market_data", (_BRIDGE,)),
    ActiveSymbolChanged: Route("app.core.workspace", (_BRIDGE, "app.core.option_chains", _SYMBOLS)),
    WatchlistsChanged: Route("app.core.workspace", (_BRIDGE, _SYMBOLS)),
    LinkedSymbolChanged: Route("app.core.workspace", (_BRIDGE, _SYMBOLS, "app.core.option_chains")),
    DrawingsChanged: Route("app.core.drawings", (_BRIDGE,)),
    SymbolsNeededChanged: Route(_SYMBOLS, ("app.core.market_data", "app.core.market_state")),
    PreferenceChanged: Route("app.core.workspace", (_BRIDGE,)),
    ServiceHealthChanged: Route(_ENGINE, (_BRIDGE, "app.core.health_watch")),
    NotificationPosted: Route("app.core.notifications", (_BRIDGE,)),
    ErrorReported: Route(_ENGINE, (_BRIDGE, _ENGINE)),
    EngineStarted: Route(_ENGINE, (_BRIDGE,)),
    ProviderChanged: Route(_ENGINE, (_BRIDGE, "app.core.alerts", "app.core.journal.context")),
    AlertsChanged: Route("app.core.alerts", (_BRIDGE, "app.core.alerts", "app.core.alert_levels", _SYMBOLS)),
    AlertTriggered: Route("app.core.alerts", (_BRIDGE,)),
    OptionsUpdated: Route("app.core.option_chains", (_BRIDGE, "app.core.iv_history", "app.core.heatmap",
                                                     "app.core.positions.tracker", "app.core.journal.context",
                                                     "app.core.alert_levels")),
    OptionsUnavailable: Route("app.core.option_chains", (_BRIDGE,)),
    IvRecorded: Route("app.core.iv_history", (_BRIDGE, "app.core.iv_rank")),
    ScheduledJobRan: Route("app.core.scheduler", ()),
    SetupDetected: Route("app.core.setups.detector_runner", (_BRIDGE,)),
    SetupsChanged: Route("app.core.setups.tracker", (_BRIDGE, _SYMBOLS)),
    SetupTransitioned: Route("app.core.setups.tracker", (_BRIDGE,)),
    PositionsChanged: Route("app.core.positions.service", (_BRIDGE, _SYMBOLS, "app.core.positions.tracker",
                                                           "app.core.journal.coaching", "app.core.journal.context")),
    PositionsValued: Route("app.core.positions.tracker", (_BRIDGE,)),
    JournalChanged: Route("app.core.journal.imports", (_BRIDGE, "app.core.journal.coaching",
                                                       "app.core.journal.context")),
    TradeAttachmentsChanged: Route("app.core.journal.attachments", ()),  # heard as a JournalChanged
    TradeContextsChanged: Route("app.core.journal.context", ()),  # heard as a JournalChanged
    BriefReady: Route("app.core.brief.service", (_BRIDGE,)),
    CoachChanged: Route("app.core.coach.service", ()),
    SyncStatusChanged: Route("app.core.sync.service", (_BRIDGE,)),
    SyncApplied: Route("app.core.sync.service", ("app.core.sync.reload",)),
}
