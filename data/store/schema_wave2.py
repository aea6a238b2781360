"""ORM tables of wave 2: the journal's market context, attachments and settlements, the earnings and
macro calendars, the provider cache, the morning briefs and the coach. Change them only together
with a new Alembic migration."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from data.store.orm_base import Base


class OptionsContextRow(Base):
    """The options picture of a symbol at one minute (GEX, IV, the day's expected move), kept so a
    trade entered then can say what it was."""

    __tablename__ = "options_context"
    symbol: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[datetime] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    spot: Mapped[float] = mapped_column(Float)
    regime: Mapped[str] = mapped_column(String(32))
    flip: Mapped[float | None] = mapped_column(Float)
    call_wall: Mapped[float | None] = mapped_column(Float)
    put_wall: Mapped[float | None] = mapped_column(Float)
    iv_30d: Mapped[float | None] = mapped_column(Float)
    iv_rank: Mapped[float | None] = mapped_column(Float)
    move_at_open: Mapped[float | None] = mapped_column(Float)
    move_used_fraction: Mapped[float | None] = mapped_column(Float)


class TradeContextRow(Base):
    """The market context at a journal trade's entry and its MAE/MFE, computed once from the bars."""

    __tablename__ = "trade_context"
    trade_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    computed_at: Mapped[datetime] = mapped_column()
    context: Mapped[str] = mapped_column(Text)  # JSON
    mae: Mapped[float | None] = mapped_column(Float)
    mfe: Mapped[float | None] = mapped_column(Float)


class BlobRow(Base):
    """A file's bytes (a chart screenshot), stored once by its SHA-256."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column()


class TradeAttachmentRow(Base):
    """A blob attached to a journal trade ("Save chart to trade")."""

    __tablename__ = "trade_attachments"
    __table_args__ = (UniqueConstraint("trade_id", "sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    trade_id: Mapped[str] = mapped_column(String(160), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    caption: Mapped[str] = mapped_column(String(200), server_default="")
    created_at: Mapped[datetime] = mapped_column()


class SettlementPriceRow(Base):
    """An underlying's regular-session open and close on an expiry day (settles contracts an export
    left open past their expiry: PM-settled at the close, AM-settled at the open)."""

    __tablename__ = "settlement_prices"
    symbol: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    open: Mapped[float] = mapped_column(Float)
    close: Mapped[float] = mapped_column(Float)
    provider: Mapped[str] = mapped_column(String(16))
    fetched_at: Mapped[datetime] = mapped_column()


class EarningsEventRow(Base):
    """One company's report date as one source gives it (sources may disagree: both are kept)."""

    __tablename__ = "earnings_events"
    symbol: Mapped[str] = mapped_column(String(32), primary_key=True)
    report_date: Mapped[date] = mapped_column(Date, primary_key=True)
    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    timing: Mapped[str] = mapped_column(String(8))
    time_et: Mapped[str | None] = mapped_column(String(8))
    fiscal_period: Mapped[str] = mapped_column(String(16), server_default="")
    estimate_eps: Mapped[float | None] = mapped_column(Float)
    actual_eps: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(8), server_default="USD")
    status: Mapped[str] = mapped_column(String(16), server_default="")
    name: Mapped[str] = mapped_column(String(200), server_default="")
    fetched_at: Mapped[datetime] = mapped_column()


class MacroEventRow(Base):
    """A scheduled economic release (or FOMC decision, minutes …) with its impact rating."""

    __tablename__ = "macro_events"
    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(index=True)
    impact: Mapped[str] = mapped_column(String(8))
    fetched_at: Mapped[datetime] = mapped_column()


class ProviderCacheRow(Base):
    """A provider's answer kept for its freshness window (earnings calendar 24 h, analysis 4 h …)."""

    __tablename__ = "provider_cache"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fetched_at: Mapped[datetime] = mapped_column()
    payload: Mapped[str] = mapped_column(Text)


class MorningBriefRow(Base):
    """The morning brief of one market date and watchlist, as generated."""

    __tablename__ = "morning_briefs"
    market_date: Mapped[date] = mapped_column(Date, primary_key=True)
    watchlist: Mapped[str] = mapped_column(String(64), primary_key=True)
    generated_at: Mapped[datetime] = mapped_column()
    trigger: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)


class CoachConversationRow(Base):
    __tablename__ = "coach_conversations"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class CoachMessageRow(Base):
    """A user's question or the coach's reply (its tool calls and grounding check as JSON)."""

    __tablename__ = "coach_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("coach_conversations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    tool_calls: Mapped[str] = mapped_column(Text, server_default="[]")
    grounding: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column()


class CoachSymbolRow(Base):
    """A symbol discussed with the coach on a market date (the journal's 16:15 drafts read them)."""

    __tablename__ = "coach_symbols"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    symbol: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[int] = mapped_column()
    first_at: Mapped[datetime] = mapped_column()


class ChartDrawingRow(Base):
    """A drawing on a symbol's charts (``records.ChartDrawing``); points as JSON [[t, price], …]."""

    __tablename__ = "chart_drawings"
    id: Mapped[int] = mapped_column(primary_key=True)
    symbol: Mapped[str] = mapped_column(String(32), index=True)
    family: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(8))
    points: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, server_default="")
    extend: Mapped[bool] = mapped_column(server_default=false())
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
