"""earnings events, macro events, cached provider answers and the morning briefs

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "earnings_events",
        sa.Column("symbol", sa.String(32), primary_key=True),
        sa.Column("report_date", sa.Date, primary_key=True),
        sa.Column("source", sa.String(16), primary_key=True),  # demo / alphavantage / massive
        sa.Column("timing", sa.String(8), nullable=False),  # bmo / amc / unknown
        sa.Column("time_et", sa.String(8), nullable=True),  # HH:MM when the source says
        sa.Column("fiscal_period", sa.String(16), nullable=False, server_default=""),
        sa.Column("estimate_eps", sa.Float, nullable=True),
        sa.Column("actual_eps", sa.Float, nullable=True),
        sa.Column("currency", sa.String(8), nullable=False, server_default="USD"),
        sa.Column("status", sa.String(16), nullable=False, server_default=""),  # confirmed / projected
        sa.Column("name", sa.String(200), nullable=False, server_default=""),
        sa.Column("fetched_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "macro_events",
        sa.Column("source", sa.String(16), primary_key=True),  # fomc / fred / bls / demo
        sa.Column("key", sa.String(120), primary_key=True),  # stable per source, e.g. "fomc:2026-01-28"
        sa.Column("kind", sa.String(32), nullable=False, index=True),  # fomc / cpi / nfp / …
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False, index=True),  # the release time
        sa.Column("impact", sa.String(8), nullable=False),  # high / medium / low
        sa.Column("fetched_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "provider_cache",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("fetched_at", sa.DateTime, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),  # JSON
    )
    op.create_table(
        "morning_briefs",
        sa.Column("market_date", sa.Date, primary_key=True),
        sa.Column("watchlist", sa.String(64), primary_key=True),
        sa.Column("generated_at", sa.DateTime, nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),  # scheduled / on-demand / preview
        sa.Column("content", sa.Text, nullable=False),  # JSON
    )


def downgrade() -> None:
    op.drop_table("morning_briefs")
    op.drop_table("provider_cache")
    op.drop_table("macro_events")
    op.drop_table("earnings_events")
