"""roll-up detail: method counts, M-Pesa figures, per-product and stock roll-ups, dirty days

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
SCHEMA = "reporting"
MONEY = sa.Numeric(14, 2)
QTY = sa.Numeric(14, 3)


def _now() -> sa.Column:
    return sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    for name, kind in (
        ("cash_count", sa.Integer),
        ("mpesa_count", sa.Integer),
        ("receipts_count", sa.Integer),
        ("receipts_amount", MONEY),
        ("unmatched_count", sa.Integer),
        ("unmatched_amount", MONEY),
        ("needs_review_count", sa.Integer),
    ):
        op.add_column(
            "daily_rollups", sa.Column(name, kind, nullable=False, server_default="0"), schema=SCHEMA
        )
    op.create_table(
        "product_daily_rollups",
        sa.Column("business", sa.String(16), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("product_id", sa.BigInteger, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("quantity", QTY, nullable=False),
        sa.Column("revenue", MONEY, nullable=False),
        sa.Column("lines", sa.Integer, nullable=False),
        _now(),
        schema=SCHEMA,
    )
    op.create_table(
        "stock_daily_rollups",
        sa.Column("business", sa.String(16), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("product_id", sa.BigInteger, primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("quantity", QTY, nullable=False),
        sa.Column("movements", sa.Integer, nullable=False),
        _now(),
        schema=SCHEMA,
    )
    op.create_table(
        "dirty_days",
        sa.Column("business", sa.String(16), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("dirty_days", schema=SCHEMA)
    op.drop_table("stock_daily_rollups", schema=SCHEMA)
    op.drop_table("product_daily_rollups", schema=SCHEMA)
    for name in (
        "cash_count",
        "mpesa_count",
        "receipts_count",
        "receipts_amount",
        "unmatched_count",
        "unmatched_amount",
        "needs_review_count",
    ):
        op.drop_column("daily_rollups", name, schema=SCHEMA)
