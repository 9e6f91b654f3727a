"""the language each user reads the app in (en or sw)

Revision ID: 0003
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None
SCHEMA = "accounts"


def upgrade() -> None:
    # Existing users keep English (what the app showed them so far); they can switch in the app.
    op.add_column(
        "users",
        sa.Column("language", sa.String(2), nullable=False, server_default="en"),
        schema=SCHEMA,
    )
    op.create_check_constraint(op.f("ck_users_language"), "users", "language IN ('en', 'sw')", schema=SCHEMA)


def downgrade() -> None:
    op.drop_constraint(op.f("ck_users_language"), "users", schema=SCHEMA)
    op.drop_column("users", "language", schema=SCHEMA)
