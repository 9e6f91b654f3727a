"""inventory tables: products, their price history, and the stock ledger."""

from __future__ import annotations

import sqlalchemy as sa

from common.audit import audit_table
from common.db import created_at_column, make_db

db = make_db("inventory")
audit_log = audit_table(db.metadata)

MOVEMENT_KINDS = ("receive", "adjust", "sale", "return", "write_off")
# The database clock at the moment of the write (not the transaction start): delta polling
# relies on it, see services.watermark().
CLOCK = sa.text("clock_timestamp()")


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        sa.UniqueConstraint("business", "sku"),
        sa.CheckConstraint("price >= 0", name="price_not_negative"),
        sa.CheckConstraint("cost >= 0", name="cost_not_negative"),
        sa.Index("ix_products_business_updated", "business", "updated_at"),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    business = sa.Column(sa.String(16), nullable=False, index=True)
    sku = sa.Column(sa.String(40), nullable=False)
    name = sa.Column(sa.String(120), nullable=False)
    unit = sa.Column(sa.String(16), nullable=False)
    price = sa.Column(sa.Numeric(12, 2), nullable=False)
    # What one unit costs the business; NULL until the owner sets it (see CostHistory).
    cost = sa.Column(sa.Numeric(12, 2))
    track_stock = sa.Column(sa.Boolean, nullable=False)
    # Kept equal to the sum of this product's stock_movements, in the same transaction.
    stock_level = sa.Column(sa.Numeric(12, 3), nullable=False, server_default="0")
    reorder_level = sa.Column(sa.Numeric(12, 3), nullable=False, server_default="0")
    active = sa.Column(sa.Boolean, nullable=False, server_default=sa.true())
    created_at = created_at_column()
    updated_at = sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=CLOCK, onupdate=CLOCK)


class PriceHistory(db.Model):
    """Every price a product has had, from when; the newest row is the current price."""

    __tablename__ = "price_history"
    __table_args__ = (
        sa.CheckConstraint("price >= 0", name="price_not_negative"),
        sa.Index("ix_price_history_product_valid", "product_id", "valid_from"),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    product_id = sa.Column(sa.BigInteger, sa.ForeignKey("products.id"), nullable=False)
    price = sa.Column(sa.Numeric(12, 2), nullable=False)
    valid_from = sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=CLOCK)
    changed_by = sa.Column(sa.BigInteger)


class CostHistory(db.Model):
    """Every cost price a product has had, from when; the newest row is the current cost."""

    __tablename__ = "cost_history"
    __table_args__ = (
        sa.CheckConstraint("cost >= 0", name="cost_not_negative"),
        sa.Index("ix_cost_history_product_valid", "product_id", "valid_from"),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    product_id = sa.Column(sa.BigInteger, sa.ForeignKey("products.id"), nullable=False)
    cost = sa.Column(sa.Numeric(12, 2), nullable=False)
    valid_from = sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=CLOCK)
    changed_by = sa.Column(sa.BigInteger)


class StockMovement(db.Model):
    """The append-only stock ledger; quantity is signed (negative leaves stock)."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        # One movement per source (e.g. per sale line): what makes the sale job idempotent.
        sa.UniqueConstraint("source_type", "source_id"),
        # A phone retrying a manual movement over flaky 4G sends the same key: recorded once.
        sa.UniqueConstraint("idempotency_key"),
        sa.CheckConstraint("kind IN ('receive', 'adjust', 'sale', 'return', 'write_off')", name="kind_known"),
        sa.CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        sa.Index("ix_stock_movements_product", "product_id", "id"),
        sa.Index("ix_stock_movements_business", "business", "id"),
        # Reporting reads movements of a business by day through the published view.
        sa.Index("ix_stock_movements_business_created", "business", "created_at"),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    product_id = sa.Column(sa.BigInteger, sa.ForeignKey("products.id"), nullable=False)
    business = sa.Column(sa.String(16), nullable=False)
    kind = sa.Column(sa.String(16), nullable=False)
    quantity = sa.Column(sa.Numeric(12, 3), nullable=False)
    reason = sa.Column(sa.String(200))
    source_type = sa.Column(sa.String(32))
    source_id = sa.Column(sa.BigInteger)
    idempotency_key = sa.Column(sa.Uuid)
    created_by = sa.Column(sa.BigInteger)
    created_at = created_at_column()
