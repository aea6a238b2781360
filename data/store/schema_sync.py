"""The sync machinery's own tables (see data/sync): local bookkeeping, never synced themselves."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from data.store.orm_base import Base


class SyncFlagRow(Base):
    """``recording`` while signed in (the triggers capture writes); ``applying`` inside the
    transaction that applies others' changes (so they are not captured back)."""

    __tablename__ = "sync_flags"
    name: Mapped[str] = mapped_column(String(16), primary_key=True)


class SyncStateRow(Base):
    """The account, this device's clock node and stamp, the pull cursor."""

    __tablename__ = "sync_state"
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncIdRow(Base):
    """An integer-keyed row's record id, the same on every device."""

    __tablename__ = "sync_ids"
    __table_args__ = (UniqueConstraint("table_name", "record_id"),)
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    record_id: Mapped[str] = mapped_column(String(200))


class SyncCaptureRow(Base):
    """A local write as the triggers saw it (in the writing transaction), waiting to be stamped."""

    __tablename__ = "sync_outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64))
    row_key: Mapped[str] = mapped_column(Text)  # JSON array of the row's primary key
    record_id: Mapped[str | None] = mapped_column(String(200))
    op: Mapped[str] = mapped_column(String(1))  # i / u / d
    columns: Mapped[str | None] = mapped_column(Text)  # an update's changed columns, "a,b"


class SyncPushRow(Base):
    """A stamped change waiting to go up (kept until the server has it, across restarts and days offline)."""

    __tablename__ = "sync_push"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64))
    change: Mapped[str] = mapped_column(Text)  # JSON, the server's Change


class SyncRefusedRow(Base):
    """A change the account server refused on its own (too large, malformed): set aside so the
    changes behind it still go up, kept (never dropped) and counted in the status."""

    __tablename__ = "sync_refused"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64))
    change: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)


class SyncRecordRow(Base):
    """The merged state of a synced record: each field's value with the stamp and node that wrote it."""

    __tablename__ = "sync_records"
    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    fields: Mapped[str] = mapped_column(Text)  # JSON {column: [stamp, node, value]}
    deleted: Mapped[str | None] = mapped_column(Text)  # JSON [stamp, node] of the newest delete
    parked: Mapped[bool] = mapped_column(Boolean, server_default=false())  # could not be written yet


class SyncConflictRow(Base):
    """Two devices wrote the same field: which value was kept, which lost (the Preferences list)."""

    __tablename__ = "sync_conflicts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(64))
    kept: Mapped[str] = mapped_column(Text)  # JSON value
    lost: Mapped[str] = mapped_column(Text)
    kept_stamp: Mapped[str] = mapped_column(String(64))
    lost_stamp: Mapped[str] = mapped_column(String(64))
    kept_device: Mapped[str] = mapped_column(String(64))
    lost_device: Mapped[str] = mapped_column(String(64))
    noticed_ms: Mapped[int] = mapped_column(Integer)  # this device's clock when it merged them
