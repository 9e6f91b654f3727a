"""payments tables."""

from __future__ import annotations

import sqlalchemy as sa

from common.db import created_at_column, make_db, updated_at_column

db = make_db("payments")

METHODS = ("cash", "mpesa")
SALE_STATUSES = ("pending", "paid", "failed", "cancelled")


class Sale(db.Model):
    __tablename__ = "sales"
    __table_args__ = (
        sa.CheckConstraint("method IN ('cash', 'mpesa')", name="method"),
        sa.CheckConstraint("status IN ('pending', 'paid', 'failed', 'cancelled')", name="status"),
        sa.CheckConstraint("total >= 0", name="total_not_negative"),
        sa.Index("ix_sales_business_created", "business", "created_at"),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    idempotency_key = sa.Column(sa.Uuid, nullable=False, unique=True)
    business = sa.Column(sa.String(16), nullable=False)
    method = sa.Column(sa.String(8), nullable=False)
    status = sa.Column(sa.String(16), nullable=False)
    total = sa.Column(sa.Numeric(12, 2), nullable=False)
    customer_phone = sa.Column(sa.String(12))
    created_by = sa.Column(sa.BigInteger)
    created_at = created_at_column()
    updated_at = updated_at_column()
    lines = db.relationship(
        "SaleLine", back_populates="sale", order_by="SaleLine.id", cascade="all, delete-orphan"
    )


class SaleLine(db.Model):
    __tablename__ = "sale_lines"
    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    sale_id = sa.Column(sa.ForeignKey("sales.id", ondelete="CASCADE"), nullable=False, index=True)
    product_id = sa.Column(sa.BigInteger, nullable=False)
    name = sa.Column(sa.String(120), nullable=False)
    quantity = sa.Column(sa.Numeric(12, 3), nullable=False)
    unit_price = sa.Column(sa.Numeric(12, 2), nullable=False)
    line_total = sa.Column(sa.Numeric(12, 2), nullable=False)
    sale = db.relationship(Sale, back_populates="lines")
