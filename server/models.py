"""The server's tables (SQLAlchemy Core). The migrations in server/migrations create them.

``devices``, ``changes`` and ``blobs`` are user-owned: every query filters on ``user_id`` and PostgreSQL
row-level security (policies keyed on ``app.user_id``, see server/db.py) is the second wall.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

# The role the running server connects as (through a LOGIN role that is a member of it). It owns
# nothing, so row-level security applies to it.
APP_ROLE = "ai_coach_app"

users = Table(
    "users", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # argon2id, never the password
    Column("created_at", DateTime(timezone=True), nullable=False),
)

devices = Table(
    "devices", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(120), nullable=False),
    Column("token_hash", LargeBinary(32), nullable=False, unique=True),  # SHA-256 of the token
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Index("ix_devices_user", "user_id"),
)

changes = Table(
    "changes", metadata,
    Column("seq", BigInteger, Identity(), primary_key=True),  # the server order pulls follow
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("origin_device_id", BigInteger, nullable=False),  # the token's device that pushed it
    Column("table_name", String(63), nullable=False),
    Column("record_id", String(200), nullable=False),
    Column("hlc", String(64), nullable=False),
    Column("device", String(64), nullable=False),  # the client's clock node (ties in LWW)
    Column("deleted", Boolean, nullable=False),
    Column("fields", JSONB, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    # the same change pushed twice (a retry after a cut connection) is stored once
    UniqueConstraint("user_id", "table_name", "record_id", "hlc", "device", name="uq_changes_change"),
    Index("ix_changes_user_seq", "user_id", "seq"),
)

# Content-addressed files (trade screenshots): each stored once per account, keyed by its SHA-256.
blobs = Table(
    "blobs", metadata,
    Column("user_id", BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("sha256", String(64), nullable=False),  # lowercase hex of the data's SHA-256
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),  # BYTEA
    Column("created_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("user_id", "sha256", name="pk_blobs"),
    CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="ck_blobs_sha256"),
    CheckConstraint("size = octet_length(data)", name="ck_blobs_size"),
)

sign_in_failures = Table(
    "sign_in_failures", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("email", String(320), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_sign_in_failures_email", "email", "at"),
    Index("ix_sign_in_failures_ip", "ip", "at"),
)
