"""daily roll-ups

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
SCHEMA = "reporting"


def upgrade() -> None:
    op.create_table(
        "daily_rollups",
        sa.Column("business", sa.String(16), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("revenue", sa.Numeric(14, 2), nullable=False),
        sa.Column("sales_count", sa.Integer, nullable=False),
        sa.Column("cash", sa.Numeric(14, 2), nullable=False),
        sa.Column("mpesa", sa.Numeric(14, 2), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("daily_rollups", schema=SCHEMA)
