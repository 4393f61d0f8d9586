"""a letter's bytes move to their own table

Revision ID: 0007
Revises: 0006

The `letters` row changes as a letter is processed (status, kind, result). SQLite rewrites
a whole row on every update, raw bytes included: a 50 MB letter was built in memory and
written to the journal once more just to be marked processed. The bytes now sit in
`letter_raw`, written once and never updated.
"""

import sqlite3

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letter_raw",
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["letter_id"], ["letters.id"]),
        sa.PrimaryKeyConstraint("letter_id"),
    )
    op.execute("INSERT INTO letter_raw (letter_id, raw) SELECT id, raw FROM letters")
    if op.get_bind().dialect.name == "sqlite" and sqlite3.sqlite_version_info >= (3, 35):
        # In place: a batch copy of `letters` would copy every letter's bytes once more.
        op.execute("ALTER TABLE letters DROP COLUMN raw")
    else:
        with op.batch_alter_table("letters") as batch:
            batch.drop_column("raw")


def downgrade() -> None:
    with op.batch_alter_table("letters") as batch:
        batch.add_column(sa.Column("raw", sa.LargeBinary(), nullable=True))
    op.execute("UPDATE letters SET raw = (SELECT raw FROM letter_raw WHERE letter_id = letters.id)")
    with op.batch_alter_table("letters") as batch:
        batch.alter_column("raw", existing_type=sa.LargeBinary(), nullable=False)
    op.drop_table("letter_raw")
