"""Content-addressed blobs (trade screenshots), per user, behind row-level security like the change log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APP_ROLE = "ai_coach_app"  # server.models.APP_ROLE, spelled out: a revision must not change with the code
# NULL (no rows) when the request has not set it: an unscoped query sees nothing (as in 0001).
CURRENT_USER = "NULLIF(current_setting('app.user_id', true), '')::bigint"


def upgrade() -> None:
    op.create_table("blobs",
                    sa.Column("user_id", sa.BigInteger, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
                    sa.Column("sha256", sa.String(64), nullable=False),
                    sa.Column("size", sa.Integer, nullable=False),
                    sa.Column("data", sa.LargeBinary, nullable=False),
                    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint("user_id", "sha256", name="pk_blobs"),
                    sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="ck_blobs_sha256"),
                    sa.CheckConstraint("size = octet_length(data)", name="ck_blobs_size"))
    # screenshots are PNG/JPEG, already compressed: stored out of line without a futile compression pass
    op.execute("ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL")
    # a blob is written once and never changed: no UPDATE or DELETE for the app role
    op.execute(f"GRANT SELECT, INSERT ON blobs TO {APP_ROLE}")
    op.execute("ALTER TABLE blobs ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE blobs FORCE ROW LEVEL SECURITY")  # the owner too (a superuser still bypasses it)
    op.execute(f"CREATE POLICY blobs_own ON blobs TO {APP_ROLE} "
               f"USING (user_id = {CURRENT_USER}) WITH CHECK (user_id = {CURRENT_USER})")


def downgrade() -> None:
    op.drop_table("blobs")
