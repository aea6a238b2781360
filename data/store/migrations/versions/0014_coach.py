"""coach: conversations, their messages (tool calls and grounding as JSON) and the symbols discussed

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coach_conversations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "coach_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.Integer, sa.ForeignKey("coach_conversations.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("role", sa.String(16), nullable=False),  # user / assistant
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("tool_calls", sa.Text, nullable=False, server_default="[]"),  # JSON
        sa.Column("grounding", sa.Text, nullable=True),  # JSON
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "coach_symbols",
        sa.Column("day", sa.Date, primary_key=True),  # the ET market date
        sa.Column("symbol", sa.String(32), primary_key=True),
        sa.Column("conversation_id", sa.Integer, nullable=False),
        sa.Column("first_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("coach_symbols")
    op.drop_table("coach_messages")
    op.drop_table("coach_conversations")
