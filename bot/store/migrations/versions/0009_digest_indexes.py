"""indexes for the HQ digest: cases by creation and change, the outbox by template

Revision ID: 0009
Revises: 0008

The digest (R-HQ-7) reads the cases created or changed since the previous digest and finds
that digest among the outbox rows; without these indexes both read every row.
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_created_at", "cases", ["created_at"])
    op.create_index("ix_cases_updated_at", "cases", ["updated_at"])
    op.create_index("ix_outbox_template_created", "outbox", ["template", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_template_created", table_name="outbox")
    op.drop_index("ix_cases_updated_at", table_name="cases")
    op.drop_index("ix_cases_created_at", table_name="cases")
