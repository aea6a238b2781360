"""journal executions: every fill imported from a broker export or recorded by the app

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "executions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("broker", sa.String(16), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("exec_id", sa.String(128), nullable=False),
        sa.Column("time", sa.DateTime, nullable=False, index=True),
        sa.Column("symbol", sa.String(32), nullable=False, index=True),
        sa.Column("side", sa.String(4), nullable=False),
        sa.Column("quantity", sa.Float, nullable=False),
        sa.Column("price", sa.Float, nullable=False),
        sa.Column("fees", sa.Float, nullable=False),
        sa.Column("instrument", sa.String(8), nullable=False),
        sa.Column("occ", sa.String(32), nullable=True),
        sa.Column("expiry", sa.Date, nullable=True),
        sa.Column("is_call", sa.Boolean, nullable=True),
        sa.Column("strike", sa.Float, nullable=True),
        sa.Column("multiplier", sa.Integer, nullable=False),
        sa.Column("effect", sa.String(8), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("order_id", sa.String(128), nullable=True),
        sa.Column("imported_from", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("broker", "exec_id"),
    )


def downgrade() -> None:
    op.drop_table("executions")
