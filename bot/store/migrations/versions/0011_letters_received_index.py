"""letters.received_at index

Revision ID: 0011
Revises: 0010

R-HQ-7: the digest lists the cases a partner wrote in since the last digest; the letters of
one day are found by their arrival instead of by scanning every letter.
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_letters_received_at", "letters", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_letters_received_at", table_name="letters")
