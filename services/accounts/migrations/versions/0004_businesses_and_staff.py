"""businesses are data (kind, archived, published to the other services); staff details

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
SCHEMA = "accounts"
READERS = ("tomtin_inventory", "tomtin_payments", "tomtin_reporting")
# The three businesses that were a constant in code until now; their rows elsewhere use these codes.
FIRST_THREE = (
    ("water", "Water Refills", "water"),
    ("laundry", "Laundry", "laundry"),
    ("retail", "Retail Shop", "shop"),
)


def _timestamp(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    op.add_column("businesses", sa.Column("kind", sa.String(16)), schema=SCHEMA)
    op.add_column(
        "businesses",
        sa.Column("archived", sa.Boolean, nullable=False, server_default=sa.false()),
        schema=SCHEMA,
    )
    op.add_column("businesses", _timestamp("created_at"), schema=SCHEMA)
    op.add_column("businesses", _timestamp("updated_at"), schema=SCHEMA)
    businesses = sa.table(
        "businesses", sa.column("code"), sa.column("name"), sa.column("kind"), schema=SCHEMA
    )
    for code, name, kind in FIRST_THREE:
        op.execute(
            sa.text(
                f"INSERT INTO {SCHEMA}.businesses (code, name, kind) VALUES (:code, :name, :kind) "
                "ON CONFLICT (code) DO UPDATE SET kind = EXCLUDED.kind"
            ).bindparams(code=code, name=name, kind=kind)
        )
    op.execute(businesses.update().where(businesses.c.kind.is_(None)).values(kind="shop"))
    op.alter_column("businesses", "kind", nullable=False, schema=SCHEMA)
    op.create_check_constraint(
        op.f("ck_businesses_kind"), "businesses", "kind IN ('water', 'laundry', 'shop')", schema=SCHEMA
    )
    op.add_column("users", sa.Column("phone", sa.String(12)), schema=SCHEMA)
    op.add_column(
        "users", sa.Column("session_version", sa.Integer, nullable=False, server_default="0"), schema=SCHEMA
    )
    op.add_column("users", sa.Column("pin_hash", sa.String(255)), schema=SCHEMA)
    op.add_column(
        "users",
        sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()),
        schema=SCHEMA,
    )
    op.add_column("users", sa.Column("code_expires_at", sa.DateTime(timezone=True)), schema=SCHEMA)
    op.execute(
        f"CREATE VIEW {SCHEMA}.v_businesses AS SELECT code, name, kind, archived, updated_at FROM {SCHEMA}.businesses"
    )
    readers = ", ".join(READERS)
    op.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {readers}")
    op.execute(f"GRANT SELECT ON {SCHEMA}.v_businesses TO {readers}")


def downgrade() -> None:
    op.execute(f"DROP VIEW {SCHEMA}.v_businesses")
    for column in ("code_expires_at", "must_change_password", "pin_hash", "session_version", "phone"):
        op.drop_column("users", column, schema=SCHEMA)
    op.drop_constraint(op.f("ck_businesses_kind"), "businesses", schema=SCHEMA)
    for column in ("updated_at", "created_at", "archived", "kind"):
        op.drop_column("businesses", column, schema=SCHEMA)
