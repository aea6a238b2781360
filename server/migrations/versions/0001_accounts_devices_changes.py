"""Accounts, device tokens, the change log, sign-in failures; row-level security on user-owned tables.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APP_ROLE = "ai_coach_app"  # server.models.APP_ROLE, spelled out: a revision must not change with the code
USER_OWNED = ("devices", "changes")
# NULL (no rows) when the request has not set it: an unscoped query sees nothing.
CURRENT_USER = "NULLIF(current_setting('app.user_id', true), '')::bigint"


def _tables() -> None:
    now = sa.DateTime(timezone=True)
    op.create_table("users", sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
                    sa.Column("email", sa.String(320), nullable=False, unique=True),
                    sa.Column("password_hash", sa.Text, nullable=False),
                    sa.Column("created_at", now, nullable=False))
    op.create_table("devices", sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
                    sa.Column("user_id", sa.BigInteger, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
                    sa.Column("name", sa.String(120), nullable=False),
                    sa.Column("token_hash", sa.LargeBinary(32), nullable=False, unique=True),
                    sa.Column("created_at", now, nullable=False),
                    sa.Column("last_seen_at", now), sa.Column("revoked_at", now))
    op.create_index("ix_devices_user", "devices", ["user_id"])
    op.create_table("changes", sa.Column("seq", sa.BigInteger, sa.Identity(), primary_key=True),
                    sa.Column("user_id", sa.BigInteger, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
                    sa.Column("origin_device_id", sa.BigInteger, nullable=False),
                    sa.Column("table_name", sa.String(63), nullable=False),
                    sa.Column("record_id", sa.String(200), nullable=False),
                    sa.Column("hlc", sa.String(64), nullable=False),
                    sa.Column("device", sa.String(64), nullable=False),
                    sa.Column("deleted", sa.Boolean, nullable=False),
                    sa.Column("fields", JSONB, nullable=False),
                    sa.Column("received_at", now, nullable=False),
                    sa.UniqueConstraint("user_id", "table_name", "record_id", "hlc", "device",
                                        name="uq_changes_change"))
    op.create_index("ix_changes_user_seq", "changes", ["user_id", "seq"])
    op.create_table("sign_in_failures", sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
                    sa.Column("email", sa.String(320), nullable=False),
                    sa.Column("ip", sa.String(64), nullable=False),
                    sa.Column("at", now, nullable=False))
    op.create_index("ix_sign_in_failures_email", "sign_in_failures", ["email", "at"])
    op.create_index("ix_sign_in_failures_ip", "sign_in_failures", ["ip", "at"])


def _role_and_security() -> None:
    op.execute(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') "
               f"THEN CREATE ROLE {APP_ROLE} NOLOGIN; END IF; END $$")
    op.execute(f"GRANT SELECT, INSERT, UPDATE ON users, devices, changes TO {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT, DELETE ON sign_in_failures TO {APP_ROLE}")
    for table in USER_OWNED:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {table}_own ON {table} TO {APP_ROLE} "
                   f"USING (user_id = {CURRENT_USER}) WITH CHECK (user_id = {CURRENT_USER})")
    # A request presents a token before anyone knows whose it is: this owner-run lookup is the one
    # way past the devices policy, and it answers only for the exact hash of a live token.
    op.execute(f"""
        CREATE FUNCTION device_for_token(token_hash bytea)
        RETURNS TABLE (device_id bigint, user_id bigint)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            SELECT d.id, d.user_id FROM {_schema()}.devices d
            WHERE d.token_hash = device_for_token.token_hash AND d.revoked_at IS NULL
        $$""")
    op.execute("REVOKE ALL ON FUNCTION device_for_token(bytea) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION device_for_token(bytea) TO {APP_ROLE}")


def _schema() -> str:
    return op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()


def upgrade() -> None:
    _tables()
    _role_and_security()


def downgrade() -> None:
    op.execute("DROP FUNCTION device_for_token(bytea)")
    for table in ("sign_in_failures", "changes", "devices", "users"):
        op.drop_table(table)
