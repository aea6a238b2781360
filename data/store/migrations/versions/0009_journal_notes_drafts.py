"""journal: the trader's notes on trades, and the drafts made at 16:15 ET

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trade_notes",
        sa.Column("trade_id", sa.String(160), primary_key=True),
        sa.Column("setup", sa.String(64), nullable=False, server_default=""),
        sa.Column("tags", sa.Text, nullable=False, server_default="[]"),
        sa.Column("mistakes", sa.Text, nullable=False, server_default="[]"),
        sa.Column("rating", sa.Integer, nullable=True),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("planned_stop", sa.Float, nullable=True),
        sa.Column("planned_target", sa.Float, nullable=True),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "journal_drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, nullable=False, index=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("day", "source", "ref"),
    )


def downgrade() -> None:
    op.drop_table("journal_drafts")
    op.drop_table("trade_notes")
