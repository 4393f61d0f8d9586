"""hours log

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hours_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("logged_by", sa.String(length=320), nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["partner_id"], ["partners.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_hours_log_case_id", "hours_log", ["case_id"])
    op.create_index("ix_hours_log_partner_year", "hours_log", ["partner_id", "year"])


def downgrade() -> None:
    op.drop_index("ix_hours_log_partner_year", table_name="hours_log")
    op.drop_index("ix_hours_log_case_id", table_name="hours_log")
    op.drop_table("hours_log")
