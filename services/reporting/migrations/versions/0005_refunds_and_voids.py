"""refunds and voids per day in the daily roll-ups, apart from revenue

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None
SCHEMA = "reporting"
COLUMNS = (
    ("refunds", sa.Numeric()),
    ("refunds_count", sa.Integer()),
    ("voided", sa.Numeric()),
    ("voided_count", sa.Integer()),
)


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column(
            "daily_rollups", sa.Column(name, type_, nullable=False, server_default="0"), schema=SCHEMA
        )


def downgrade() -> None:
    for name, _ in COLUMNS:
        op.drop_column("daily_rollups", name, schema=SCHEMA)
