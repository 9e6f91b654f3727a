"""users, businesses and who may act for which

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
SCHEMA = "accounts"


def upgrade() -> None:
    op.create_table(
        "businesses",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(80), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("role IN ('owner', 'staff')", name="ck_users_role"),
        sa.UniqueConstraint("username", name="uq_users_username"),
        schema=SCHEMA,
    )
    op.create_table(
        "user_businesses",
        sa.Column(
            "user_id",
            sa.BigInteger,
            sa.ForeignKey(f"{SCHEMA}.users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "business_code", sa.String(16), sa.ForeignKey(f"{SCHEMA}.businesses.code"), primary_key=True
        ),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("user_businesses", schema=SCHEMA)
    op.drop_table("users", schema=SCHEMA)
    op.drop_table("businesses", schema=SCHEMA)
