"""outbox (to_addr, created_at) index

Revision ID: 0012
Revises: 0011

R-MBX-4: the replies an address got in the last hour are counted for every letter. Indexed
by the address alone, the count read every reply the address ever got, and slowed as the
outbox grew; with the creation time in the index it reads the last hour only. The new index
serves every look-up by address the old one did.
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_to_addr_created", "outbox", ["to_addr", "created_at"])
    op.drop_index("ix_outbox_to_addr", table_name="outbox")


def downgrade() -> None:
    op.create_index("ix_outbox_to_addr", "outbox", ["to_addr"])
    op.drop_index("ix_outbox_to_addr_created", table_name="outbox")
