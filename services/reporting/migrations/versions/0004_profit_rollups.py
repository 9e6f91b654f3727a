"""profit in the roll-ups: cost of what was sold, lines sold without a cost, expenses by category

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
SCHEMA = "reporting"
DAILY = (("cost", sa.Numeric()), ("uncosted_lines", sa.Integer()), ("expenses", sa.Numeric()),
         ("expenses_count", sa.Integer()))  # fmt: skip
PRODUCT = (("cost", sa.Numeric()), ("uncosted_lines", sa.Integer()))


def upgrade() -> None:
    for name, kind in DAILY:
        op.add_column(
            "daily_rollups", sa.Column(name, kind, nullable=False, server_default="0"), schema=SCHEMA
        )
    for name, kind in PRODUCT:
        op.add_column(
            "product_daily_rollups", sa.Column(name, kind, nullable=False, server_default="0"), schema=SCHEMA
        )
    # Days rolled up before cost prices existed: every line was sold without a cost.
    op.execute(f"UPDATE {SCHEMA}.product_daily_rollups SET uncosted_lines = lines")
    op.execute(
        f"""UPDATE {SCHEMA}.daily_rollups d SET uncosted_lines = p.lines
        FROM (SELECT business, day, sum(lines) AS lines FROM {SCHEMA}.product_daily_rollups GROUP BY 1, 2) p
        WHERE p.business = d.business AND p.day = d.day"""
    )
    op.create_table(
        "expense_daily_rollups",
        sa.Column("business", sa.String(16), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("category_id", sa.BigInteger, primary_key=True),
        sa.Column("category", sa.String(60), nullable=False),
        sa.Column("amount", sa.Numeric(), nullable=False),
        sa.Column("expenses", sa.Integer, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("expense_daily_rollups", schema=SCHEMA)
    for name, _ in PRODUCT:
        op.drop_column("product_daily_rollups", name, schema=SCHEMA)
    for name, _ in DAILY:
        op.drop_column("daily_rollups", name, schema=SCHEMA)
