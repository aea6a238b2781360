"""sync: changes the account server refused, set aside (kept, shown) instead of blocking the queue

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_refused",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("change", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sync_refused")
