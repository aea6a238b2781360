"""watchlists, watchlist items and preferences

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watchlists",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "watchlist_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("watchlist_id", sa.Integer,
                  sa.ForeignKey("watchlists.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("watchlist_id", "symbol"),
    )
    op.create_table(
        "preferences",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("preferences")
    op.drop_table("watchlist_items")
    op.drop_table("watchlists")
