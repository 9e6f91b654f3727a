"""price history, the stock ledger and its published view

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
SCHEMA = "inventory"
READERS = ("tomtin_payments", "tomtin_reporting")
CLOCK = sa.text("clock_timestamp()")


def upgrade() -> None:
    op.create_table(
        "price_history",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("product_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.products.id"), nullable=False),
        sa.Column("price", sa.Numeric(12, 2), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False, server_default=CLOCK),
        sa.Column("changed_by", sa.BigInteger),
        sa.CheckConstraint("price >= 0", name="ck_price_history_price_not_negative"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_price_history_product_valid", "price_history", ["product_id", "valid_from"], schema=SCHEMA
    )
    op.create_table(
        "stock_movements",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("product_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.products.id"), nullable=False),
        sa.Column("business", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("quantity", sa.Numeric(12, 3), nullable=False),
        sa.Column("reason", sa.String(200)),
        sa.Column("source_type", sa.String(32)),
        sa.Column("source_id", sa.BigInteger),
        sa.Column("idempotency_key", sa.Uuid),
        sa.Column("created_by", sa.BigInteger),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("source_type", "source_id", name="uq_stock_movements_source_type_source_id"),
        sa.UniqueConstraint("idempotency_key", name="uq_stock_movements_idempotency_key"),
        sa.CheckConstraint(
            "kind IN ('receive', 'adjust', 'sale', 'return', 'write_off')",
            name="ck_stock_movements_kind_known",
        ),
        sa.CheckConstraint("quantity <> 0", name="ck_stock_movements_quantity_not_zero"),
        schema=SCHEMA,
    )
    op.create_index("ix_stock_movements_product", "stock_movements", ["product_id", "id"], schema=SCHEMA)
    op.create_index("ix_stock_movements_business", "stock_movements", ["business", "id"], schema=SCHEMA)
    # Delta polling compares updated_at with a watermark taken from the same clock at read time.
    op.alter_column("products", "updated_at", server_default=CLOCK, schema=SCHEMA)
    op.create_index("ix_products_business_updated", "products", ["business", "updated_at"], schema=SCHEMA)
    # Existing rows: their current price starts the history, their level becomes an opening
    # movement, so level == ledger sum holds from the first day.
    op.execute(
        f"INSERT INTO {SCHEMA}.price_history (product_id, price, valid_from) "
        f"SELECT id, price, created_at FROM {SCHEMA}.products"
    )
    op.execute(
        f"INSERT INTO {SCHEMA}.stock_movements (product_id, business, kind, quantity, reason) "
        f"SELECT id, business, 'adjust', stock_level, 'opening balance' FROM {SCHEMA}.products "
        "WHERE stock_level <> 0"
    )
    op.execute(
        f"""CREATE VIEW {SCHEMA}.v_stock_movements AS
        SELECT id, product_id, business, kind, quantity, reason, source_type, source_id,
               created_by, created_at
        FROM {SCHEMA}.stock_movements"""
    )
    op.execute(f"GRANT SELECT ON {SCHEMA}.v_stock_movements TO {', '.join(READERS)}")


def downgrade() -> None:
    op.execute(f"DROP VIEW {SCHEMA}.v_stock_movements")
    op.drop_index("ix_products_business_updated", "products", schema=SCHEMA)
    op.alter_column("products", "updated_at", server_default=sa.func.now(), schema=SCHEMA)
    op.drop_table("stock_movements", schema=SCHEMA)
    op.drop_table("price_history", schema=SCHEMA)
