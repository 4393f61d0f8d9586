"""support periods: partner_support (key registration, paid until) and support_acts

Revision ID: 0010
Revises: 0009

R-ID-8 (seed 003): a ticket must fall inside a free or paid support period; a renewal needs
an act number never used before, so the act numbers are kept with a unique key.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partner_support",
        sa.Column("partner_id", sa.Integer(), sa.ForeignKey("partners.id"), primary_key=True),
        sa.Column("key_registered_on", sa.Date(), nullable=True),
        sa.Column("paid_until", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "support_acts",
        sa.Column("number", sa.String(length=60), primary_key=True),
        sa.Column("partner_id", sa.Integer(), sa.ForeignKey("partners.id"), nullable=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("paid_from", sa.Date(), nullable=False),
        sa.Column("paid_until", sa.Date(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("support_acts")
    op.drop_table("partner_support")
