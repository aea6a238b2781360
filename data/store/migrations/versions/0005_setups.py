"""detections, tracked setups and their lifecycle events

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "detections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("symbol", sa.String(32), nullable=False, index=True),
        sa.Column("detector", sa.String(48), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("decided_at", sa.DateTime, nullable=False, index=True),  # UTC bar close
        sa.Column("entry", sa.Float, nullable=False),
        sa.Column("stop", sa.Float, nullable=False),
        sa.Column("targets", sa.Text, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("parts", sa.Text, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("levels", sa.Text, nullable=False, server_default="{}"),
        sa.Column("hit_cases", sa.Integer, nullable=True),
        sa.Column("hit_hits", sa.Integer, nullable=True),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("symbol", "detector", "direction", "decided_at"),
    )
    op.create_table(
        "tracked_setups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("detection_id", sa.Integer, sa.ForeignKey("detections.id", ondelete="SET NULL"), nullable=True),
        sa.Column("symbol", sa.String(32), nullable=False, index=True),
        sa.Column("detector", sa.String(48), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("entry", sa.Float, nullable=False),
        sa.Column("stop", sa.Float, nullable=False),
        sa.Column("targets", sa.Text, nullable=False),
        sa.Column("reference", sa.Float, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("session_day", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "setup_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("setup_id", sa.Integer, sa.ForeignKey("tracked_setups.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("price", sa.Float, nullable=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("setup_events")
    op.drop_table("tracked_setups")
    op.drop_table("detections")
