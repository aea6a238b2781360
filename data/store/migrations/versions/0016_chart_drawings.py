"""chart drawings (lines, boxes, notes per symbol) and alerts beyond a level (their parameters)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chart_drawings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("symbol", sa.String(32), nullable=False, index=True),
        sa.Column("family", sa.String(8), nullable=False),  # intraday / daily
        sa.Column("kind", sa.String(8), nullable=False),  # hline / trend / rect / text
        sa.Column("points", sa.Text, nullable=False),  # JSON [[epoch s, price], …]
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("extend", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    # what an alert beyond a price level needs (JSON): a trend line's points, a key level's name, a reference
    op.add_column("alerts", sa.Column("params", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("params")
    op.drop_table("chart_drawings")
