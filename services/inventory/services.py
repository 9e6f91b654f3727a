"""inventory business rules. No Flask request here."""

from __future__ import annotations

import sqlalchemy as sa

from .models import Product, db


def list_products(business: str) -> list[Product]:
    """Products of one business, active first then by name."""
    query = (
        sa.select(Product).where(Product.business == business).order_by(Product.active.desc(), Product.name)
    )
    return list(db.session.scalars(query))
