"""cost prices with their history; v_products publishes the current cost

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
SCHEMA = "inventory"
READERS = ("tomtin_payments", "tomtin_reporting")
CLOCK = sa.text("clock_timestamp()")
VIEW_COLUMNS = (
    "id, business, sku, name, unit, price, track_stock, stock_level, reorder_level, active, updated_at"
)


def upgrade() -> None:
    # NULL until the owner sets it: a profit report must tell "no cost known" from "costs nothing".
    op.add_column("products", sa.Column("cost", sa.Numeric(12, 2)), schema=SCHEMA)
    op.create_check_constraint("ck_products_cost_not_negative", "products", "cost >= 0", schema=SCHEMA)
    op.create_table(
        "cost_history",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("product_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.products.id"), nullable=False),
        sa.Column("cost", sa.Numeric(12, 2), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False, server_default=CLOCK),
        sa.Column("changed_by", sa.BigInteger),
        sa.CheckConstraint("cost >= 0", name="ck_cost_history_cost_not_negative"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_cost_history_product_valid", "cost_history", ["product_id", "valid_from"], schema=SCHEMA
    )
    # Columns are only ever appended to a published view.
    op.execute(
        f"CREATE OR REPLACE VIEW {SCHEMA}.v_products AS SELECT {VIEW_COLUMNS}, cost FROM {SCHEMA}.products"
    )
    op.execute(f"GRANT SELECT ON {SCHEMA}.v_products TO {', '.join(READERS)}")


def downgrade() -> None:
    op.execute(f"DROP VIEW {SCHEMA}.v_products")
    op.execute(f"CREATE VIEW {SCHEMA}.v_products AS SELECT {VIEW_COLUMNS} FROM {SCHEMA}.products")
    op.execute(f"GRANT SELECT ON {SCHEMA}.v_products TO {', '.join(READERS)}")
    op.drop_table("cost_history", schema=SCHEMA)
    op.drop_constraint("ck_products_cost_not_negative", "products", schema=SCHEMA)
    op.drop_column("products", "cost", schema=SCHEMA)
