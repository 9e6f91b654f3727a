"""products and the published product view

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
SCHEMA = "inventory"
READERS = ("tomtin_payments", "tomtin_reporting")


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("business", sa.String(16), nullable=False),
        sa.Column("sku", sa.String(40), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("price", sa.Numeric(12, 2), nullable=False),
        sa.Column("track_stock", sa.Boolean, nullable=False),
        sa.Column("stock_level", sa.Numeric(12, 3), nullable=False, server_default="0"),
        sa.Column("reorder_level", sa.Numeric(12, 3), nullable=False, server_default="0"),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("business", "sku", name="uq_products_business"),
        sa.CheckConstraint("price >= 0", name="ck_products_price_not_negative"),
        schema=SCHEMA,
    )
    op.create_index("ix_products_business", "products", ["business"], schema=SCHEMA)
    # The published contract: payments and reporting read products and prices only here.
    op.execute(
        f"""CREATE VIEW {SCHEMA}.v_products AS
        SELECT id, business, sku, name, unit, price, track_stock, stock_level, reorder_level, active, updated_at
        FROM {SCHEMA}.products"""
    )
    readers = ", ".join(READERS)
    op.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {readers}")
    op.execute(f"GRANT SELECT ON {SCHEMA}.v_products TO {readers}")


def downgrade() -> None:
    op.execute(f"DROP VIEW {SCHEMA}.v_products")
    op.drop_table("products", schema=SCHEMA)
