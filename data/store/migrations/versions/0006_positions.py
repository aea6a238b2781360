"""positions, their open legs and their lifecycle events

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "positions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("underlying", sa.String(32), nullable=False, index=True),
        sa.Column("strategy", sa.String(48), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("stop_level", sa.Float, nullable=True),
        sa.Column("opened_at", sa.DateTime, nullable=False),
        sa.Column("closed_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "position_legs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("position_id", sa.Integer, sa.ForeignKey("positions.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("underlying", sa.String(32), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("open_price", sa.Float, nullable=False),
        sa.Column("expiry", sa.Date, nullable=True),
        sa.Column("is_call", sa.Boolean, nullable=True),
        sa.Column("strike", sa.Float, nullable=True),
        sa.Column("multiplier", sa.Integer, nullable=False),
        sa.Column("fees", sa.Float, nullable=False, server_default="0"),
        sa.UniqueConstraint("position_id", "symbol"),
    )
    op.create_table(
        "position_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("position_id", sa.Integer, sa.ForeignKey("positions.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False, index=True),
        sa.Column("fills", sa.Text, nullable=False),
        sa.Column("cash", sa.Float, nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("position_events")
    op.drop_table("position_legs")
    op.drop_table("positions")
