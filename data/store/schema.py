"""ORM tables of the local store. Change them only together with a new Alembic migration."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.store.orm_base import Base

# the wave-2 tables (journal context, calendars, briefs, coach) live in their own module; imported here
# so Base.metadata has every table and ``from data.store.schema import …`` finds them all
from data.store.schema_sync import (
    SyncCaptureRow,
    SyncConflictRow,
    SyncFlagRow,
    SyncIdRow,
    SyncPushRow,
    SyncRecordRow,
    SyncStateRow,
)
from data.store.schema_wave2 import (
    BlobRow,
    ChartDrawingRow,
    CoachConversationRow,
    CoachMessageRow,
    CoachSymbolRow,
    EarningsEventRow,
    MacroEventRow,
    MorningBriefRow,
    OptionsContextRow,
    ProviderCacheRow,
    SettlementPriceRow,
    TradeAttachmentRow,
    TradeContextRow,
)
from data.store.types import normalise_on_assignment


class WatchlistRow(Base):
    __tablename__ = "watchlists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    items: Mapped[list[WatchlistItemRow]] = relationship(
        back_populates="watchlist", cascade="all, delete-orphan", order_by="WatchlistItemRow.position"
    )


class WatchlistItemRow(Base):
    __tablename__ = "watchlist_items"
    __table_args__ = (UniqueConstraint("watchlist_id", "symbol"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id", ondelete="CASCADE"), index=True)
    symbol: Mapped[str] = mapped_column(String(32))
    position: Mapped[int]
    watchlist: Mapped[WatchlistRow] = relationship(back_populates="items")


class PreferenceRow(Base):
    __tablename__ = "preferences"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON
    updated_at: Mapped[datetime]


class NotificationRow(Base):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(index=True)


class LayoutRow(Base):
    __tablename__ = "layouts"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    geometry: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime]


class AlertRow(Base):
    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    symbol: Mapped[str] = mapped_column(String(32), index=True)
    condition: Mapped[str] = mapped_column(String(16))
    price: Mapped[float] = mapped_column(Float)
    repeat: Mapped[bool] = mapped_column(server_default=false())
    status: Mapped[str] = mapped_column(String(16), server_default="active", index=True)
    source: Mapped[str] = mapped_column(String(32), server_default="panel")
    notes: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[datetime]
    triggered_at: Mapped[datetime | None]
    params: Mapped[str | None] = mapped_column(Text)  # JSON: {"line": [t1, p1, t2, p2]} / {"level": "PDH"} / …


class AlertTriggerRow(Base):
    __tablename__ = "alert_triggers"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    price: Mapped[float] = mapped_column(Float)
    triggered_at: Mapped[datetime]


class IvHistoryRow(Base):
    __tablename__ = "iv_history"

    symbol: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    atm_iv: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[datetime]


normalise_on_assignment(Base)


class DetectionRow(Base):
    """Every detection a detector made (live, replayed or from a scan), once per bar decided on."""

    __tablename__ = "detections"
    __table_args__ = (UniqueConstraint("symbol", "detector", "direction", "decided_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    symbol: Mapped[str] = mapped_column(String(32), index=True)
    detector: Mapped[str] = mapped_column(String(48))
    direction: Mapped[str] = mapped_column(String(8))
    decided_at: Mapped[datetime] = mapped_column(index=True)  # the close of the bar it was decided on
    entry: Mapped[float] = mapped_column(Float)
    stop: Mapped[float] = mapped_column(Float)
    targets: Mapped[str] = mapped_column(Text)  # JSON list, nearest first
    confidence: Mapped[float] = mapped_column(Float)
    parts: Mapped[str] = mapped_column(Text)  # JSON [[name, value, weight], …]
    evidence: Mapped[str] = mapped_column(Text)
    levels: Mapped[str] = mapped_column(Text, server_default="{}")  # JSON {name: price}
    hit_cases: Mapped[int | None] = mapped_column()
    hit_hits: Mapped[int | None] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column()  # market time it was stored


class TrackedSetupRow(Base):
    __tablename__ = "tracked_setups"
    id: Mapped[int] = mapped_column(primary_key=True)
    detection_id: Mapped[int | None] = mapped_column(ForeignKey("detections.id", ondelete="SET NULL"))
    symbol: Mapped[str] = mapped_column(String(32), index=True)
    detector: Mapped[str] = mapped_column(String(48))  # a detector's name, or "manual"
    direction: Mapped[str] = mapped_column(String(8))
    entry: Mapped[float] = mapped_column(Float)
    stop: Mapped[float] = mapped_column(Float)
    targets: Mapped[str] = mapped_column(Text)  # JSON list, nearest first
    reference: Mapped[float] = mapped_column(Float)  # the price when it was made (which side entry is on)
    status: Mapped[str] = mapped_column(String(16), index=True)
    source: Mapped[str] = mapped_column(String(16))  # auto / scanner / chart / coach
    notes: Mapped[str] = mapped_column(Text, server_default="")
    session_day: Mapped[date] = mapped_column(Date)  # the ET session it waits for entry in
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
    events: Mapped[list[SetupEventRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                       order_by="SetupEventRow.id")


class SetupEventRow(Base):
    """One lifecycle step of a tracked setup, with the price that caused it."""

    __tablename__ = "setup_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    setup_id: Mapped[int] = mapped_column(ForeignKey("tracked_setups.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # the status it moved to ("noted" for a note)
    price: Mapped[float | None] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column()  # market time
    reason: Mapped[str] = mapped_column(Text, server_default="")


class PositionRow(Base):
    __tablename__ = "positions"
    id: Mapped[int] = mapped_column(primary_key=True)
    underlying: Mapped[str] = mapped_column(String(32), index=True)
    strategy: Mapped[str] = mapped_column(String(48))
    status: Mapped[str] = mapped_column(String(16), index=True)  # open / closed
    source: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str] = mapped_column(Text, server_default="")
    stop_level: Mapped[float | None] = mapped_column(Float)
    opened_at: Mapped[datetime] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    legs: Mapped[list[PositionLegRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                      order_by="PositionLegRow.id")
    events: Mapped[list[PositionEventRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                          order_by="PositionEventRow.id")


class PositionLegRow(Base):
    """An open leg: its quantity and average open price now (its history is in the events)."""

    __tablename__ = "position_legs"
    __table_args__ = (UniqueConstraint("position_id", "symbol"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    symbol: Mapped[str] = mapped_column(String(32))
    underlying: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column()
    open_price: Mapped[float] = mapped_column(Float)
    expiry: Mapped[date | None] = mapped_column(Date)
    is_call: Mapped[bool | None] = mapped_column()
    strike: Mapped[float | None] = mapped_column(Float)
    multiplier: Mapped[int] = mapped_column()
    fees: Mapped[float] = mapped_column(Float, server_default="0")


class PositionEventRow(Base):
    __tablename__ = "position_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(index=True)
    fills: Mapped[str] = mapped_column(Text)  # JSON [{symbol, quantity, price, fees, leg?}, …]
    cash: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text, server_default="")


class ClosingMarkRow(Base):
    """A held contract's (or the shares') mark at a session's close: tomorrow's "today's P&L" base."""

    __tablename__ = "closing_marks"
    symbol: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    mark: Mapped[float] = mapped_column(Float)


class ExecutionRow(Base):
    """A fill imported from a broker's export or recorded by the app: the journal's raw input."""

    __tablename__ = "executions"
    __table_args__ = (UniqueConstraint("broker", "exec_id"),)  # a statement and its section file: one fill
    id: Mapped[int] = mapped_column(primary_key=True)
    broker: Mapped[str] = mapped_column(String(16))
    account: Mapped[str] = mapped_column(String(64))
    exec_id: Mapped[str] = mapped_column(String(128))
    time: Mapped[datetime] = mapped_column(index=True)
    symbol: Mapped[str] = mapped_column(String(32), index=True)
    side: Mapped[str] = mapped_column(String(4))
    quantity: Mapped[float] = mapped_column(Float)
    price: Mapped[float] = mapped_column(Float)
    fees: Mapped[float] = mapped_column(Float)
    instrument: Mapped[str] = mapped_column(String(8))
    occ: Mapped[str | None] = mapped_column(String(32))
    expiry: Mapped[date | None] = mapped_column(Date)
    is_call: Mapped[bool | None] = mapped_column()
    strike: Mapped[float | None] = mapped_column(Float)
    multiplier: Mapped[int] = mapped_column()
    effect: Mapped[str | None] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    order_id: Mapped[str | None] = mapped_column(String(128))
    imported_from: Mapped[str] = mapped_column(Text, server_default="")  # the file's name


class TradeNoteRow(Base):
    """What the trader wrote about a journal trade (the trade itself is made from its executions)."""

    __tablename__ = "trade_notes"
    trade_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    setup: Mapped[str] = mapped_column(String(64), server_default="")
    tags: Mapped[str] = mapped_column(Text, server_default="[]")  # JSON list
    mistakes: Mapped[str] = mapped_column(Text, server_default="[]")  # JSON list
    rating: Mapped[int | None] = mapped_column()
    notes: Mapped[str] = mapped_column(Text, server_default="")
    planned_stop: Mapped[float | None] = mapped_column(Float)
    planned_target: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column()


class JournalDraftRow(Base):
    """A journal entry the app drafted at 16:15 ET from the day's setups, alerts and position events."""

    __tablename__ = "journal_drafts"
    __table_args__ = (UniqueConstraint("day", "source", "ref"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(16))  # setup / alert / position
    ref: Mapped[str] = mapped_column(String(64))  # the record it came from
    symbol: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, server_default="")
    status: Mapped[str] = mapped_column(String(16), server_default="pending")  # pending / confirmed / dismissed
    created_at: Mapped[datetime] = mapped_column()

__all__ = [
    "Base",
    "BlobRow",
    "ChartDrawingRow",
    "CoachConversationRow",
    "CoachMessageRow",
    "CoachSymbolRow",
    "EarningsEventRow",
    "MacroEventRow",
    "MorningBriefRow",
    "OptionsContextRow",
    "ProviderCacheRow",
    "SettlementPriceRow",
    "SyncCaptureRow",
    "SyncConflictRow",
    "SyncFlagRow",
    "SyncIdRow",
    "SyncPushRow",
    "SyncRecordRow",
    "SyncStateRow",
    "TradeAttachmentRow",
    "TradeContextRow",
]
