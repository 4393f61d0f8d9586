"""claim leases for timers and outbox rows, and the outbox's attempt mark

Revision ID: 0008
Revises: 0007

A claimed timer or reply used to stay `running`/`sending` for good when its claimant died
(issue 19). A claim now carries its expiry (`claim_until`), after which any instance takes
the row back; an outbox row also records when an attempt to hand it over began
(`attempt_started_at`), so a row whose attempt a crash interrupted is told apart from one
that was only claimed.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # add_column is done in place on SQLite too: no copy of the outbox's stored bytes.
    op.add_column("deadlines", sa.Column("claim_until", sa.DateTime(timezone=True)))
    op.add_column("outbox", sa.Column("claim_until", sa.DateTime(timezone=True)))
    op.add_column("outbox", sa.Column("attempt_started_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("attempt_started_at")
        batch.drop_column("claim_until")
    with op.batch_alter_table("deadlines") as batch:
        batch.drop_column("claim_until")
