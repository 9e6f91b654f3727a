"""roll-up sums without a precision limit

A day's roll-up adds up any number of sales, each up to numeric(12,2): no fixed precision can hold
every such sum, so the summed money and quantity columns become plain numeric (two and three
places are kept by the sums of two- and three-place values).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
SCHEMA = "reporting"
COLUMNS = {
    "daily_rollups": (
        ("revenue", 2),
        ("cash", 2),
        ("mpesa", 2),
        ("receipts_amount", 2),
        ("unmatched_amount", 2),
    ),
    "product_daily_rollups": (("quantity", 3), ("revenue", 2)),
    "stock_daily_rollups": (("quantity", 3),),
}


def upgrade() -> None:
    for table, columns in COLUMNS.items():
        for name, _ in columns:
            op.alter_column(table, name, type_=sa.Numeric(), schema=SCHEMA)


def downgrade() -> None:
    for table, columns in COLUMNS.items():
        for name, places in columns:
            op.alter_column(table, name, type_=sa.Numeric(14, places), schema=SCHEMA)
