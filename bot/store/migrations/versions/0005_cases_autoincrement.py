"""cases keep AUTOINCREMENT on SQLite

Revision ID: 0005
Revises: 0004

0003 rebuilt `cases` through a batch copy of the reflected table, and reflection does not
carry SQLite's AUTOINCREMENT: the id of a deleted newest case could be handed out again,
against R-THR-1 (numbers never reused). The table is rebuilt with it; the copy sets the
counter to the highest id. Other databases use a sequence and are left as they are.
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "cases", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ):
        pass


def downgrade() -> None:
    pass  # keeping AUTOINCREMENT is harmless to 0004
