"""journal: the market context at each trade's entry, and the options context it is read from

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "options_context",
        sa.Column("symbol", sa.String(32), primary_key=True),
        sa.Column("at", sa.DateTime, primary_key=True),  # market time of the snapshot (minute)
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("spot", sa.Float, nullable=False),
        sa.Column("regime", sa.String(32), nullable=False),
        sa.Column("flip", sa.Float, nullable=True),
        sa.Column("call_wall", sa.Float, nullable=True),
        sa.Column("put_wall", sa.Float, nullable=True),
        sa.Column("iv_30d", sa.Float, nullable=True),
        sa.Column("iv_rank", sa.Float, nullable=True),
        sa.Column("move_at_open", sa.Float, nullable=True),
        sa.Column("move_used_fraction", sa.Float, nullable=True),
    )
    op.create_table(
        "trade_context",
        sa.Column("trade_id", sa.String(160), primary_key=True),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("computed_at", sa.DateTime, nullable=False),
        sa.Column("context", sa.Text, nullable=False),  # JSON (analytics.trade_context.TradeContext)
        sa.Column("mae", sa.Float, nullable=True),
        sa.Column("mfe", sa.Float, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("trade_context")
    op.drop_table("options_context")
