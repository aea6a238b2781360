"""price alerts and their trigger history

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("symbol", sa.String(32), nullable=False, index=True),
        sa.Column("condition", sa.String(16), nullable=False),
        sa.Column("price", sa.Float, nullable=False),
        sa.Column("repeat", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("status", sa.String(16), nullable=False, server_default="active", index=True),
        sa.Column("source", sa.String(32), nullable=False, server_default="panel"),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("triggered_at", sa.DateTime),
    )
    op.create_table(
        "alert_triggers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("price", sa.Float, nullable=False),
        sa.Column("triggered_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("alert_triggers")
    op.drop_table("alerts")
