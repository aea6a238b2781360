"""held contracts' marks at each session's close (today's P&L of a position opened before today)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "closing_marks",
        sa.Column("symbol", sa.String(32), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("mark", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("closing_marks")
