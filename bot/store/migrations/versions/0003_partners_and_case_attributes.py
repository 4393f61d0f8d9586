"""partners and case attributes

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("inn", sa.String(length=12), nullable=True),
        sa.Column("kpp", sa.String(length=9), nullable=True),
        sa.Column("ogrn", sa.String(length=15), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("domains", sa.JSON(), nullable=False),
        sa.Column("official_email", sa.String(length=320), nullable=True),
        sa.Column("curator", sa.String(length=320), nullable=True),
        sa.Column("support_tier", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inn"),
    )
    op.create_table(
        "partner_addresses",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("full_name", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
        ),
        sa.PrimaryKeyConstraint("email"),
    )
    with op.batch_alter_table("partner_addresses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_addresses_partner_id"), ["partner_id"], unique=False
        )

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("partner_id", sa.Integer(), nullable=True))
        # Existing cases get empty attributes.
        batch_op.add_column(sa.Column("attrs", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("policy_version", sa.String(length=60), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_partner_id"), ["partner_id"], unique=False)
        batch_op.create_foreign_key("fk_cases_partner_id", "partners", ["partner_id"], ["id"])


def downgrade() -> None:
    # The key's name depends on who made it: this file names it, PostgreSQL names it itself
    # (cases_partner_id_fkey) and a database the service created at head has it unnamed.
    # It is looked up; on SQLite an unnamed one is given this file's name by the convention.
    names = [
        key["name"] or "fk_cases_partner_id"
        for key in sa.inspect(op.get_bind()).get_foreign_keys("cases")
        if key["constrained_columns"] == ["partner_id"]
    ]
    with op.batch_alter_table(
        "cases", naming_convention={"fk": "fk_%(table_name)s_%(column_0_name)s"}
    ) as batch_op:
        for name in names:
            batch_op.drop_constraint(name, type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_cases_partner_id"))
        batch_op.drop_column("policy_version")
        batch_op.drop_column("attrs")
        batch_op.drop_column("partner_id")

    with op.batch_alter_table("partner_addresses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_addresses_partner_id"))

    op.drop_table("partner_addresses")
    op.drop_table("partners")
