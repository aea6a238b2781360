"""sync: flags, state, record ids, the capture outbox, the push queue, merged records, conflicts

(The capture triggers are not part of the schema history: data.sync.triggers installs the ones
the running version needs when the store opens.)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("sync_flags", sa.Column("name", sa.String(16), primary_key=True))
    op.create_table("sync_state", sa.Column("key", sa.String(32), primary_key=True),
                    sa.Column("value", sa.Text, nullable=False))
    op.create_table(
        "sync_ids",
        sa.Column("table_name", sa.String(64), primary_key=True),
        sa.Column("row_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.UniqueConstraint("table_name", "record_id"),
    )
    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row_key", sa.Text, nullable=False),
        sa.Column("record_id", sa.String(200), nullable=True),
        sa.Column("op", sa.String(1), nullable=False),
        sa.Column("columns", sa.Text, nullable=True),
    )
    op.create_table(
        "sync_push",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("change", sa.Text, nullable=False),
    )
    op.create_table(
        "sync_records",
        sa.Column("table_name", sa.String(64), primary_key=True),
        sa.Column("record_id", sa.String(200), primary_key=True),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("deleted", sa.Text, nullable=True),
        sa.Column("parked", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("kept", sa.Text, nullable=False),
        sa.Column("lost", sa.Text, nullable=False),
        sa.Column("kept_stamp", sa.String(64), nullable=False),
        sa.Column("lost_stamp", sa.String(64), nullable=False),
        sa.Column("kept_device", sa.String(64), nullable=False),
        sa.Column("lost_device", sa.String(64), nullable=False),
        sa.Column("noticed_ms", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for name in ("sync_conflicts", "sync_records", "sync_push", "sync_outbox", "sync_ids", "sync_state", "sync_flags"):
        op.drop_table(name)
