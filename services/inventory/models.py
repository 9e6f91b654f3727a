"""inventory tables."""

from __future__ import annotations

import sqlalchemy as sa

from common.db import created_at_column, make_db, updated_at_column

db = make_db("inventory")


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        sa.UniqueConstraint("business", "sku"),
        sa.CheckConstraint("price >= 0", name="price_not_negative"),
    )

    id = sa.Column(sa.BigInteger, sa.Identity(), primary_key=True)
    business = sa.Column(sa.String(16), nullable=False, index=True)
    sku = sa.Column(sa.String(40), nullable=False)
    name = sa.Column(sa.String(120), nullable=False)
    unit = sa.Column(sa.String(16), nullable=False)
    price = sa.Column(sa.Numeric(12, 2), nullable=False)
    track_stock = sa.Column(sa.Boolean, nullable=False)
    stock_level = sa.Column(sa.Numeric(12, 3), nullable=False, server_default="0")
    reorder_level = sa.Column(sa.Numeric(12, 3), nullable=False, server_default="0")
    active = sa.Column(sa.Boolean, nullable=False, server_default=sa.true())
    created_at = created_at_column()
    updated_at = updated_at_column()
