"""daily ATM implied volatility per symbol (IV rank and percentile become real over time)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "iv_history",
        sa.Column("symbol", sa.String(32), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("atm_iv", sa.Float, nullable=False),  # 30-day constant-maturity ATM IV, decimal
        sa.Column("recorded_at", sa.DateTime, nullable=False),  # UTC; the day's latest reading wins
    )


def downgrade() -> None:
    op.drop_table("iv_history")
