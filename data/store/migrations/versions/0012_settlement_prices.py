"""journal: the underlying's open and close on an expiry day, to settle contracts held past expiry

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settlement_prices",
        sa.Column("symbol", sa.String(32), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("open", sa.Float, nullable=False),
        sa.Column("close", sa.Float, nullable=False),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("fetched_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("settlement_prices")
